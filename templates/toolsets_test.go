package templates_test

import (
	"testing"

	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/dialect"
	"github.com/gomsi/gomsi/wix/native"
)

// toolsetDialect is the dialect of the toolset of that name.
func toolsetDialect(t testing.TB, name string) dialect.Dialect {
	t.Helper()
	for _, ts := range []wix.Toolset{&wix.Wix3{}, &wix.Wix4{}, &wix.Wixl{}, &native.Toolset{}} {
		if ts.Name() == name {
			return ts.Dialect()
		}
	}
	t.Fatalf("no toolset %s", name)
	return dialect.Dialect{}
}

// TestToolsetDialects: the dialects this package's own tests render for
// are the toolsets'.
func TestToolsetDialects(t *testing.T) {
	toolsets := []wix.Toolset{&wix.Wix3{}, &wix.Wix4{}, &wix.Wixl{}, &native.Toolset{}}
	if len(toolsets) != len(templates.ToolsetDialects) {
		t.Errorf("%d toolsets, %d test dialects", len(toolsets), len(templates.ToolsetDialects))
	}
	for _, ts := range toolsets {
		if got, want := ts.Dialect(), templates.ToolsetDialects[ts.Name()]; got != want {
			t.Errorf("%s: dialect %+v, the tests render for %+v", ts.Name(), got, want)
		}
	}
}
