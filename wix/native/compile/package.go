package compile

import (
	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Package is a compiled installer: rows for every table but File and
// Media, which need the files measured and the cabinets laid out first.
type Package struct {
	Tables   *Tables
	Files    []*File // in sequence order
	Media    []*Media
	Template *MediaTemplate // nil unless a MediaTemplate was authored
	Summary  msidb.Summary
	CodePage int
	// ProductCode is the ProductCode property: a GUID, or "*" (Product/@Id
	// "*") until the caller derives one and calls SetProductCode.
	ProductCode string
	// SeveralFileAutoGUIDs are the components whose Guid="*" comes from a
	// key file among other files, which WiX allows only when the key file
	// is versioned and the others are not: the caller checks once it has
	// measured the files.
	SeveralFileAutoGUIDs []AutoGUIDComponent
	// Assemblies are the files marked as .NET or Win32 assemblies: the
	// caller reads their identities into MsiAssemblyName (assembly.go).
	Assemblies []*Assembly
	// Instances are the InstanceTransforms/Instance elements; see
	// InstanceTransforms for the transforms they become.
	Instances []Instance

	compressed bool
}

// AutoGUIDComponent is a component with a generated GUID and several files.
type AutoGUIDComponent struct {
	ID      string
	KeyFile *File
	Files   []*File
	Pos     wxs.Pos
}

// SetProductCode replaces ProductCode "*" in the Property table with code.
func (p *Package) SetProductCode(code string) {
	p.ProductCode = code
	for _, row := range p.Tables.Rows("Property") {
		if row[0] == "ProductCode" {
			row[1] = code
		}
	}
}

// File is one File element: its row values but size, version and sequence.
type File struct {
	Key        string
	Component  string
	FileName   string // "SHORT|long" or "name"
	Source     string // path on disk
	DiskID     int
	Attributes int
	Pos        wxs.Pos
	// Uncompressed files are copied beside the package (its source
	// layout) instead of into a cabinet: see uncompressed.go.
	Uncompressed bool

	short      string // authored ShortName
	compressed string // authored Compressed: "", yes or no
	dir        string // directory id
}

// Media is one authored Media element.
type Media struct {
	ID          int
	Cabinet     string // "" for uncompressed media
	Embed       bool
	Compression string // CompressionLevel as authored: "", none, low, medium, high or mszip
	DiskPrompt  string
	VolumeLabel string
	Pos         wxs.Pos
}

// MediaTemplate is an authored MediaTemplate element.
type MediaTemplate struct {
	Pattern     string // cabinet names, one %d
	Embed       bool
	Compression string // as Media.Compression
	MaxSize     int64  // uncompressed bytes per cabinet
	Pos         wxs.Pos
}
