package compile

import (
	"strings"
	"testing"
)

// TestComponentFeature: Component/@Feature adds a FeatureComponents row,
// as a ComponentRef in that Feature would, and makes it the component's
// primary feature.
func TestComponentFeature(t *testing.T) {
	body := strings.Replace(comp, `<Component Id="C"`, `<Component Id="C" Feature="G"`, 1) +
		`<Feature Id="G" Level="1"/>`
	pkg := mustCompile(t, product(body, ``))
	if !hasRow(pkg, "FeatureComponents", "G") {
		t.Errorf("FeatureComponents %v, want G C", pkg.Tables.Rows("FeatureComponents"))
	}
	for _, r := range pkg.Tables.Rows("FeatureComponents") {
		if r[0] == "F" {
			t.Errorf("component in feature F too: %v", r)
		}
	}

	// Also referenced from another feature: a row in each.
	pkg = mustCompile(t, product(body, `<ComponentRef Id="C"/>`))
	if n := len(pkg.Tables.Rows("FeatureComponents")); n != 2 {
		t.Errorf("FeatureComponents %v, want rows for F and G", pkg.Tables.Rows("FeatureComponents"))
	}
}

func TestComponentFeatureErrors(t *testing.T) {
	for name, c := range map[string]struct{ body, feature, want string }{
		"undefined": {strings.Replace(comp, `<Component Id="C"`, `<Component Id="C" Feature="Nope"`, 1), ``,
			`Product.wxs:11: <Component Id="C">: Feature "Nope" is not defined in any source`},
		"nested": {``, `<Component Id="C" Feature="F" Directory="INSTALLDIR" Guid="11111111-2222-3333-4444-555555555555"/>`,
			`Feature "F" on a Component inside a Feature`},
	} {
		_, err := compileSources(t, product(c.body, c.feature))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
