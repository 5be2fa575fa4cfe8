package templates

import "github.com/gomsi/gomsi/wix/dialect"

// ToolsetDialects are the toolsets' dialects for this package's tests,
// which cannot import package wix (it imports templates);
// TestToolsetDialects (package templates_test) checks each against its
// toolset.
var ToolsetDialects = map[string]dialect.Dialect{
	"wix3": {
		Schema: dialect.V3, Binder: true, DollarEscape: true,
		InlineEnvironment: true, Broadcast: true, PackagePrivileges: true, PackagePlatform: true,
		SecureProperties: true, MediaTemplate: true, CompressionLevel: true,
	},
	"wix4": {
		Schema: dialect.V4, Binder: true, DollarEscape: true,
		InlineEnvironment: true, Broadcast: true, PackagePrivileges: true, PackagePlatform: true,
		SecureProperties: true, MediaTemplate: true, CompressionLevel: true,
	},
	"wixl": {Schema: dialect.V3, RelativeIcon: true},
	"native": {
		Schema: dialect.V3, Binder: true, DollarEscape: true,
		InlineEnvironment: true, PackagePrivileges: true, PackagePlatform: true,
		SecureProperties: true, CompressionLevel: true,
	},
}
