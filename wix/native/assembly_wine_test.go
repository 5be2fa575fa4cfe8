package native_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/dotnettest"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/wix/native"
)

const wineAssemblySource = `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="AsmWine" Language="1033" Version="1.0.0" Manufacturer="M" UpgradeCode="6A0C3B8E-1F2D-4C5B-8E9A-0B1C2D3E4F60">
    <Package Compressed="yes" Platform="x64"/>
    <MediaTemplate EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFiles64Folder"><Directory Id="INSTALLDIR" Name="AsmWine">
      <Component Id="App" Guid="6A0C3B8E-1F2D-4C5B-8E9A-0B1C2D3E4F61"><File Id="app.exe" Source="app.exe" KeyPath="yes"/></Component>
      <Component Id="Private" Guid="*"><File Id="Private.dll" Source="Private.dll" Assembly=".net" AssemblyApplication="app.exe"/></Component>
      <Component Id="Side" Guid="6A0C3B8E-1F2D-4C5B-8E9A-0B1C2D3E4F62">
        <File Id="side.dll" Source="side.dll" KeyPath="yes" Assembly="win32" AssemblyManifest="side.manifest"/>
        <File Id="side.manifest" Name="Contoso.Side.manifest" Source="Contoso.Side.manifest"/>
      </Component>
    </Directory></Directory></Directory>
    <Feature Id="F"><ComponentRef Id="App"/><ComponentRef Id="Private"/><ComponentRef Id="Side"/></Feature>
  </Product>
</Wix>`

// TestAssembliesUnderWine installs a global Win32 assembly and a private
// .NET one. Wine's Windows Installer puts the Win32 assembly into WinSxS
// under the identity MsiAssemblyName gives, and on uninstall removes
// what that identity names: the folder is gone again only when the rows
// match the manifest.
func TestAssembliesUnderWine(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"app.exe":     testtool.MinimalPE(0x8664),
		"Private.dll": dotnettest.Assembly{Machine: 0x14c, CLIFlags: 1, Runtime: "v4.0.30319", Name: "Private", Version: [4]uint16{1, 0, 0, 0}}.Build(),
		"side.dll":    testtool.MinimalPE(0x8664),
		"Contoso.Side.manifest": []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity type="win32" name="Contoso.Side" version="2.0.0.0" processorArchitecture="amd64" publicKeyToken="6595b64144ccf1df"/>
  <file name="side.dll"/>
</assembly>`),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join(dir, "asm.wxs")
	os.WriteFile(src, []byte(wineAssemblySource), 0o644)
	c := native.Compilation{Sources: []string{src}, BasePaths: []string{dir}, Arch: "x64", Out: filepath.Join(dir, "asm.msi")}
	if err := (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c); err != nil {
		t.Fatal(err)
	}

	wine := win10(t)
	if log, err := wine.Msiexec("/i", c.Out, "/qn"); err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	sxs, _ := filepath.Glob(filepath.Join(wine.Path(`C:\windows\winsxs`), "amd64_contoso.side_6595b64144ccf1df_2.0.0.0_none_*"))
	if len(sxs) != 1 {
		t.Fatalf("WinSxS folders of Contoso.Side: %v, want one", sxs)
	}
	if _, err := os.Stat(filepath.Join(sxs[0], "side.dll")); err != nil {
		t.Errorf("side.dll not in %s: %v", sxs[0], err)
	}
	if found := findFiles(t, wine.Path(`C:\`), "Private.dll"); len(found) != 1 || filepath.Base(filepath.Dir(found[0])) != "AsmWine" {
		t.Errorf("the private .NET assembly installed as %v, want once in AsmWine", found)
	}

	if log, err := wine.Msiexec("/x", c.Out, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(sxs[0]); !os.IsNotExist(err) {
		t.Errorf("uninstall left %s (%v): MsiAssemblyName does not name the installed assembly", sxs[0], err)
	}
}
