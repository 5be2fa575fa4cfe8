package compile

import (
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// TestLocalizationCodepage: a .wxl's Codepage is the database's before the
// Package is read, so a SummaryCodepage equal to it is accepted (WiX's
// own test loc-he-il) and one differing from it is not.
func TestLocalizationCodepage(t *testing.T) {
	compileWith := func(summary string, loc *wxs.Localization) (*Package, error) {
		src := strings.Replace(product(comp, `<ComponentRef Id="C"/>`), `InstallerVersion="300"/>`, `InstallerVersion="300" SummaryCodepage="`+summary+`"/>`, 1)
		root, err := wxs.Parse("Product.wxs", strings.NewReader(src), wxs.Options{Vars: map[string]string{"SourceDir": "/src"}})
		if err != nil {
			t.Fatal(err)
		}
		return Compile([]*wxs.Element{root}, Options{Platform: "x64", Localization: loc})
	}
	pkg, err := compileWith("1255", &wxs.Localization{Codepage: 1255})
	if err != nil {
		t.Fatal(err)
	}
	if pkg.CodePage != 1255 {
		t.Errorf("code page %d, want the .wxl's 1255", pkg.CodePage)
	}
	if _, err := compileWith("1255", &wxs.Localization{Codepage: -1}); err == nil || !strings.Contains(err.Error(), "SummaryCodepage 1255 differs from the database code page 1252") {
		t.Errorf("without a .wxl code page: %v", err)
	}
}
