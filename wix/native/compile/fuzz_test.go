package compile

import (
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// FuzzCompile feeds arbitrary text through the reader and the compiler:
// errors are fine, panics and hangs are not. The seeds (run by go test as
// ordinary cases) are real sources and shapes that once broke readers.
func FuzzCompile(f *testing.F) {
	seeds := []string{
		product(comp, `<ComponentRef Id="C"/>`),
		product(comp+`<MajorUpgrade AllowDowngrades="yes"/><CustomAction Id="A" Property="X" Value="[Y]"/>
			<InstallExecuteSequence><Custom Action="A" After="CostFinalize">NOT Installed</Custom></InstallExecuteSequence>`, `<ComponentRef Id="C"/>`),
		product(`<DirectoryRef Id="INSTALLDIR"><Component><File Source="a b.exe"><Shortcut Id="s" Directory="INSTALLDIR" Name="S" Advertise="yes"><ShortcutProperty Key="k" Value="v"/></Shortcut></File>
			<ServiceInstall Name="svc" Type="ownProcess" Start="auto" ErrorControl="normal"><ServiceDependency Id="d"/></ServiceInstall><ServiceControl Id="sc" Name="svc" Stop="both"/></Component></DirectoryRef>
			<Property Id="P"><DirectorySearch Id="d" Path="C:\x" AssignToProperty="yes"><FileSearch Id="f" Name="a.txt" MinDate="2001-01-01"/></DirectorySearch></Property>
			<Property Id="Q"><IniFileSearch Id="i" Name="long name.ini" Section="s" Key="k"/></Property>
			<SetDirectory Id="INSTALLDIR" Value="C:\y" Sequence="first"/><SetProperty Id="R" Value="1" After="SetINSTALLDIR"/>`, `<ComponentRef Id="a_b.exe"/>`),
		`<?define X = "1"?><Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Fragment><Property Id="P" Value="$(var.X)"/></Fragment></Wix>`,
		`<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Product Id="*"/></Wix>`,
		`<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Package/></Wix>`,
		`<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Fragment><Property Id="P">$(var.</Property></Fragment></Wix>`,
		`<?if X?><Wix/>`,
		`<!DOCTYPE x [<!ENTITY a "b">]><Wix/>`,
		`<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">` + strings.Repeat("<Directory Id=\"d\">", 600) + `</Wix>`,
		"\xff\xfe<\x00W\x00",
		``,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		root, err := wxs.Parse("fuzz.wxs", strings.NewReader(src), wxs.Options{Vars: map[string]string{"SourceDir": "/src", "X": "1"}})
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.wxs") {
				t.Errorf("reader error without the source name: %v", err)
			}
			return
		}
		pkg, err := Compile([]*wxs.Element{root}, Options{Platform: "x64"})
		if err == nil && pkg.Tables == nil {
			t.Errorf("compiled without tables")
		}
	})
}
