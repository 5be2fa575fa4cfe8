package compile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShortcutsAsWiX: the Shortcut rows WiX v3 writes (Compiler.cs
// ParseShortcutElement): an advertised shortcut's target is the feature of
// its component (the first feature, or the Primary="yes" one), a
// component's shortcut without Target targets its folder, and
// ShortcutProperty rows get WiX's generated ids.
func TestShortcutsAsWiX(t *testing.T) {
	icon := filepath.Join(t.TempDir(), "app.ico")
	if err := os.WriteFile(icon, []byte("icon"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := product(`<Icon Id="app.ico" SourceFile="`+icon+`"/>
    <DirectoryRef Id="TARGETDIR"><Directory Id="ProgramMenuFolder"/></DirectoryRef>
    <DirectoryRef Id="INSTALLDIR">
      <Component Id="App" Guid="11111111-2222-3333-4444-555555555555">
        <File Id="app.exe" Source="app.exe" KeyPath="yes">
          <Shortcut Id="adv" Directory="ProgramMenuFolder" Name="My App" Advertise="yes" Icon="app.ico" IconIndex="0" Hotkey="123">
            <ShortcutProperty Key="System.AppUserModel.ID" Value="Gomsi.App"/>
            <ShortcutProperty Id="named" Key="System.AppUserModel.ExcludeFromShowInNewInstall">1</ShortcutProperty>
          </Shortcut>
        </File>
        <Shortcut Id="folder" Directory="ProgramMenuFolder" Name="AppDir"/>
        <CreateFolder Directory="DataDir"><Shortcut Id="data" Directory="ProgramMenuFolder" Name="Data"/></CreateFolder>
      </Component>
      <Directory Id="DataDir" Name="data"/>
    </DirectoryRef>
    <Feature Id="Other" Level="1"><ComponentRef Id="App"/></Feature>`, `<ComponentRef Id="App" Primary="yes"/>`)
	pkg := mustCompile(t, src)
	adv := row(t, pkg, "Shortcut", "adv")
	if fmt.Sprint(adv[:11]) != "[adv ProgramMenuFolder MYAPP~1|My App App F <nil> <nil> 123 app.ico 0 <nil>]" {
		t.Errorf("advertised shortcut %v", adv)
	}
	if r := row(t, pkg, "Shortcut", "folder"); r[4] != "[INSTALLDIR]" || r[2] != "AppDir" {
		t.Errorf("component shortcut without Target %v", r)
	}
	// In a CreateFolder, a shortcut to that folder (Compiler.cs ParseCreateFolderElement).
	if r := row(t, pkg, "Shortcut", "data"); r[4] != "[DataDir]" || r[1] != "ProgramMenuFolder" {
		t.Errorf("CreateFolder shortcut %v", r)
	}
	if !hasRow(pkg, "CreateFolder", "DataDir") {
		t.Errorf("CreateFolder rows %v", pkg.Tables.Rows("CreateFolder"))
	}
	// WiX: GenerateIdentifier("scp", shortcut, key upper-cased).
	c := &compiler{}
	want := c.generatedID("scp", "adv", "SYSTEM.APPUSERMODEL.ID")
	if r := row(t, pkg, "MsiShortcutProperty", want); fmt.Sprint(r) != "["+want+" adv System.AppUserModel.ID Gomsi.App]" {
		t.Errorf("ShortcutProperty %v", r)
	}
	if r := row(t, pkg, "MsiShortcutProperty", "named"); r[3] != "1" {
		t.Errorf("ShortcutProperty with inner text %v", r)
	}
	if seqOf(t, pkg, "AdvtExecuteSequence", "CreateShortcuts") != 4500 {
		t.Errorf("CreateShortcuts not in the advertise sequence")
	}
	// Without Primary, the first feature referencing the component.
	pkg = mustCompile(t, strings.Replace(src, ` Primary="yes"`, "", 1))
	if r := row(t, pkg, "Shortcut", "adv"); r[4] != "Other" {
		t.Errorf("advertised shortcut target %v, want the first feature, Other", r[4])
	}
}

func TestShortcutErrorsAsWiX(t *testing.T) {
	for name, c := range map[string]struct{ body, want string }{
		"advertised with target":            {`<Shortcut Id="s" Name="S" Advertise="yes" Target="[#f]"/>`, "Target cannot go with Advertise=\"yes\""},
		"file shortcut without directory":   {`<File Id="g" Source="b"><Shortcut Id="s" Name="S"/></File>`, "Directory is required for a Shortcut inside a File"},
		"folder shortcut without directory": {`<CreateFolder><Shortcut Id="s" Name="S"/></CreateFolder>`, "Directory is required for a Shortcut inside a File or CreateFolder"},
		"advertised on a folder key path":   {`<CreateFolder/><Shortcut Id="s" Name="S" Advertise="yes"/>`, "needs a File as key path"},
		"property without value":            {`<Shortcut Id="s" Name="S"><ShortcutProperty Key="k"/></Shortcut>`, "Key and Value are required"},
	} {
		comp := `<Component Id="C" Guid="11111111-2222-3333-4444-555555555555" KeyPath="yes">` + c.body + `</Component>`
		if strings.Contains(name, "file shortcut") {
			comp = `<Component Id="C" Guid="11111111-2222-3333-4444-555555555555">` + c.body + `</Component>`
		}
		_, err := compileSources(t, product(`<DirectoryRef Id="INSTALLDIR">`+comp+`</DirectoryRef>`, `<ComponentRef Id="C"/>`))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Product.wxs:11") {
			t.Errorf("%s: %v, want %q at Product.wxs:11", name, err, c.want)
		}
	}
}
