package native_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/dotnettest"
	"github.com/gomsi/gomsi/wix/native"
)

const assemblySource = `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Asm" Language="1033" Version="1.0.0" Manufacturer="M" UpgradeCode="6A0C3B8E-1F2D-4C5B-8E9A-0B1C2D3E4F50">
    <Package Compressed="yes"/>
    <MediaTemplate EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="Asm">
      <Component Id="App" Guid="6A0C3B8E-1F2D-4C5B-8E9A-0B1C2D3E4F51"><File Id="app.exe" Source="app.exe" KeyPath="yes"/></Component>
      <Component Id="Private" Guid="*"><File Id="private.dll" Source="private.dll" Assembly=".net" AssemblyApplication="app.exe" ProcessorArchitecture="x86"/></Component>
      <Component Id="Global" Guid="*"><File Id="global.dll" Name="Contoso.Global.dll" Source="global.dll" Assembly=".net"/></Component>
      <Component Id="Side" Guid="6A0C3B8E-1F2D-4C5B-8E9A-0B1C2D3E4F52">
        <File Id="side.dll" Source="side.dll" KeyPath="yes" Assembly="win32" AssemblyManifest="side.manifest"/>
        <File Id="side.manifest" Source="side.manifest"/>
      </Component>
    </Directory></Directory></Directory>
    <Feature Id="F"><ComponentRef Id="App"/><ComponentRef Id="Private"/><ComponentRef Id="Global"/><ComponentRef Id="Side"/></Feature>
  </Product>
</Wix>`

// TestCompileAssemblies: the identities of .NET assemblies (read from
// their metadata) and of a Win32 assembly (from its manifest) reach
// MsiAssemblyName in the written package, as light writes them.
func TestCompileAssemblies(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"app.exe":     dotnettest.Assembly{Machine: 0x14c, CLIFlags: 1, Runtime: "v4.0.30319", Name: "app"}.Build(),
		"private.dll": dotnettest.Assembly{Machine: 0x14c, CLIFlags: 1, Runtime: "v4.0.30319", Name: "Private", Culture: "en-US", Version: [4]uint16{3, 1, 0, 0}}.Build(),
		// The ECMA key, whose token is b77a5c561934e089.
		"global.dll":    dotnettest.Assembly{Machine: 0x8664, PE32Plus: true, CLIFlags: 1, Runtime: "v4.0.30319", Name: "Contoso.Global", Version: [4]uint16{1, 0, 0, 0}, PublicKey: []byte{0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0}}.Build(),
		"side.dll":      []byte("MZ"),
		"side.manifest": []byte(`<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0"><assemblyIdentity type="win32" name="Contoso.Side" version="2.0.0.0" processorArchitecture="x86"/></assembly>`),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join(dir, "asm.wxs")
	os.WriteFile(src, []byte(assemblySource), 0o644)
	c := native.Compilation{Sources: []string{src}, BasePaths: []string{dir}, Out: filepath.Join(dir, "asm.msi")}
	if err := (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	tables := dumpTables(t, c.Out)
	join := func(table string) string {
		var lines []string
		for _, r := range tables[table].rows {
			lines = append(lines, strings.Join(r, " "))
		}
		return strings.Join(lines, "\n")
	}
	wantNames := strings.Join([]string{
		"Global culture neutral", "Global name Contoso.Global", "Global processorArchitecture AMD64",
		"Global publicKeyToken B77A5C561934E089", "Global version 1.0.0.0",
		"Private culture en-US", "Private name Private", "Private processorArchitecture MSIL", "Private version 3.1.0.0",
		"Side name Contoso.Side", "Side processorArchitecture x86", "Side type win32", "Side version 2.0.0.0",
	}, "\n")
	if got := join("MsiAssemblyName"); got != wantNames {
		t.Errorf("MsiAssemblyName:\n%s\nwant:\n%s", got, wantNames)
	}
	wantAsm := "Global F   0\nPrivate F  app.exe 0\nSide F side.manifest  1"
	if got := join("MsiAssembly"); got != wantAsm {
		t.Errorf("MsiAssembly:\n%s\nwant:\n%s", got, wantAsm)
	}
	seq := join("InstallExecuteSequence")
	for _, a := range []string{"MsiPublishAssemblies  6250", "MsiUnpublishAssemblies  1750"} {
		if !strings.Contains(seq, a) {
			t.Errorf("InstallExecuteSequence lacks %q:\n%s", a, seq)
		}
	}

	// A native DLL marked as a .NET assembly is an error naming the line
	// and the file.
	os.WriteFile(filepath.Join(dir, "private.dll"), []byte("MZ native"), 0o644)
	err := (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), "asm.wxs:8:") || !strings.Contains(err.Error(), filepath.Join(dir, "private.dll")) {
		t.Errorf("native DLL as .NET assembly: %v", err)
	}
}
