package compile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// product wraps body (elements of Product) and features (children of the
// one Feature) into a complete source.
func product(body, features string) string {
	return fmt.Sprintf(`<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="P" Language="1033" Version="1.2.3" Manufacturer="M" UpgradeCode="22EA7650-4AC6-4001-BF29-F4B8775DB1C0">
    <Package Compressed="yes" InstallScope="perMachine" InstallerVersion="300"/>
    <Media Id="1" Cabinet="a.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="App"/>
      </Directory>
    </Directory>
%s
    <Feature Id="F" Level="1">%s</Feature>
  </Product>
</Wix>`, body, features)
}

func compileSources(t *testing.T, sources ...string) (*Package, error) {
	t.Helper()
	var roots []*wxs.Element
	for i, src := range sources {
		name := filepath.Join(t.TempDir(), []string{"Product.wxs", "Files.wxs", "More.wxs"}[i])
		root, err := wxs.Parse(name, strings.NewReader(src), wxs.Options{Vars: map[string]string{"SourceDir": "/src"}})
		if err != nil {
			return nil, err
		}
		roots = append(roots, root)
	}
	return Compile(roots, Options{Platform: "x64", CreatingApp: "test"})
}

func mustCompile(t *testing.T, sources ...string) *Package {
	t.Helper()
	pkg, err := compileSources(t, sources...)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// row returns the row of table whose first columns are key.
func row(t *testing.T, pkg *Package, table string, key ...any) []any {
	t.Helper()
	for _, r := range pkg.Tables.Rows(table) {
		if fmt.Sprint(r[:len(key)]...) == fmt.Sprint(key...) {
			return r
		}
	}
	t.Fatalf("no %s row %v; rows: %v", table, key, pkg.Tables.Rows(table))
	return nil
}

func seqOf(t *testing.T, pkg *Package, table, action string) int {
	t.Helper()
	return row(t, pkg, table, action)[2].(int)
}

func hasRow(pkg *Package, table string, key any) bool {
	for _, r := range pkg.Tables.Rows(table) {
		if r[0] == key {
			return true
		}
	}
	return false
}

const comp = `<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555"><File Id="f1" Name="a.txt" Source="$(var.SourceDir)/a.txt"/></Component></DirectoryRef>`

// WiX's own test data (GuidCompatibility) pins the GUID of a component
// whose key path is ProgramFilesFolder\GuidCompatibility\Foo.bar.
func TestGeneratedGUIDMatchesWiX(t *testing.T) {
	src := strings.Replace(product(`
    <DirectoryRef Id="TARGETDIR"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLFOLDER" Name="GuidCompatibility">
      <Component Id="FileFoo" Guid="*"><File Name="Foo.bar" Source="x"/></Component>
    </Directory></Directory></DirectoryRef>`, `<ComponentRef Id="FileFoo"/>`), "", "", 1)
	pkg := mustCompile(t, src)
	if got, want := row(t, pkg, "Component", "FileFoo")[1], "{AD87A3DE-042B-5CB1-82C8-782626737A3B}"; got != want {
		t.Errorf("Guid=\"*\" gave %v, WiX gives %s", got, want)
	}
	if got := row(t, pkg, "Component", "FileFoo")[5]; got != "Foo.bar" {
		t.Errorf("key path %v, want the only file (Foo.bar, its Id defaults to its name)", got)
	}
}

func TestStandardActionsFollowTables(t *testing.T) {
	pkg := mustCompile(t, product(comp, `<ComponentRef Id="C"/>`))
	for _, a := range []string{"CostInitialize", "InstallFiles", "RemoveFiles", "InstallFinalize", "PublishProduct"} {
		row(t, pkg, "InstallExecuteSequence", a)
	}
	for _, a := range []string{"WriteRegistryValues", "WriteEnvironmentStrings", "CreateShortcuts", "FindRelatedProducts", "AppSearch", "LaunchConditions", "CreateFolders"} {
		if hasRow(pkg, "InstallExecuteSequence", a) {
			t.Errorf("%s scheduled though its table is empty", a)
		}
	}
	pkg = mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555">
		<RegistryValue Root="HKLM" Key="Software\X" Name="n" Type="string" Value="v" KeyPath="yes"/>
		<Environment Id="e" Name="PATH" Value="[INSTALLDIR]" Part="last" System="yes"/>
		<CreateFolder/></Component></DirectoryRef>
		<Condition Message="m">VersionNT</Condition>`, `<ComponentRef Id="C"/>`))
	want := map[string]int{"WriteRegistryValues": 5000, "RemoveRegistryValues": 2600, "WriteEnvironmentStrings": 5200,
		"RemoveEnvironmentStrings": 3300, "CreateFolders": 3700, "LaunchConditions": 100}
	for a, n := range want {
		if got := seqOf(t, pkg, "InstallExecuteSequence", a); got != n {
			t.Errorf("%s at %d, want %d", a, got, n)
		}
	}
	if hasRow(pkg, "InstallExecuteSequence", "InstallFiles") {
		t.Errorf("InstallFiles scheduled without files")
	}
}

func TestRelativeScheduling(t *testing.T) {
	pkg := mustCompile(t, product(comp+`
    <CustomAction Id="A" Property="X" Value="1"/>
    <CustomAction Id="B" Property="Y" Value="2"/>
    <CustomAction Id="C1" Property="Z" Value="3"/>
    <CustomAction Id="D" Property="W" Value="4" Execute="deferred" Impersonate="no" Return="ignore"/>
    <MajorUpgrade DowngradeErrorMessage="newer installed"/>
    <InstallExecuteSequence>
      <Custom Action="A" After="InstallValidate">NOT Installed</Custom>
      <Custom Action="B" After="A"/>
      <Custom Action="C1" Before="CostFinalize"/>
      <Custom Action="D" Sequence="4001"/>
      <LaunchConditions After="FindRelatedProducts"/>
    </InstallExecuteSequence>`, `<ComponentRef Id="C"/>`))
	want := map[string]int{"RemoveExistingProducts": 1401, "A": 1402, "B": 1403, "C1": 999, "D": 4001, "LaunchConditions": 26, "FindRelatedProducts": 25}
	for a, n := range want {
		if got := seqOf(t, pkg, "InstallExecuteSequence", a); got != n {
			t.Errorf("%s at %d, want %d", a, got, n)
		}
	}
	if c := row(t, pkg, "InstallExecuteSequence", "A")[1]; c != "NOT Installed" {
		t.Errorf("condition %v", c)
	}
	if typ := row(t, pkg, "CustomAction", "D")[1]; typ != 51|0x400|0x800|0x40 {
		t.Errorf("deferred, no impersonation, ignore: type %v", typ)
	}
	if typ := row(t, pkg, "CustomAction", "A")[1]; typ != 51 {
		t.Errorf("immediate set-property: type %v", typ)
	}
	up := pkg.Tables.Rows("Upgrade")
	if len(up) != 2 || up[0][2] != "1.2.3" || up[0][6] != "WIX_UPGRADE_DETECTED" || up[1][1] != "1.2.3" || up[1][4] != 2 {
		t.Errorf("MajorUpgrade rows %v", up)
	}
	// Language empty as WiX v3 writes it: related products of any language.
	if up[0][3] != nil || up[1][3] != nil {
		t.Errorf("MajorUpgrade rows carry a Language: %v", up)
	}
	if r := row(t, pkg, "LaunchCondition", "NOT WIX_DOWNGRADE_DETECTED"); r[1] != "newer installed" {
		t.Errorf("downgrade condition %v", r)
	}
	if v := row(t, pkg, "Property", "SecureCustomProperties")[1]; v != "WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED" {
		t.Errorf("SecureCustomProperties = %v", v)
	}
}

func TestSchedulingErrors(t *testing.T) {
	for name, c := range map[string]struct{ body, want string }{
		"collision": {`<CustomAction Id="A" Property="X" Value="1"/><CustomAction Id="B" Property="X" Value="1"/>
			<InstallExecuteSequence><Custom Action="A" Sequence="1401"/><Custom Action="B" After="InstallValidate"/></InstallExecuteSequence>`,
			"B in InstallExecuteSequence After InstallValidate would take sequence 1401, which A has"},
		"missing anchor": {`<CustomAction Id="A" Property="X" Value="1"/><InstallExecuteSequence><Custom Action="A" After="Nope"/></InstallExecuteSequence>`,
			"scheduled relative to Nope, which is not in that sequence"},
		"undefined action": {`<InstallExecuteSequence><Custom Action="Ghost" Sequence="10"/></InstallExecuteSequence>`,
			`CustomAction "Ghost" is not defined`},
		"unscheduled": {`<InstallExecuteSequence><ScheduleReboot/></InstallExecuteSequence>`,
			"ScheduleReboot needs Sequence, After or Before"},
		"empty property": {`<Property Id="E" Value=""/>`, "the value is empty"},
		"twice": {`<CustomAction Id="A" Property="X" Value="1"/><InstallExecuteSequence><Custom Action="A" Sequence="2"/><Custom Action="A" Sequence="3"/></InstallExecuteSequence>`,
			"action A is scheduled twice in InstallExecuteSequence"},
	} {
		_, err := compileSources(t, product(comp+c.body, `<ComponentRef Id="C"/>`))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Product.wxs:") {
			t.Errorf("%s: %v, want %q with a position", name, err, c.want)
		}
	}
}

func TestEnvironmentAsWiX(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555" KeyPath="yes">
		<Environment Id="path" Name="PATH" Value="[INSTALLDIR]bin" Action="set" Part="last" System="yes" Permanent="no"/>
		<Environment Id="gopath" Name="GOPATH" Value="%USERPROFILE%\go" Action="create" Part="all" System="no"/>
		<Environment Id="keep" Name="KEEP" Value="1" Permanent="yes"/>
		<Environment Id="old" Name="OLD" Action="remove"/>
		<Environment Id="first" Name="P2" Value="x" Part="first" Separator=","/>
		<Environment Id="novalue" Name="NV" Action="create"/>
	</Component></DirectoryRef>`, `<ComponentRef Id="C"/>`))
	want := map[string][2]any{
		"path":    {"=-*PATH", "[~];[INSTALLDIR]bin"},
		"gopath":  {"+-GOPATH", `%USERPROFILE%\go`},
		"keep":    {"KEEP", "1"},
		"old":     {"!-OLD", nil},
		"first":   {"-P2", "x,[~]"},
		"novalue": {"+-NV", nil},
	}
	for id, w := range want {
		r := row(t, pkg, "Environment", id)
		if r[1] != w[0] || r[2] != w[1] || r[3] != "C" {
			t.Errorf("Environment %s = %v, want %v", id, r, w)
		}
	}
}

func TestRegistry(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555">
		<RegistryKey Root="HKCU" Key="Software\Go" Action="createAndRemoveOnUninstall">
			<RegistryValue Id="v1" Name="s" Type="string" Value="#lit" KeyPath="yes"/>
			<RegistryValue Id="v2" Name="i" Type="integer" Value="7"/>
			<RegistryValue Id="v3" Name="x" Type="expandable" Value="%PATH%"/>
			<RegistryValue Id="v4" Name="m" Type="multiString"><MultiStringValue>a</MultiStringValue><MultiStringValue>b</MultiStringValue></RegistryValue>
		</RegistryKey>
		<RegistryValue Id="v5" Root="HKLM" Key="Software\Go" Type="string" Value="default"/>
	</Component></DirectoryRef>
	<Property Id="FOUND"><RegistrySearch Id="s1" Root="HKLM" Key="Software\Go" Name="dir" Type="raw"/></Property>`, `<ComponentRef Id="C"/>`))
	want := map[string][]any{
		"v1": {1, `Software\Go`, "s", "##lit"},
		"v2": {1, `Software\Go`, "i", "#7"},
		"v3": {1, `Software\Go`, "x", "#%%PATH%"},
		"v4": {1, `Software\Go`, "m", "[~]a[~]b[~]"},
		"v5": {2, `Software\Go`, nil, "default"},
	}
	for id, w := range want {
		r := row(t, pkg, "Registry", id)
		if fmt.Sprint(r[1:5]) != fmt.Sprint(w) {
			t.Errorf("Registry %s = %v, want %v", id, r[1:5], w)
		}
	}
	c := row(t, pkg, "Component", "C")
	if c[3] != 256|4 || c[5] != "v1" {
		t.Errorf("component %v: want 64-bit|registry key path, key path v1", c)
	}
	var star bool
	for _, r := range pkg.Tables.Rows("Registry") {
		star = star || r[3] == "*"
	}
	if !star {
		t.Errorf("createAndRemoveOnUninstall wrote no \"*\" row")
	}
	if r := row(t, pkg, "RegLocator", "s1"); fmt.Sprint(r) != fmt.Sprint([]any{"s1", 2, `Software\Go`, "dir", 18}) {
		t.Errorf("RegLocator %v", r)
	}
	row(t, pkg, "AppSearch", "FOUND")
	if seqOf(t, pkg, "InstallUISequence", "AppSearch") != 50 {
		t.Errorf("AppSearch not at 50")
	}
}

func TestShortNamesUniquePerFolder(t *testing.T) {
	files := ""
	for i, n := range []string{"long file name.txt", "long file name 2.txt", "LONGFI~1.TXT", "short.txt", "Makefile.windows", "a.b.c"} {
		files += fmt.Sprintf(`<File Id="f%d" Name=%q Source="x%d"/>`, i, n, i)
	}
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Directory Id="d" Name="Program Files Stuff">
		<Component Id="C" Guid="11111111-2222-3333-4444-555555555555">`+files+`</Component></Directory></DirectoryRef>`, `<ComponentRef Id="C"/>`))
	got := map[string]string{}
	for _, f := range pkg.Files {
		got[f.Key] = f.FileName
	}
	want := map[string]string{
		"f0": "LONGFI~2.TXT|long file name.txt", // ~1 is taken by f2's own 8.3 name
		"f1": "LONGFI~3.TXT|long file name 2.txt",
		"f2": "LONGFI~1.TXT",
		"f3": "short.txt",
		"f4": "MAKEFI~1.WIN|Makefile.windows",
		"f5": "AB~1.C|a.b.c",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	if d := row(t, pkg, "Directory", "d")[2]; d != "PROGRA~1|Program Files Stuff" {
		t.Errorf("directory DefaultDir %v", d)
	}
}

// TestFragmentsAndGroups compiles a product split over sources: a
// DirectoryRef fragment, a component group with components in place and a
// nested group, shortcuts and an icon.
func TestFragmentsAndGroups(t *testing.T) {
	icon := filepath.Join(t.TempDir(), "go.ico")
	os.WriteFile(icon, []byte("icon"), 0o644)
	p := product(`<Icon Id="go.ico" SourceFile="`+icon+`"/><Property Id="ARPPRODUCTICON" Value="go.ico"/>`, `<ComponentGroupRef Id="All"/>`)
	files := `<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Fragment>
    <ComponentGroup Id="Inner" Directory="INSTALLDIR">
      <Component Id="C2" Guid="*"><File Id="go.exe" Source="$(var.SourceDir)/bin/go.exe"><Shortcut Id="sc" Directory="ProgramMenuFolder" Name="Go Programming Language" Icon="go.ico"/></File></Component>
    </ComponentGroup>
  </Fragment>
  <Fragment>
    <DirectoryRef Id="TARGETDIR"><Directory Id="ProgramMenuFolder"/></DirectoryRef>
    <ComponentGroup Id="All"><ComponentGroupRef Id="Inner"/><ComponentRef Id="C1"/></ComponentGroup>
    <DirectoryRef Id="INSTALLDIR"><Component Id="C1" Guid="11111111-2222-3333-4444-555555555555"><CreateFolder/><RemoveFolder Id="rm" On="uninstall"/></Component></DirectoryRef>
  </Fragment>
</Wix>`
	pkg := mustCompile(t, p, files)
	if n := len(pkg.Tables.Rows("FeatureComponents")); n != 2 {
		t.Errorf("%d FeatureComponents rows, want 2", n)
	}
	sc := row(t, pkg, "Shortcut", "sc")
	if sc[1] != "ProgramMenuFolder" || sc[2] != "GOPROG~1|Go Programming Language" || sc[3] != "C2" || sc[4] != "[#go.exe]" || sc[8] != "go.ico" {
		t.Errorf("shortcut %v", sc)
	}
	if f := pkg.Files[0]; f.Source != filepath.FromSlash("/src/bin/go.exe") || f.FileName != "go.exe" || f.Attributes != 512 {
		t.Errorf("file %+v", f)
	}
	row(t, pkg, "Icon", "go.ico")
	if r := row(t, pkg, "RemoveFile", "rm"); r[3] != "INSTALLDIR" || r[4] != 2 {
		t.Errorf("RemoveFolder row %v", r)
	}
	if seqOf(t, pkg, "InstallExecuteSequence", "CreateShortcuts") != 4500 || seqOf(t, pkg, "AdvtExecuteSequence", "CreateShortcuts") != 4500 {
		t.Errorf("CreateShortcuts not scheduled")
	}
}

// TestBinaryCustomActions: with a BinaryKey, an ExeCommand attribute (even
// empty) makes an EXE action (2) as in WiX v3; DllEntry makes a DLL call (1).
func TestBinaryCustomActions(t *testing.T) {
	tool := filepath.Join(t.TempDir(), "tool.bin")
	if err := os.WriteFile(tool, []byte("MZ"), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg := mustCompile(t, product(comp+`
    <Binary Id="Tool" SourceFile="`+tool+`"/>
    <CustomAction Id="Dll" BinaryKey="Tool" DllEntry="Run"/>
    <CustomAction Id="Exe" BinaryKey="Tool" ExeCommand="" Execute="deferred"/>
    <CustomAction Id="ExeArgs" BinaryKey="Tool" ExeCommand="/quiet"/>`, `<ComponentRef Id="C"/>`))
	for id, want := range map[string][3]any{
		"Dll":     {1, "Tool", "Run"},
		"Exe":     {2 | 0x400, "Tool", nil},
		"ExeArgs": {2, "Tool", "/quiet"},
	} {
		r := row(t, pkg, "CustomAction", id)
		if r[1] != want[0] || r[2] != want[1] || r[3] != want[2] {
			t.Errorf("CustomAction %s = %v, want type/source/target %v", id, r, want)
		}
	}
}
