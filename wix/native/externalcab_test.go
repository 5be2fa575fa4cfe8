package native_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native"
)

// externalSource has one file per component so a small MaxCabinetSize
// cuts several cabinets; MEDIA is replaced by each test.
const externalSource = `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Ext" Language="1033" Version="1.0.0" Manufacturer="M" UpgradeCode="0C3A9E51-7D2B-4E8F-A1B0-C2D3E4F5A6B7">
    <Package Compressed="yes"/>
    MEDIA
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="Ext">
        <Component><File Source="$(var.Payload)\a.txt"/></Component>
        <Component><File Source="$(var.Payload)\b.txt"/></Component>
      </Directory></Directory>
    </Directory>
    <Feature Id="F"><ComponentRef Id="a.txt"/><ComponentRef Id="b.txt"/></Feature>
  </Product>
</Wix>`

func compileExternal(t *testing.T, media string, maxCab int64) (native.Compilation, error) {
	t.Helper()
	dir := t.TempDir()
	payload := filepath.Join(dir, "payload")
	os.MkdirAll(payload, 0o755)
	os.WriteFile(filepath.Join(payload, "a.txt"), []byte(strings.Repeat("a", 3000)), 0o644)
	os.WriteFile(filepath.Join(payload, "b.txt"), []byte(strings.Repeat("b", 3000)), 0o644)
	src := filepath.Join(dir, "ext.wxs")
	os.WriteFile(src, []byte(strings.Replace(externalSource, "MEDIA", media, 1)), 0o644)
	c := native.Compilation{Sources: []string{src}, Defines: map[string]string{"Payload": payload}, Out: filepath.Join(dir, "out", "Ext.msi")}
	return c, (&native.Toolset{Getenv: noEnv, MaxCabinetSize: maxCab}).Compile(context.Background(), c)
}

// TestExternalCabinetsBesideThePackage: a MediaTemplate without EmbedCab
// is external in WiX v3; its cabinets are written beside the .msi and the
// Media rows name them without "#".
func TestExternalCabinetsBesideThePackage(t *testing.T) {
	c, err := compileExternal(t, `<MediaTemplate CabinetTemplate="ext{0}.cab"/>`, 4000)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Dir(c.Out)
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "Ext.msi ext1.cab ext2.cab" {
		t.Errorf("the package's folder holds %v, want Ext.msi ext1.cab ext2.cab", names)
	}
	media := dumpTables(t, c.Out)["Media"]
	if media == nil || len(media.rows) != 2 || media.rows[0][3] != "ext1.cab" || media.rows[1][3] != "ext2.cab" {
		t.Errorf("Media rows %v", media)
	}
	for _, r := range media.rows {
		if strings.HasPrefix(r[3], "#") {
			t.Errorf("external cabinet written as a stream: %v", r)
		}
	}
}

// TestExternalCabinetNamedLikeThePackage is refused, and nothing is left.
func TestExternalCabinetNamedLikeThePackage(t *testing.T) {
	c, err := compileExternal(t, `<Media Id="1" Cabinet="Ext.msi"/>`, 0)
	if err == nil || !strings.Contains(err.Error(), "external cabinet Ext.msi would overwrite") {
		t.Fatalf("error %v, want the cabinet refused", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(c.Out))
	if len(entries) != 0 {
		t.Errorf("a failed build left %v", entries)
	}
}

// TestExternalCabinetChangesProductCode: the derived ProductCode covers
// where the cabinet is, since the Media rows differ.
func TestExternalCabinetChangesProductCode(t *testing.T) {
	code := func(media string) string {
		c, err := compileExternal(t, media, 0)
		if err != nil {
			t.Fatal(err)
		}
		r, err := msidb.ReadFile(c.Out)
		if err != nil {
			t.Fatal(err)
		}
		v, _, err := r.Property("ProductCode")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	embedded, external := code(`<Media Id="1" Cabinet="ext.cab" EmbedCab="yes"/>`), code(`<Media Id="1" Cabinet="ext.cab"/>`)
	if embedded == external {
		t.Errorf("embedded and external cabinets give the same ProductCode %s", embedded)
	}
	if again := code(`<Media Id="1" Cabinet="ext.cab"/>`); again != external {
		t.Errorf("the same external build gave %s, then %s", external, again)
	}
}
