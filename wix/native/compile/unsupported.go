package compile

import (
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// nativeElements are the WiX v3 elements this package compiles.
var nativeElements = set(`Wix Product Package Fragment Media MediaTemplate Directory DirectoryRef
	Component ComponentGroup ComponentRef ComponentGroupRef File Feature FeatureRef Property PropertyRef
	CustomAction CustomActionRef SetProperty SetDirectory Custom InstallExecuteSequence InstallUISequence
	AdminExecuteSequence AdminUISequence AdvertiseExecuteSequence Condition MajorUpgrade Upgrade
	UpgradeVersion RegistryKey RegistryValue RegistrySearch RegistrySearchRef DirectorySearch
	DirectorySearchRef FileSearch ComponentSearch IniFileSearch Environment Icon Binary Shortcut
	RemoveFolder RemoveFile CreateFolder MultiStringValue ServiceInstall ServiceControl ServiceDependency
	ServiceArgument ShortcutProperty WixVariable Permission PermissionEx CustomTable Column Row Data
	InstanceTransforms Instance AssemblyName` + " " + standardActionElements())

// wixlElements are the elements msitools' wixl 0.101 compiles too, so
// errors can name it as an alternative.
var wixlElements = set(`Permission TextStyle CopyFile`)

// wix3Elements are other elements of the WiX v3 schema that WiX itself
// compiles: errors then point at the wix3 and wix4 toolsets.
var wix3Elements = set(`AppId Billboard BillboardAction BinaryRef Category Class ComplianceCheck
	ComplianceDrive ComponentGroupRef Control ControlEvent Dialog DialogRef DigitalCertificate
	DigitalSignature DuplicateFile EmbeddedChainer EmbeddedUI EnsureTable Extension Feature
	FeatureGroup FeatureGroupRef File Font IgnoreModularization IniFile
	Interface IsolateComponent ListBox ListItem ListView Merge MergeRef MIME ODBCDataSource
	ODBCDriver ODBCTranslator Patch PatchCertificates Progid Publish RadioButton RadioButtonGroup
	Registry ReserveCost SFPCatalog SFPFile Show SymbolPath Text TypeLib UI UIRef UIText Verb
	Subscribe PatchFamily PatchFamilyRef Module Dependency Configuration
	Level Error ProgressText ServiceConfig
	Property FileSearchRef ProductSearch
	ComplianceDrive ServiceConfigFailureActions`)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// known reports whether e is an element this package compiles; otherwise it
// records an error naming the element, its line and who can compile it.
func (c *compiler) known(e *wxs.Element) bool {
	if e.Space != wxs.Namespace {
		c.err(e.NotNativef("element %s from namespace %s belongs to %s, which the native toolset does not have", e.Name, e.Space, extensionName(e.Space)))
		return false
	}
	if e.Name == "UIRef" && strings.HasPrefix(e.Get("Id"), "WixUI_") {
		c.err(e.NotNativef("element UIRef %s is a dialog set of WixUIExtension, which the native toolset does not have", e.Get("Id")))
		return false
	}
	if nativeElements[e.Name] {
		return true
	}
	switch {
	case wixlElements[e.Name]:
		c.err(e.NotNativef("element %s is not supported by the native toolset (wixl compiles it too)", e.Name))
	case wix3Elements[e.Name]:
		c.err(e.NotNativef("element %s is not supported by the native toolset", e.Name))
	default:
		c.err(e.Errorf("element %s is not a WiX v3 element (check its spelling and namespace)", e.Name))
	}
	return false
}

// unexpected records an error for a known element in a place the native
// toolset does not compile it.
func (c *compiler) unexpected(e *wxs.Element, parent string) {
	c.err(e.NotNativef("element %s inside %s is not supported by the native toolset", e.Name, parent))
}

// standardActionElements lists the standard actions as element names.
func standardActionElements() string {
	var names []string
	for name := range standardActionCatalogue {
		names = append(names, name)
	}
	for name := range specialActions {
		names = append(names, name)
	}
	return strings.Join(names, " ")
}

// extensionName names the WiX extension of an element namespace:
// http://schemas.microsoft.com/wix/UtilExtension is WixUtilExtension.
func extensionName(space string) string {
	const prefix = "http://schemas.microsoft.com/wix/"
	if name, ok := strings.CutPrefix(space, prefix); ok && strings.HasSuffix(name, "Extension") && !strings.Contains(name, "/") {
		return "the WiX extension Wix" + name
	}
	return "a WiX extension"
}
