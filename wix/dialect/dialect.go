// Package dialect describes the WiX source a toolset reads and what its
// compiler can express, so that the templates and the installer plan adapt
// to capabilities, never to toolset names. Each toolset returns its own
// (wix.Toolset's Dialect); the package imports nothing, so that templates
// and installer use it without importing the toolsets.
package dialect

// The source schemas, each the name of a folder of templates.
const (
	V3 = "wix3" // WiX v3 source, which wixl and gomsi's native toolset also read
	V4 = "wix4" // WiX v4 and later
)

// Dialect is what a toolset reads and can compile.
type Dialect struct {
	// Schema is V3 or V4: the schema of the sources and the templates that
	// write them.
	Schema string

	// Binder: the compiler's binder resolves !(loc.X), !(wix.X) and the
	// like in values (V3's or V4's syntax by Schema), so printed values
	// escape them.
	Binder bool
	// DollarEscape: the preprocessor reads "$$" as "$". Without it (wixl), a
	// literal "$" comes through only as $(var.GomsiDollar), which a source
	// holding one must define.
	DollarEscape bool

	// InlineEnvironment: <Environment> compiles. Without it, the toolset's
	// Build adds the plan's environment changes to the package it built.
	InlineEnvironment bool
	// Broadcast: WiX's WixBroadcastEnvironmentChange (WixUtilExtension) is
	// there to schedule.
	Broadcast bool
	// PackagePrivileges: Package InstallPrivileges is read. Without it (wixl)
	// the summary word count comes from InstallScope alone.
	PackagePrivileges bool
	// PackagePlatform: Package Platform is read.
	PackagePlatform bool
	// SecureProperties: Property Secure="yes" is read.
	SecureProperties bool
	// MediaTemplate: the payload goes into 64 MB cabinets from a
	// MediaTemplate, which the compiler compresses in parallel, at its own
	// level (-dcl); without it, into the one cabinet of a Media element.
	MediaTemplate bool
	// CompressionLevel: Media CompressionLevel is read.
	CompressionLevel bool
	// RelativeIcon: an Icon's SourceFile must be relative to the sources'
	// folder (wixl cannot open an absolute one).
	RelativeIcon bool
}
