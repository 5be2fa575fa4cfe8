package compile

import (
	"strings"
	"testing"
)

// TestComponentIDFromKeyPath: a Component without Id takes the id of its
// key path when WiX v3 allows it (Compiler.cs ParseComponentElement,
// 2709-2745), and every row of the component names it.
func TestComponentIDFromKeyPath(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR">
		<Component><File Id="app.exe" Source="app.exe"><Shortcut Id="sc" Name="App" Directory="INSTALLDIR"/></File><CreateFolder/></Component>
		<Component Guid="11111111-2222-3333-4444-555555555555"><RegistryValue Id="reg1" Root="HKCU" Key="Software\G" Name="n" Type="string" Value="1" KeyPath="yes"/>
			<Environment Id="env" Name="X" Value="1"/></Component>
	</DirectoryRef>
	<ComponentGroup Id="G" Directory="INSTALLDIR"><Component><File Source="sub/readme 1.txt"/></Component>
		<Component><RegistryValue Id="rv" Root="HKCU" Key="Software\G" Name="m" Type="integer" Value="1"/></Component></ComponentGroup>`,
		`<ComponentRef Id="app.exe"/><ComponentRef Id="reg1"/><ComponentGroupRef Id="G"/>`))
	// Guid "*" (no Guid) and an implicit registry key path: generatable,
	// so the id is the value's.
	if r := row(t, pkg, "Component", "rv"); r[5] != "rv" || r[3] != 256|4 {
		t.Errorf("registry-keyed component without Id %v", r)
	}
	if r := row(t, pkg, "Component", "app.exe"); r[5] != "app.exe" {
		t.Errorf("file-keyed component %v", r)
	}
	if r := row(t, pkg, "Component", "reg1"); r[1] != "{11111111-2222-3333-4444-555555555555}" || r[5] != "reg1" {
		t.Errorf("registry-keyed component with KeyPath=yes %v", r)
	}
	// The File's Id comes from its name (Common.GetIdentifierFromName): the
	// space becomes "_"; the component takes it.
	if r := row(t, pkg, "Component", "readme_1.txt"); r[5] != "readme_1.txt" {
		t.Errorf("component from a defaulted file id %v", r)
	}
	if r := row(t, pkg, "Shortcut", "sc"); r[3] != "app.exe" {
		t.Errorf("shortcut's component %v", r)
	}
	if r := row(t, pkg, "CreateFolder", "INSTALLDIR"); r[1] != "app.exe" {
		t.Errorf("CreateFolder %v", r)
	}
	if r := row(t, pkg, "Environment", "env"); r[3] != "reg1" {
		t.Errorf("Environment %v", r)
	}
	if r := row(t, pkg, "Registry", "reg1"); r[5] != "reg1" {
		t.Errorf("Registry %v", r)
	}
	for _, f := range pkg.Files {
		if strings.Contains(f.Component, "Placeholder") {
			t.Errorf("file %s keeps the placeholder component %s", f.Key, f.Component)
		}
	}
	if n := len(pkg.Tables.Rows("FeatureComponents")); n != 4 {
		t.Errorf("%d FeatureComponents rows, want 4", n)
	}
}

// TestComponentIDCannotDefault: where WiX v3 says CannotDefaultComponentId.
func TestComponentIDCannotDefault(t *testing.T) {
	for name, body := range map[string]string{
		"explicit guid, implicit key path": `<Component Guid="11111111-2222-3333-4444-555555555555"><File Id="f" Source="a"/></Component>`,
		"folder key path":                  `<Component Guid="11111111-2222-3333-4444-555555555555"><CreateFolder/></Component>`,
		"registry beside files":            `<Component><File Id="f" Source="a" KeyPath="no"/><RegistryValue Id="r" Root="HKCU" Key="K" Name="a" Type="string" Value="1"/></Component>`,
	} {
		_, err := compileSources(t, product(`<DirectoryRef Id="INSTALLDIR">`+body+`</DirectoryRef>`, ``))
		if err == nil || !strings.Contains(err.Error(), "Product.wxs:11") || !strings.Contains(err.Error(), "the Component has no Id") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestIdentifierFromName(t *testing.T) {
	for name, want := range map[string]string{
		"go.exe":           "go.exe",
		"my file-1.txt":    "my_file_1.txt",
		"1st.txt":          "_1st.txt",
		"a..b":             "a_b",
		"_x":               "_x",
		"é.txt":            "__.txt",
		"\U0001F600.txt":   "___.txt",
		"readme (copy).md": "readme__copy_.md",
	} {
		if got := identifierFromName(name); got != want {
			t.Errorf("identifierFromName(%q) = %q, want %q", name, got, want)
		}
	}
}
