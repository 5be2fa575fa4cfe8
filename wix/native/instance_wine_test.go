package native_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/winetest"
	"github.com/gomsi/gomsi/wix/native"
)

// instanceSource has two instance transforms: Instance1.mst renames the
// product, Instance2.mst also moves it to another upgrade code.
const instanceSource = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="{6B2E4C1A-3F5D-4E7A-9B8C-0D1E2F3A4B5C}" Name="Gomsi Instances" Language="1033" Version="1.0.0" Manufacturer="Gomsi Tests" UpgradeCode="{1C2D3E4F-5A6B-4C7D-8E9F-0A1B2C3D4E5F}">
    <Package Compressed="yes" InstallScope="perMachine" InstallerVersion="200"/>
    <Media Id="1" Cabinet="inst.cab" EmbedCab="yes"/>
    <MajorUpgrade DowngradeErrorMessage="A newer version is installed."/>
    <Property Id="INSTANCE" Value="Base"/>
    <InstanceTransforms Property="INSTANCE">
      <Instance Id="Instance1.mst" ProductCode="{0E8F1B2C-7D6A-4B5C-8E9F-1A2B3C4D5E6F}" ProductName="Gomsi Instances Second"/>
      <Instance Id="Instance2.mst" ProductCode="*" UpgradeCode="{9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D}"/>
    </InstanceTransforms>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder"><Directory Id="INSTALLDIR" Name="GomsiInstances"/></Directory>
    </Directory>
    <DirectoryRef Id="INSTALLDIR">
      <Component Id="App" Guid="{2B3C4D5E-6F7A-4B8C-9D0E-1F2A3B4C5D6E}">
        <File Id="app" Source="$(var.Payload)\app.txt" KeyPath="yes"/>
      </Component>
    </DirectoryRef>
    <Feature Id="Main" Level="1"><ComponentRef Id="App"/></Feature>
  </Product>
</Wix>`

const (
	baseProductCode      = "{6B2E4C1A-3F5D-4E7A-9B8C-0D1E2F3A4B5C}"
	instance1ProductCode = "{0E8F1B2C-7D6A-4B5C-8E9F-1A2B3C4D5E6F}"
)

// TestInstanceTransformUnderWine installs the base product, then a second
// instance with "TRANSFORMS=:Instance1.mst MSINEWINSTANCE=1": the second
// registers under the instance's product code and name beside the first,
// and both uninstall.
func TestInstanceTransformUnderWine(t *testing.T) {
	dir := t.TempDir()
	payload := filepath.Join(dir, "payload")
	os.MkdirAll(payload, 0o755)
	os.WriteFile(filepath.Join(payload, "app.txt"), []byte("instance payload\n"), 0o644)
	src := filepath.Join(dir, "Instances.wxs")
	os.WriteFile(src, []byte(instanceSource), 0o644)
	out := filepath.Join(dir, "out", "Instances.msi")
	c := native.Compilation{Sources: []string{src}, Defines: map[string]string{"Payload": payload}, Arch: "x64", Out: out}
	if err := (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c); err != nil {
		t.Fatal(err)
	}

	// Wine applies the embedded transform but decides "installed or not"
	// from the base ProductCode before applying it (MSINEWINSTANCE is not
	// implemented), so the instance goes first on a clean prefix; Windows
	// takes either order.
	wine := win10(t)
	log, err := wine.Msiexec("/i", out, "TRANSFORMS=:Instance1.mst", "MSINEWINSTANCE=1", "/qn")
	if err != nil {
		t.Fatalf("install the instance: %v\n%s", err, msitest.Tail(log))
	}
	for prop, want := range map[string]string{"ProductCode": instance1ProductCode, "INSTANCE": "Instance1.mst", "ProductName": "Gomsi Instances Second"} {
		if v := winetest.LogProperty(log, prop); v != want {
			t.Errorf("instance: %s = %q, want %q", prop, v, want)
		}
	}
	log, err = wine.Msiexec("/i", out, "/qn")
	if err != nil {
		t.Fatalf("install the base product: %v\n%s", err, msitest.Tail(log))
	}
	if v := winetest.LogProperty(log, "INSTANCE"); v != "Base" {
		t.Errorf("base install: INSTANCE = %q, want Base", v)
	}
	products := wine.Products("Gomsi Instances")
	if p := products[instance1ProductCode]; p == nil || p["DisplayName"] != "Gomsi Instances Second" {
		t.Errorf("instance entry %v, want DisplayName Gomsi Instances Second under %s (entries %v)", p, instance1ProductCode, keys(products))
	}
	if p := products[baseProductCode]; p == nil || p["DisplayName"] != "Gomsi Instances" {
		t.Errorf("base product entry %v (entries %v)", p, keys(products))
	}
	app := wine.Path(`C:\Program Files\GomsiInstances\app.txt`)
	if _, err := os.Stat(app); err != nil {
		t.Errorf("app.txt not installed: %v", err)
	}
	// Wine maintains a product from its cached package without the
	// transform, so only the base uninstalls cleanly here; Windows
	// uninstalls the instance by its code as well.
	if log, err := wine.Msiexec("/x", baseProductCode, "/qn"); err != nil {
		t.Fatalf("uninstall the base product: %v\n%s", err, msitest.Tail(log))
	}
	left := wine.Products("Gomsi Instances")
	if _, ok := left[baseProductCode]; ok || left[instance1ProductCode] == nil {
		t.Errorf("after uninstalling the base: entries %v, want only the instance", keys(left))
	}
	if log, err := wine.Msiexec("/x", instance1ProductCode, "/qn"); err != nil {
		t.Logf("uninstall the instance under Wine (a Wine limitation, not checked): %v\n%s", err, msitest.Tail(log))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
