package compile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native/fileinfo"
)

// assemblyNames returns a component's MsiAssemblyName rows as name=value.
func assemblyNames(pkg *Package, comp string) map[string]string {
	m := map[string]string{}
	for _, r := range pkg.Tables.Rows("MsiAssemblyName") {
		if r[0] == comp {
			m[r[1].(string)] = fmt.Sprint(r[2])
		}
	}
	return m
}

// TestNetAssemblyAsWiX: a private .NET assembly with WiX v3's File
// attributes (Compiler.cs ParseFileElement) and the binder's
// MsiAssemblyName rows (Binder.cs UpdateFileRow).
func TestNetAssemblyAsWiX(t *testing.T) {
	pkg := mustCompile(t, product(`
    <DirectoryRef Id="INSTALLDIR">
      <Component Id="App" Guid="11111111-2222-3333-4444-555555555555">
        <File Id="app.exe" Source="app.exe" KeyPath="yes" BindPath="[INSTALLDIR]" SelfRegCost="12"/>
      </Component>
      <Component Id="Lib" Guid="*">
        <File Id="lib.dll" Name="Lib.dll" Source="lib.dll" Assembly=".net" AssemblyApplication="app.exe" ProcessorArchitecture="x64" BindPath="">
          <AssemblyName Id="version" Value="0.0.0.1"/>
          <AssemblyName Id="custom" Value="kept"/>
        </File>
      </Component>
    </DirectoryRef>`, `<ComponentRef Id="App"/><ComponentRef Id="Lib"/>`))

	if got, want := fmt.Sprint(row(t, pkg, "MsiAssembly", "Lib")), "[Lib F <nil> app.exe 0]"; got != want {
		t.Errorf("MsiAssembly %s, want %s (feature resolved, no manifest, private to app.exe, .NET)", got, want)
	}
	if got := fmt.Sprint(row(t, pkg, "BindImage", "lib.dll")); got != "[lib.dll <nil>]" {
		t.Errorf("BindImage for BindPath=\"\": %s, want a row with no path", got)
	}
	if got := fmt.Sprint(row(t, pkg, "BindImage", "app.exe")); got != "[app.exe [INSTALLDIR]]" {
		t.Errorf("BindImage %s", got)
	}
	if got := fmt.Sprint(row(t, pkg, "SelfReg", "app.exe")); got != "[app.exe 12]" {
		t.Errorf("SelfReg %s", got)
	}
	want := map[string]int{"MsiPublishAssemblies": 6250, "MsiUnpublishAssemblies": 1750, "BindImage": 4300,
		"SelfRegModules": 5600, "SelfUnregModules": 2200}
	for a, n := range want {
		if got := seqOf(t, pkg, "InstallExecuteSequence", a); got != n {
			t.Errorf("InstallExecuteSequence %s at %d, want %d", a, got, n)
		}
	}
	if got := seqOf(t, pkg, "AdvtExecuteSequence", "MsiPublishAssemblies"); got != 6250 {
		t.Errorf("AdvtExecuteSequence MsiPublishAssemblies at %d, want 6250", got)
	}
	if hasRow(pkg, "AdvtExecuteSequence", "MsiUnpublishAssemblies") || hasRow(pkg, "AdvtExecuteSequence", "BindImage") {
		t.Error("AdvtExecuteSequence got actions WiX puts only in InstallExecuteSequence")
	}

	if len(pkg.Assemblies) != 1 || pkg.Assemblies[0].File.Key != "lib.dll" {
		t.Fatalf("Assemblies %+v, want lib.dll", pkg.Assemblies)
	}
	a := pkg.Assemblies[0]
	// An x86-agnostic identity from the file: its architecture wins over
	// the File's, its version over the authored one; the token goes upper case.
	err := pkg.BindNetAssembly(a, fileinfo.Assembly{Name: "Lib", Version: "2.0.0.0", Culture: "neutral", PublicKeyToken: "b77a5c561934e089", ProcessorArchitecture: "MSIL"})
	if err != nil {
		t.Fatal(err)
	}
	got := assemblyNames(pkg, "Lib")
	wantNames := map[string]string{"name": "Lib", "version": "2.0.0.0", "culture": "neutral", "publicKeyToken": "B77A5C561934E089", "processorArchitecture": "MSIL", "custom": "kept"}
	if fmt.Sprint(got) != fmt.Sprint(wantNames) {
		t.Errorf("MsiAssemblyName %v\nwant %v", got, wantNames)
	}
}

// TestNetAssemblyArchitectureFromFile: a .NET 1.x assembly reports no
// architecture, and the File's ProcessorArchitecture fills in.
func TestNetAssemblyArchitectureFromFile(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="Old" Guid="11111111-2222-3333-4444-555555555555">
        <File Id="old.dll" Source="Old.dll" KeyPath="yes" Assembly=".net" ProcessorArchitecture="x64"/></Component></DirectoryRef>`, `<ComponentRef Id="Old"/>`))
	if err := pkg.BindNetAssembly(pkg.Assemblies[0], fileinfo.Assembly{Name: "Old", Version: "1.0.0.0", Culture: "neutral", PublicKeyToken: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	if got := assemblyNames(pkg, "Old")["processorArchitecture"]; got != "amd64" {
		t.Errorf("processorArchitecture %q, want amd64 (WiX's spelling of x64)", got)
	}
	if got := fmt.Sprint(row(t, pkg, "MsiAssembly", "Old")); got != "[Old F <nil> <nil> 0]" {
		t.Errorf("MsiAssembly %s: a global assembly has no File_Application", got)
	}
}

func TestGlobalAssemblyRules(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="G" Guid="*">
        <File Id="g.dll" Name="Contoso.dll" Source="g.dll" Assembly=".net"/></Component></DirectoryRef>`, `<ComponentRef Id="G"/>`))
	a := pkg.Assemblies[0]
	err := pkg.BindNetAssembly(a, fileinfo.Assembly{Name: "Contoso", Version: "1.0.0.0", Culture: "neutral"})
	if err == nil || !strings.Contains(err.Error(), "no strong name") || !strings.Contains(err.Error(), "g.dll") {
		t.Errorf("unsigned assembly for the GAC: %v", err)
	}
	err = pkg.BindNetAssembly(a, fileinfo.Assembly{Name: "Fabrikam", Version: "1.0.0.0", Culture: "neutral", PublicKeyToken: "0123456789abcdef"})
	if err == nil || !strings.Contains(err.Error(), "named Fabrikam") || !strings.Contains(err.Error(), "Fabrikam.dll") {
		t.Errorf("GAC assembly named unlike its file: %v", err)
	}
	if err := pkg.BindNetAssembly(a, fileinfo.Assembly{Name: "contoso", Version: "1.0.0.0", Culture: "neutral", PublicKeyToken: "0123456789abcdef"}); err != nil {
		t.Errorf("the name comparison ignores case, as WiX's: %v", err)
	}
}

func TestWin32Assembly(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="W" Guid="11111111-2222-3333-4444-555555555555">
        <File Id="w.dll" Source="w.dll" KeyPath="yes" Assembly="win32" AssemblyManifest="w.manifest"/>
        <File Id="w.manifest" Source="w.manifest"/></Component></DirectoryRef>`, `<ComponentRef Id="W"/>`))
	a := pkg.Assemblies[0]
	if !a.Win32 || a.Manifest == nil || a.Manifest.Key != "w.manifest" {
		t.Fatalf("assembly %+v: want Win32 with its manifest file", a)
	}
	if got := fmt.Sprint(row(t, pkg, "MsiAssembly", "W")); got != "[W F w.manifest <nil> 1]" {
		t.Errorf("MsiAssembly %s", got)
	}
	if err := pkg.BindWin32Assembly(a, fileinfo.Win32Assembly{Type: "win32", Name: "Contoso.W", Version: "1.2.3.4", PublicKeyToken: "6595b64144ccf1df"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"name": "Contoso.W", "version": "1.2.3.4", "type": "win32", "publicKeyToken": "6595b64144ccf1df"}
	if got := assemblyNames(pkg, "W"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("MsiAssemblyName %v, want %v (the manifest's values as written; none for what it leaves out)", got, want)
	}
}

// TestAssemblyInComponentWithoutID: the MsiAssembly and MsiAssemblyName
// rows of a component without Id get the id it takes from its key file;
// an AssemblyName without Value is filled from the assembly, or an error.
func TestAssemblyInComponentWithoutID(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Guid="*">
        <File Source="Lib.dll" Assembly=".net" AssemblyApplication="Lib.dll"><AssemblyName Id="culture"/><AssemblyName Id="extra"/></File>
      </Component></DirectoryRef>`, `<ComponentRef Id="Lib.dll"/>`))
	if got := fmt.Sprint(row(t, pkg, "MsiAssembly", "Lib.dll")); got != "[Lib.dll F <nil> Lib.dll 0]" {
		t.Errorf("MsiAssembly %s", got)
	}
	err := pkg.BindNetAssembly(pkg.Assemblies[0], fileinfo.Assembly{Name: "Lib", Version: "1.0.0.0", Culture: "neutral"})
	if got := assemblyNames(pkg, "Lib.dll")["culture"]; got != "neutral" {
		t.Errorf("authored culture without Value: %q, want the assembly's", got)
	}
	if err == nil || !strings.Contains(err.Error(), "AssemblyName extra has no Value") {
		t.Errorf("AssemblyName without Value the assembly cannot give: %v", err)
	}
}

func TestAssemblyErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{`<File Id="a" Source="a" KeyPath="yes" Assembly="com"/>`, `Assembly "com": use .net, win32 or no`},
		{`<File Id="a" Source="a" KeyPath="yes" Assembly="win32"/>`, "needs AssemblyManifest"},
		{`<File Id="a" Source="a" Assembly=".net"/>`, "key path"},
		{`<File Id="a" Source="a" KeyPath="yes" AssemblyApplication="a"/>`, "AssemblyApplication needs Assembly"},
		{`<File Id="a" Source="a" KeyPath="yes" Assembly=".net" AssemblyApplication="nope"/>`, `File "nope" is not defined`},
		{`<File Id="a" Source="a" KeyPath="yes" Assembly=".net" ProcessorArchitecture="sparc"/>`, `ProcessorArchitecture "sparc"`},
		{`<File Id="a" Source="a" KeyPath="yes" SelfRegCost="-1"/>`, "SelfRegCost"},
		{`<File Id="a" Source="a" KeyPath="yes"><AssemblyName Value="x"/></File>`, "Id is required"},
		{`<File Id="a" Source="a" KeyPath="yes" Assembly=".net"/><File Id="b" Source="b" Assembly=".net"/>`, "already holds an assembly"},
		{`<File Id="a" Source="a" KeyPath="yes"><AssemblyName Id="version"/></File>`, "AssemblyName version needs a Value"},
	}
	for _, tt := range tests {
		src := product(`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555">`+tt.file+`</Component></DirectoryRef>`, `<ComponentRef Id="C"/>`)
		_, err := compileSources(t, src)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "Product.wxs:") {
			t.Errorf("%s: got %v, want an error with a line saying %q", tt.file, err, tt.want)
		}
	}
}
