package native_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native"
)

// TestCompileWixVariables: !(wix.X) takes the value of a WixVariable
// defined later, in another source, as light does after linking.
func TestCompileWixVariables(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
	main := `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="!(wix.ProductName)" Language="1033" Version="1.0.0" Manufacturer="M" UpgradeCode="5D2E8B11-7C3A-4E5F-9A0B-1C2D3E4F5A6C">
    <Package Compressed="yes"/>
    <MediaTemplate EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="V">
      <Component Id="C" Guid="!(wix.componentguid)"><File Id="f" Source="a.txt"/></Component>
    </Directory></Directory></Directory>
    <Feature Id="F"><ComponentRef Id="C"/></Feature>
    <WixVariable Id="ProductName" Value="Default Name" Overridable="yes"/>
  </Product>
</Wix>`
	vars := `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Fragment>
  <WixVariable Id="componentguid" Value="{5AF41D32-A304-4A2A-A32E-2D491E866177}"/>
  <WixVariable Id="ProductName" Value="Chosen Name"/>
</Fragment></Wix>`
	os.WriteFile(filepath.Join(dir, "main.wxs"), []byte(main), 0o644)
	os.WriteFile(filepath.Join(dir, "vars.wxs"), []byte(vars), 0o644)
	c := native.Compilation{Sources: []string{filepath.Join(dir, "main.wxs"), filepath.Join(dir, "vars.wxs")}, BasePaths: []string{dir}, Out: filepath.Join(dir, "v.msi")}
	if err := (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	tables := dumpTables(t, c.Out)
	if r := tables["Component"].rows[0]; r[1] != "{5AF41D32-A304-4A2A-A32E-2D491E866177}" {
		t.Errorf("Component row %q", r)
	}
	found := false
	for _, r := range tables["Property"].rows {
		if r[0] == "ProductName" {
			found = r[1] == "Chosen Name"
			if !found {
				t.Errorf("ProductName %q, want the non-overridable definition", r[1])
			}
		}
	}
	if !found {
		t.Error("no ProductName property")
	}

	os.WriteFile(filepath.Join(dir, "vars.wxs"), []byte(strings.Replace(vars, `Id="componentguid"`, `Id="other"`, 1)), 0o644)
	err := (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), "main.wxs:7: <Component Guid>: !(wix.componentguid): no WixVariable has the Id componentguid") {
		t.Errorf("undefined: %v", err)
	}
}
