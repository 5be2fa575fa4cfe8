package native_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/pipeline"
)

var guidPattern = regexp.MustCompile(`^\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}$`)

// icoFile is a 16x16 icon of one colour: an ICO header and one entry
// holding a PNG.
func icoFile(t *testing.T, blue uint8) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.NRGBA{0, 0x7f, blue, 0xff}), image.Point{}, draw.Src)
	var pngData bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, [3]uint16{0, 1, 1}) // reserved, type icon, one image
	b.Write([]byte{16, 16, 0, 0})                             // width, height, colours, reserved
	binary.Write(&b, binary.LittleEndian, [2]uint16{1, 32})   // planes, bits per pixel
	binary.Write(&b, binary.LittleEndian, [2]uint32{uint32(pngData.Len()), 22})
	b.Write(pngData.Bytes())
	return b.Bytes()
}

// storedProperty reads a Property row straight from the MSI's streams.
func storedProperty(t *testing.T, msi, name string) string {
	t.Helper()
	s := msitest.ReadStored(t, msi)
	for _, r := range s.Rows(t, "Property") {
		if s.Str(int(r[0])) == name {
			return s.Str(int(r[1]))
		}
	}
	t.Fatalf("%s has no %s property", msi, name)
	return ""
}

// packageCode reads the summary's revision number, the package code.
func packageCode(t *testing.T, msi string) string {
	t.Helper()
	for _, r := range dumpTables(t, msi)["_SummaryInformation"].rows {
		if r[0] == "9" {
			return r[1]
		}
	}
	t.Fatalf("%s has no package code", msi)
	return ""
}

// TestProductCodeFollowsTheWholePackage builds packages of the same Go
// version that differ in one input each. Windows refuses (error 1638) a
// package whose ProductCode is installed from another package code, so
// every package with its own package code must have its own ProductCode,
// and a rebuild of the same inputs the same one (reproducible builds).
func TestProductCodeFollowsTheWholePackage(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	icons := t.TempDir()
	os.WriteFile(filepath.Join(icons, "a.ico"), icoFile(t, 0x00), 0o644)
	os.WriteFile(filepath.Join(icons, "b.ico"), icoFile(t, 0xff), 0o644) // same size, other pixels
	sameSize := msitest.SmallTree(t, "go1.26.8")
	// As signing go.exe would: other bytes, the same (no) version.
	os.WriteFile(filepath.Join(sameSize, "bin", "gofmt.exe"), []byte("MZ not really GOFMT"), 0o644)
	epoch := func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "1767225600"
		}
		return ""
	}
	builds := []struct {
		name string
		root string
		edit func(*pipeline.Pipeline)
	}{
		{"base", root, nil},
		{"exclude misc", root, func(p *pipeline.Pipeline) { p.Config.Exclude = []string{"misc/*"} }},
		{"icon a", root, func(p *pipeline.Pipeline) { p.Config.Installer.Icon = filepath.Join(icons, "a.ico") }},
		{"icon b", root, func(p *pipeline.Pipeline) { p.Config.Installer.Icon = filepath.Join(icons, "b.ico") }},
		{"help link", root, func(p *pipeline.Pipeline) { p.Config.Installer.HelpLink = "https://example.com/go" }},
		{"one file's bytes", sameSize, nil},
		{"SOURCE_DATE_EPOCH", root, func(p *pipeline.Pipeline) { setEnv(p, epoch) }},
	}
	byProduct := map[string]string{}
	byPackage := map[string]string{}
	for _, b := range builds {
		msi := buildMSI(t, b.root, b.edit).MSI
		product, pkg := storedProperty(t, msi, "ProductCode"), packageCode(t, msi)
		if !guidPattern.MatchString(product) {
			t.Errorf("%s: ProductCode %q is not a braced upper-case GUID", b.name, product)
		}
		if other, dup := byProduct[product]; dup {
			t.Errorf("%s and %s share ProductCode %s: Windows would refuse the second with error 1638", b.name, other, product)
		}
		if other, dup := byPackage[pkg]; dup {
			t.Errorf("%s and %s share package code %s", b.name, other, pkg)
		}
		byProduct[product], byPackage[pkg] = b.name, b.name
	}
	again := buildMSI(t, root, nil).MSI
	if got := storedProperty(t, again, "ProductCode"); byProduct[got] != "base" {
		t.Errorf("a rebuild of the same inputs got ProductCode %s, not base's", got)
	}
}
