package compile

import (
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/uuid"
)

// wixRegistryGUID is the GUID WiX v3's binder derives for a registry key
// path from the string it hashes (Binder.cs:5697-5705), computed here from
// the namespace and the string alone so the test states the string.
func wixRegistryGUID(s string) string {
	units := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(b[2*i:], u)
	}
	ns := uuid.MustParse("3064E5C6-FB63-4FE9-AC49-E446A792EFA5")
	return "{" + strings.ToUpper(uuid.NewSHA1(ns, b).String()) + "}"
}

// TestComponentGUIDsAsWiX: what each Guid authoring gives in the Component
// table, as WiX v3 compiles it.
func TestComponentGUIDsAsWiX(t *testing.T) {
	fileGUID := row(t, mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="*">
		<File Id="f1" Name="a.txt" Source="a"/></Component></DirectoryRef>`, `<ComponentRef Id="C"/>`)), "Component", "C")[1]
	if fileGUID == nil || fileGUID == "" {
		t.Fatalf("Guid=\"*\" gave %v", fileGUID)
	}
	for name, c := range map[string]struct {
		component string
		guid      any // nil: the column is NULL
		keyPath   any
		attrs     int
	}{
		// A missing Guid is "*" (Compiler.cs:2334): the same GUID as Guid="*".
		"missing guid is *": {`<Component Id="C"><File Id="f1" Name="a.txt" Source="a"/></Component>`, fileGUID, "f1", 256},
		// Guid="" is a deliberate unmanaged component.
		"empty guid is unmanaged": {`<Component Id="C" Guid=""><File Id="f1" Name="a.txt" Source="a"/></Component>`, nil, "f1", 256},
		// A registry key path: "64" for a 64-bit component, then the Registry
		// row's root number, key and name, lower-cased.
		"registry key path": {`<Component Id="C" Guid="*"><RegistryValue Id="r" Root="HKLM" Key="Software\Gomsi\State" Name="Version" Type="string" Value="1" KeyPath="yes"/></Component>`,
			wixRegistryGUID(`642\software\gomsi\state\version`), "r", 256 | 4},
		"32-bit registry key path": {`<Component Id="C" Win64="no"><RegistryValue Id="r" Root="HKCU" Key="Software\Gomsi" Type="string" Value="1" KeyPath="yes"/></Component>`,
			wixRegistryGUID(`1\software\gomsi\`), "r", 4},
		// Without KeyPath, the first File or RegistryValue in document order
		// is the key path (Compiler.cs:2666-2676), here a nested value.
		"implicit registry key path": {`<Component Id="C"><RegistryKey Root="HKCU" Key="Software\Gomsi"><RegistryValue Id="r" Name="n" Type="string" Value="1"/></RegistryKey></Component>`,
			wixRegistryGUID(`641\software\gomsi\n`), "r", 256 | 4},
		"file before registry value": {`<Component Id="C" Guid="11111111-2222-3333-4444-555555555555"><File Id="f1" Name="a.txt" Source="a"/><RegistryValue Id="r" Root="HKCU" Key="K" Type="string" Value="1"/></Component>`,
			"{11111111-2222-3333-4444-555555555555}", "f1", 256},
		"registry value before file": {`<Component Id="C" Guid="11111111-2222-3333-4444-555555555555"><RegistryValue Id="r" Root="HKCU" Key="K" Type="string" Value="1"/><File Id="f1" Name="a.txt" Source="a"/></Component>`,
			"{11111111-2222-3333-4444-555555555555}", "r", 256 | 4},
		"KeyPath=no opts a file out": {`<Component Id="C"><File Id="f0" Name="b.txt" Source="b" KeyPath="no"/><File Id="f1" Name="a.txt" Source="a"/></Component>`,
			fileGUID, "f1", 256},
	} {
		pkg, err := compileSources(t, product(`<DirectoryRef Id="INSTALLDIR">`+c.component+`</DirectoryRef>`, `<ComponentRef Id="C"/>`))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		r := row(t, pkg, "Component", "C")
		if r[1] != c.guid || r[5] != c.keyPath || r[3] != c.attrs {
			t.Errorf("%s: Component row %v, want GUID %v, key path %v, attributes %d", name, r, c.guid, c.keyPath, c.attrs)
		}
	}
}

// TestComponentGUIDErrorsAsWiX: the components WiX v3 refuses a generated
// GUID, each error at the component's line.
func TestComponentGUIDErrorsAsWiX(t *testing.T) {
	for name, c := range map[string]struct{ dir, component, want string }{
		"folder key path without guid": {"INSTALLDIR", `<Component Id="C"><CreateFolder/></Component>`, `a component without Guid (WiX reads it as "*") needs a File or RegistryValue as the key path`},
		"component marked key path":    {"INSTALLDIR", `<Component Id="C" Guid="*" KeyPath="yes"><File Id="f1" Name="a.txt" Source="a"/></Component>`, `Guid="*" needs a File or RegistryValue as the key path`},
		"files and registry key path": {"INSTALLDIR", `<Component Id="C"><File Id="f1" Name="a.txt" Source="a"/><RegistryValue Root="HKCU" Key="K" Type="string" Value="1" KeyPath="yes"/></Component>`,
			"a component with files and a registry key path"},
		"permanent unmanaged": {"INSTALLDIR", `<Component Id="C" Guid="" Permanent="yes"><File Id="f1" Name="a.txt" Source="a"/></Component>`, `Permanent="yes" cannot go with Guid=""`},
		"common files by name": {"ProgramFilesFolder", `<Directory Id="cf" Name="Common Files"><Component Id="C"><File Id="f1" Name="a.txt" Source="a"/></Component></Directory>`,
			`WiX refuses paths under ProgramFilesFolder\common files`},
	} {
		src := strings.Replace(product(`<DirectoryRef Id="`+c.dir+`">`+c.component+`</DirectoryRef>`, `<ComponentRef Id="C"/>`),
			`<Directory Id="ProgramFiles64Folder">`, `<Directory Id="ProgramFilesFolder">`, 1)
		_, err := compileSources(t, src)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Product.wxs:11") {
			t.Errorf("%s: %v, want %q at Product.wxs:11", name, err, c.want)
		}
	}
}

// TestProductCodeIsLeftToTheCaller: Id="*" leaves "*" for the caller to
// derive (the native toolset hashes the whole package), a GUID is kept, and
// no Id is WiX v3's error.
func TestProductCodeIsLeftToTheCaller(t *testing.T) {
	pkg := mustCompile(t, product(comp, `<ComponentRef Id="C"/>`))
	if pkg.ProductCode != "*" || row(t, pkg, "Property", "ProductCode")[1] != "*" {
		t.Fatalf("Id=\"*\": ProductCode %q, row %v", pkg.ProductCode, row(t, pkg, "Property", "ProductCode"))
	}
	pkg.SetProductCode("{6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C01}")
	if row(t, pkg, "Property", "ProductCode")[1] != "{6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C01}" {
		t.Errorf("SetProductCode did not change the Property row")
	}
	src := strings.Replace(product(comp, `<ComponentRef Id="C"/>`), `Id="*"`, `Id="6e1d51c0-2f4a-4c4b-9e0b-5b8e7f6a1c01"`, 1)
	if got := row(t, mustCompile(t, src), "Property", "ProductCode")[1]; got != "{6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C01}" {
		t.Errorf("explicit Id gave %v", got)
	}
	src = strings.Replace(product(comp, `<ComponentRef Id="C"/>`), `Product Id="*"`, `Product`, 1)
	if _, err := compileSources(t, src); err == nil || !strings.Contains(err.Error(), "Id is required") {
		t.Errorf("no Product/@Id: %v", err)
	}
}
