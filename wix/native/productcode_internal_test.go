package native

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/compile"
	"github.com/gomsi/gomsi/wix/native/fileinfo"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// TestProductCodeCoversTheSummary: summary fields that are in no table (the
// creating application, that is gomsi's version; the word count; the
// installer version) change the derived ProductCode too, and so the
// package code, which hashes the Property table.
func TestProductCodeCoversTheSummary(t *testing.T) {
	src := `<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Product Id="*" Name="P" Language="1033" Version="1.0.0" UpgradeCode="22EA7650-4AC6-4001-BF29-F4B8775DB1C0">
	<Package/><Directory Id="TARGETDIR" Name="SourceDir"/><Feature Id="F"/></Product></Wix>`
	root, err := wxs.Parse(filepath.Join(t.TempDir(), "Product.wxs"), strings.NewReader(src), wxs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := compile.Compile([]*wxs.Element{root}, compile.Options{Platform: "x64", CreatingApp: "gomsi v1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	cab := filepath.Join(t.TempDir(), "a.cab")
	os.WriteFile(cab, []byte("cabinet bytes"), 0o644)
	media := []medium{{id: 1, lastSequence: 0, stream: "a.cab", path: cab}}
	code := func(edit func(*msidb.Summary)) string {
		s := pkg.Summary
		if edit != nil {
			edit(&s)
		}
		c, err := deriveProductCode(pkg, s, []fileinfo.Info{}, media)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := code(nil)
	if again := code(nil); again != base {
		t.Fatalf("the same package gave %s and %s", base, again)
	}
	for name, edit := range map[string]func(*msidb.Summary){
		"creating application": func(s *msidb.Summary) { s.CreatingApp = "gomsi v1.0.1" },
		"word count":           func(s *msidb.Summary) { s.WordCount |= 8 },
		"installer version":    func(s *msidb.Summary) { s.InstallerVersion = 500 },
	} {
		if code(edit) == base {
			t.Errorf("another %s kept ProductCode %s", name, base)
		}
	}
	os.WriteFile(cab, []byte("cabinet byteS"), 0o644)
	if code(nil) == base {
		t.Errorf("other cabinet bytes kept ProductCode %s", base)
	}
}
