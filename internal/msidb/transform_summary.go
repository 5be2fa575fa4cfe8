package msidb

import (
	"fmt"
	"strings"
)

// TransformSummary is the summary information of a transform. Its
// properties mean other things than a database's: the template is the
// platform and language of the base (target) database, the last author
// that of the updated one, the revision number lists the product codes
// and versions, the character count holds the validation and error
// condition flags, and the page count the installer version.
type TransformSummary struct {
	// Title, Subject, Author, Keywords and Comments are copied from the
	// base database, as WiX does for instance transforms.
	Title, Subject, Author, Keywords, Comments string
	// TargetTemplate and UpdatedTemplate are "platform;language", e.g.
	// "Intel;1033": the Template of the base and of the transformed
	// database. Both are required.
	TargetTemplate, UpdatedTemplate string
	// ProductCodes is the revision number: see TransformProductCodes.
	ProductCodes string
	// InstallerVersion is the minimum installer version times 100; 0
	// means 200.
	InstallerVersion int
	// Flags are the validation conditions (low 16 bits: 0x1 language,
	// 0x2 product code, ...) and the errors to suppress when applying
	// (high 16 bits). Instance transforms use 0: apply to any package and
	// suppress nothing.
	Flags uint32
}

// TransformProductCodes formats a transform's revision number: the base
// product code and version, the updated product code and version, and the
// upgrade code (may be empty), as "{code}version;{code}version;{upgrade}".
func TransformProductCodes(targetCode, targetVersion, updatedCode, updatedVersion, upgradeCode string) string {
	return targetCode + targetVersion + ";" + updatedCode + updatedVersion + ";" + upgradeCode
}

// securityReadOnlyEnforced is the security of every transform.
const securityReadOnlyEnforced = 4

// encode builds the stream with the properties in the order msi.dll writes
// them for a transform (WiX's embedded instance transforms show it): the
// descriptive strings, an empty creating application, the security, the
// templates, the product codes, the installer version and the flags.
func (s TransformSummary) encode(cp int) ([]byte, error) {
	if s.TargetTemplate == "" || s.UpdatedTemplate == "" {
		return nil, fmt.Errorf("transform summary information: the target and updated templates are required, e.g. \"Intel;1033\"")
	}
	if strings.Count(s.ProductCodes, ";") != 2 {
		return nil, fmt.Errorf("transform summary information: product codes %q: want {target}version;{updated}version;{upgrade code}", s.ProductCodes)
	}
	cp, enc, err := summaryEncoder(cp)
	if err != nil {
		return nil, fmt.Errorf("transform summary information: %w", err)
	}
	version := s.InstallerVersion
	if version == 0 {
		version = 200
	}
	props, err := appendStrings([]property{{pidCodePage, i2(int16(cp))}}, enc,
		stringProperty{pidTitle, s.Title}, stringProperty{pidSubject, s.Subject}, stringProperty{pidAuthor, s.Author},
		stringProperty{pidKeywords, s.Keywords}, stringProperty{pidComments, s.Comments})
	if err == nil {
		props = append(props, property{pidAppName, lpstr(nil)}, property{pidSecurity, i4(securityReadOnlyEnforced)})
		// The templates and product codes were checked non-empty above.
		props, err = appendStrings(props, enc,
			stringProperty{pidTemplate, s.TargetTemplate}, stringProperty{pidLastAuthor, s.UpdatedTemplate},
			stringProperty{pidRevision, s.ProductCodes})
	}
	if err != nil {
		return nil, fmt.Errorf("transform summary information %w", err)
	}
	props = append(props, property{pidPageCount, i4(int32(version))}, property{pidCharCount, i4(int32(s.Flags))})
	return propertySet(props), nil
}
