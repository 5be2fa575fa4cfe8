package compile

import (
	"strings"
	"testing"
)

// uncompressedProduct is product() with the Package and Media lines
// replaced.
func uncompressedProduct(pkgLine, mediaLine, body string) string {
	src := product(body, `<ComponentRef Id="C"/>`)
	src = strings.Replace(src, `<Package Compressed="yes" InstallScope="perMachine" InstallerVersion="300"/>`, pkgLine, 1)
	return strings.Replace(src, `<Media Id="1" Cabinet="a.cab" EmbedCab="yes"/>`, mediaLine, 1)
}

// TestMediaWithoutCabinet follows WiX v3 (AutoMediaAssigner.cs): the
// files of a Media without Cabinet are uncompressed, with neither
// compression bit unless File/@Compressed says so; a Media row without
// cabinet comes from the binder.
func TestMediaWithoutCabinet(t *testing.T) {
	pkg := mustCompile(t, uncompressedProduct(`<Package InstallerVersion="200"/>`, `<Media Id="1"/>`, comp))
	if len(pkg.Files) != 1 || !pkg.Files[0].Uncompressed {
		t.Fatalf("files %+v, want f1 uncompressed", pkg.Files)
	}
	if a := pkg.Files[0].Attributes; a != 512 {
		t.Errorf("attributes %d, want 512 (vital; no compression bit, as WiX)", a)
	}
	if pkg.Summary.WordCount&2 != 0 {
		t.Errorf("word count %d says compressed", pkg.Summary.WordCount)
	}
	if len(pkg.Media) != 1 || pkg.Media[0].Cabinet != "" {
		t.Errorf("media %+v", pkg.Media)
	}

	// Compressed="no" in a compressed package: the Noncompressed bit.
	body := strings.Replace(comp, `<File Id="f1"`, `<File Id="f1" Compressed="no"`, 1)
	pkg = mustCompile(t, uncompressedProduct(`<Package Compressed="yes"/>`, `<Media Id="1"/>`, body))
	if f := pkg.Files[0]; !f.Uncompressed || f.Attributes != 512|8192 {
		t.Errorf("Compressed=\"no\": uncompressed %v attributes %d, want true and 8704", f.Uncompressed, f.Attributes)
	}

	// A Media with a cabinet in an uncompressed package: packed and marked compressed.
	pkg = mustCompile(t, uncompressedProduct(`<Package/>`, `<Media Id="1" Cabinet="a.cab" EmbedCab="yes"/>`, comp))
	if f := pkg.Files[0]; f.Uncompressed || f.Attributes != 512|16384 {
		t.Errorf("cabinet media: uncompressed %v attributes %d, want false and 16896", f.Uncompressed, f.Attributes)
	}
}

func TestMediaWithoutCabinetErrors(t *testing.T) {
	for name, c := range map[string]struct{ pkg, media, body, want string }{
		"compressed package":             {`<Package Compressed="yes"/>`, `<Media Id="1"/>`, comp, `Product.wxs:11: <File Id="f1">: File f1 is compressed (Package/@Compressed="yes") but Media 1 has no Cabinet`},
		"compressed file":                {`<Package/>`, `<Media Id="1"/>`, strings.Replace(comp, `<File Id="f1"`, `<File Id="f1" Compressed="yes"`, 1), `File f1 has Compressed="yes" but Media 1 has no Cabinet`},
		"uncompressed file on a cabinet": {`<Package/>`, `<Media Id="1" Cabinet="a.cab" EmbedCab="yes"/>`, strings.Replace(comp, `<File Id="f1"`, `<File Id="f1" Compressed="no"`, 1), `Compressed="no" on a file of disk 1, which has a cabinet`},
		"bad value":                      {`<Package/>`, `<Media Id="1"/>`, strings.Replace(comp, `<File Id="f1"`, `<File Id="f1" Compressed="maybe"`, 1), `Compressed "maybe": use yes or no`},
	} {
		_, err := compileSources(t, uncompressedProduct(c.pkg, c.media, c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// TestProductWithoutFeature: WiX v3 builds a Product without Feature (its
// test SimpleProduct has none), with no Feature rows.
func TestProductWithoutFeature(t *testing.T) {
	src := strings.Replace(product(``, ``), `<Feature Id="F" Level="1"></Feature>`, ``, 1)
	pkg := mustCompile(t, src)
	if rows := pkg.Tables.Rows("Feature"); len(rows) != 0 {
		t.Errorf("Feature rows %v", rows)
	}
	// A component still needs a feature, as WiX's linker says (OrphanedComponent).
	src = strings.Replace(product(comp, ``), `<Feature Id="F" Level="1"></Feature>`, ``, 1)
	if _, err := compileSources(t, src); err == nil || !strings.Contains(err.Error(), "component C is in no feature") {
		t.Errorf("component without feature: %v", err)
	}
}
