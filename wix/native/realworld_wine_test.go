package native_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/wix/native"
)

// realWorldSource is hand-written WiX v3 source in the style of projects
// other than gomsi: searches feeding SetProperty chains, SetDirectory,
// Components and Files without Id, an advertised shortcut and an
// external cabinet.
const realWorldSource = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="RealWorld" Language="1033" Version="2.1.0" Manufacturer="Gomsi Tests" UpgradeCode="5D2C1E7A-8B3F-4A6D-9C0E-1F2A3B4C5D6E" Codepage="1252">
    <Package Compressed="yes" InstallScope="perMachine" InstallerVersion="500" SummaryCodepage="1252"/>
    <Media Id="1" Cabinet="rw1.cab" EmbedCab="no" CompressionLevel="mszip"/>

    <Property Id="CONFFILE">
      <DirectorySearch Id="dsTools" Path="C:\RealWorldTools">
        <DirectorySearch Id="dsConf" Path="Conf"><FileSearch Id="fsConf" Name="app.ini"/></DirectorySearch>
      </DirectorySearch>
    </Property>
    <Property Id="INIDATA"><IniFileSearch Id="iniData" Name="gomsirw.ini" Section="Main" Key="Data" Type="raw"/></Property>
    <Property Id="REGHOME"><RegistrySearch Id="rsHome" Root="HKLM" Key="Software\GomsiRealWorldSeed" Name="Home" Type="raw"/></Property>
    <Property Id="OLDCOMP"><ComponentSearch Id="csNone" Guid="0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"/></Property>

    <SetProperty Id="STAMP" Value="conf=[CONFFILE]" After="AppSearch" Sequence="execute"/>
    <SetProperty Id="STAMP2" Value="[STAMP];ini=[INIDATA]" After="SetSTAMP" Sequence="execute"/>
    <SetDirectory Id="INSTALLDIR" Value="C:\RealWorldApps\App"/>

    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder"><Directory Id="INSTALLDIR" Name="RealWorld">
        <Directory Id="DocDir" Name="docs"/>
      </Directory></Directory>
      <Directory Id="ProgramMenuFolder"><Directory Id="MenuDir" Name="RealWorld Menu"/></Directory>
    </Directory>

    <DirectoryRef Id="INSTALLDIR">
      <Component Win64="yes">
        <File Source="$(var.Payload)\rwapp.exe" KeyPath="yes">
          <Shortcut Id="AppShortcut" Directory="MenuDir" Name="RealWorld App" Advertise="yes" Description="Starts the app"/>
        </File>
        <RemoveFolder Id="RemoveMenuDir" Directory="MenuDir" On="uninstall"/>
      </Component>
      <Component Id="State" Guid="*" Win64="yes">
        <RegistryKey Root="HKLM" Key="Software\GomsiRealWorld" Action="createAndRemoveOnUninstall">
          <RegistryValue Name="stamp" Type="string" Value="[STAMP2]" KeyPath="yes"/>
          <RegistryValue Name="home" Type="string" Value="[REGHOME]"/>
          <RegistryValue Name="old" Type="string" Value="[OLDCOMP]-none"/>
        </RegistryKey>
      </Component>
    </DirectoryRef>
    <DirectoryRef Id="DocDir">
      <Component Win64="yes"><File Source="$(var.Payload)\read me.txt"/></Component>
    </DirectoryRef>

    <Feature Id="Main" Title="RealWorld" Level="1">
      <ComponentRef Id="rwapp.exe"/>
      <ComponentRef Id="State"/>
      <ComponentRef Id="read_me.txt"/>
    </Feature>
  </Product>
</Wix>`

// TestRealWorldUnderWine builds realWorldSource with the native toolset,
// checks the tables and the external cabinet beside the package, installs
// it under Wine after seeding what the searches look for, and checks what
// the searches, the SetProperty chain, SetDirectory and the advertised
// shortcut did; uninstalling must leave nothing of the package.
func TestRealWorldUnderWine(t *testing.T) {
	dir := t.TempDir()
	payload := filepath.Join(dir, "payload")
	os.MkdirAll(payload, 0o755)
	os.WriteFile(filepath.Join(payload, "rwapp.exe"), []byte("not really a program\n"), 0o644)
	os.WriteFile(filepath.Join(payload, "read me.txt"), []byte("read me\n"), 0o644)
	src := filepath.Join(dir, "RealWorld.wxs")
	os.WriteFile(src, []byte(realWorldSource), 0o644)
	out := filepath.Join(dir, "out", "RealWorld.msi")
	c := native.Compilation{Sources: []string{src}, Defines: map[string]string{"Payload": payload}, Arch: "x64", Out: out}
	if err := (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "rw1.cab")); err != nil {
		t.Fatalf("external cabinet: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "out", ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporaries left beside the package: %v", leftovers)
	}
	tables := dumpTables(t, out)
	if m := tables["Media"]; m == nil || len(m.rows) != 1 || m.rows[0][3] != "rw1.cab" {
		t.Errorf("Media rows %v, want one with Cabinet rw1.cab (no #: external)", m)
	}
	want := map[string]map[string]string{ // table -> first column -> row
		"Component":              {"rwapp.exe": "rwapp.exe", "read_me.txt": "read_me.txt"},
		"Shortcut":               {"AppShortcut": "AppShortcut\tMenuDir\tREALWO~1|RealWorld App\trwapp.exe\tMain"},
		"CustomAction":           {"SetINSTALLDIR": "SetINSTALLDIR\t51\tINSTALLDIR\tC:\\RealWorldApps\\App"},
		"InstallExecuteSequence": {"SetSTAMP": "SetSTAMP\t\t51", "SetSTAMP2": "SetSTAMP2\t\t52", "SetINSTALLDIR": "SetINSTALLDIR\t\t801"},
	}
	for table, rows := range want {
		for key, prefix := range rows {
			found := false
			for _, r := range tables[table].rows {
				if r[0] == key {
					found = true
					if !strings.HasPrefix(strings.Join(r, "\t"), prefix) {
						t.Errorf("%s row %q, want it to start %q", table, strings.Join(r, "\t"), prefix)
					}
				}
			}
			if !found {
				t.Errorf("no %s row %s", table, key)
			}
		}
	}

	wine := win10(t)
	seedConf := wine.Path(`C:\RealWorldTools\Conf\app.ini`)
	os.MkdirAll(filepath.Dir(seedConf), 0o755)
	os.WriteFile(seedConf, []byte("x=1\r\n"), 0o644)
	os.WriteFile(wine.Path(`C:\windows\gomsirw.ini`), []byte("[Main]\r\nData=C:\\Data\\RW\r\n"), 0o644)
	if out, err := wine.Reg("add", `HKLM\Software\GomsiRealWorldSeed`, "/v", "Home", "/t", "REG_SZ", "/d", `C:\Home\RW`, "/f"); err != nil {
		t.Fatalf("seed the registry: %v: %s", err, out)
	}

	if log, err := wine.Msiexec("/i", out, "/qn"); err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	installDir := wine.Path(`C:\RealWorldApps\App`)
	for _, f := range []string{"rwapp.exe", filepath.Join("docs", "read me.txt")} {
		if _, err := os.Stat(filepath.Join(installDir, f)); err != nil {
			t.Errorf("SetDirectory: %s not installed in C:\\RealWorldApps\\App: %v", f, err)
		}
	}
	if _, err := os.Stat(wine.Path(`C:\Program Files\RealWorld`)); err == nil {
		t.Errorf("installed into the default folder despite SetDirectory")
	}
	const state = `HKLM\Software\GomsiRealWorld`
	if v, _ := wine.RegQuery(state, "stamp"); !strings.EqualFold(v, `conf=C:\RealWorldTools\Conf\app.ini;ini=C:\Data\RW`) {
		t.Errorf("stamp = %q: DirectorySearch/FileSearch, IniFileSearch or the SetProperty chain failed", v)
	}
	if v, _ := wine.RegQuery(state, "home"); v != `C:\Home\RW` {
		t.Errorf("home = %q: RegistrySearch failed", v)
	}
	if v, _ := wine.RegQuery(state, "old"); v != "-none" {
		t.Errorf("old = %q: a ComponentSearch for a missing component must leave its property unset", v)
	}
	shortcuts := findFiles(t, wine.Path(`C:\`), "RealWorld App.lnk")
	if len(shortcuts) != 1 {
		t.Errorf("advertised shortcut: found %v, want one RealWorld App.lnk", shortcuts)
	}

	if log, err := wine.Msiexec("/x", out, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(installDir); err == nil {
		t.Errorf("uninstall left C:\\RealWorldApps\\App")
	}
	if left := findFiles(t, wine.Path(`C:\`), "RealWorld App.lnk"); len(left) > 0 {
		t.Errorf("uninstall left the shortcut %v", left)
	}
	if left := findFiles(t, wine.Path(`C:\`), "RealWorld Menu"); len(left) > 0 {
		t.Errorf("uninstall left the menu folder %v", left)
	}
	if v, ok := wine.RegQuery(state, "stamp"); ok {
		t.Errorf("uninstall left %s stamp = %q", state, v)
	}
	if _, err := os.Stat(seedConf); err != nil {
		t.Errorf("uninstall removed the searched file, which is not the package's: %v", err)
	}
}

// findFiles returns the paths under root whose base name is name.
func findFiles(t *testing.T, root, name string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Name() == name {
			found = append(found, path)
		}
		return nil
	})
	return found
}
