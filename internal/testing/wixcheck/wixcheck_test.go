package wixcheck

import (
	"strings"
	"testing"
)

const good = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs">
  <Package Name="p" Version="1.0.0" Manufacturer="m" UpgradeCode="22EA7650-4AC6-4001-BF29-F4B8775DB1C0">
    <StandardDirectory Id="ProgramFiles64Folder"><Directory Id="INSTALLDIR" Name="Go"/></StandardDirectory>
    <SetProperty Id="TempFolder" Value="[WindowsFolder]Temp\" Before="CostFinalize" Sequence="both"/>
    <CustomAction Id="SetARP" Property="ARPINSTALLLOCATION" Value="[INSTALLDIR]"/>
    <InstallExecuteSequence>
      <Custom Action="SetARP" After="InstallValidate"/>
      <Custom Action="SetTempFolder" After="AppSearch"/>
      <Custom Action="WixBroadcastEnvironmentChange" After="InstallFinalize"/>
    </InstallExecuteSequence>
    <Feature Id="F" ConfigurableDirectory="INSTALLDIR"><ComponentGroupRef Id="G"/></Feature>
  </Package>
</Wix>`

const goodFiles = `<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Fragment>
  <DirectoryRef Id="INSTALLDIR">
    <Component Id="c1" Guid="FB57E1A1-50DA-54DF-85FC-0F557430BA4E"><File Id="f1" Source="a" KeyPath="yes"/></Component>
    <Directory Id="d1" Name="pkg">
      <Component Id="c2" Guid="{506621E5-F46A-5A9C-A278-893D95F9E4F9}" KeyPath="yes"><CreateFolder/><RemoveFolder Id="r1" On="uninstall"/></Component>
    </Directory>
  </DirectoryRef>
  <ComponentGroup Id="G"><ComponentRef Id="c1"/><ComponentRef Id="c2"/></ComponentGroup>
</Fragment></Wix>`

func TestGood(t *testing.T) {
	if err := Check(map[string][]byte{"Product.wxs": []byte(good), "Files.wxs": []byte(goodFiles)}); err != nil {
		t.Fatal(err)
	}
}

func TestProblems(t *testing.T) {
	long := strings.Repeat("x", 73)
	cases := []struct {
		name, old, new, want string
	}{
		{"duplicate component", `Id="c2"`, `Id="c1"`, `Files.wxs:5: Component id "c1" is defined twice in the Component table (first at Files.wxs:3)`},
		{"dangling component ref", `<ComponentRef Id="c2"/>`, `<ComponentRef Id="c3"/>`, `Files.wxs:8: ComponentRef/@Id refers to Component "c3", which no source defines`},
		{"dangling directory ref", `DirectoryRef Id="INSTALLDIR"`, `DirectoryRef Id="INSTALLDIRX"`, `refers to Directory "INSTALLDIRX"`},
		{"no guid", ` Guid="FB57E1A1-50DA-54DF-85FC-0F557430BA4E"`, ``, `Files.wxs:3: Component "c1" has no Guid`},
		{"generated guid", `Guid="FB57E1A1-50DA-54DF-85FC-0F557430BA4E"`, `Guid="*"`, `Component "c1" has Guid "*", not an explicit GUID`},
		{"no key path", `Source="a" KeyPath="yes"/>`, `Source="a"/>`, `Component "c1" has no key path`},
		{"two key paths", `Source="a" KeyPath="yes"/>`, `Source="a" KeyPath="yes"/><RegistryValue Id="rv" Root="HKCU" Key="k" Value="v" Type="string" KeyPath="yes"/>`, `Component "c1" has 2 key paths`},
		{"long id", `Id="d1"`, `Id="` + long + `"`, `Directory/@Id "` + long + `" is 73 characters long; WiX accepts at most 72`},
		{"no id", `<File Id="f1" `, `<File `, `File has no Id`},
		{"duplicate remove folder", `<RemoveFolder Id="r1"`, `<RemoveFolder Id="f1" On="both"/><RemoveFolder Id="f1"`, `RemoveFolder id "f1" is defined twice in the RemoveFile table`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := strings.Replace(goodFiles, c.old, c.new, 1)
			if files == goodFiles {
				t.Fatalf("%q not in the sample", c.old)
			}
			err := Check(map[string][]byte{"Product.wxs": []byte(good), "Files.wxs": []byte(files)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Check = %v\nwant %s", err, c.want)
			}
		})
	}
}

func TestCustomActionReferences(t *testing.T) {
	bad := strings.Replace(good, `<Custom Action="SetARP"`, `<Custom Action="SetARPX"`, 1)
	err := Check(map[string][]byte{"Product.wxs": []byte(bad), "Files.wxs": []byte(goodFiles)})
	if err == nil || !strings.Contains(err.Error(), `Custom/@Action refers to CustomAction "SetARPX"`) {
		t.Errorf("Check = %v", err)
	}
	// SetProperty's action is Set + the property unless Action names it.
	named := strings.Replace(good, `<SetProperty Id="TempFolder"`, `<SetProperty Id="TempFolder" Action="PinTemp"`, 1)
	err = Check(map[string][]byte{"Product.wxs": []byte(named), "Files.wxs": []byte(goodFiles)})
	if err == nil || !strings.Contains(err.Error(), `"SetTempFolder"`) {
		t.Errorf("Check = %v", err)
	}
}

// A component of folders only has its folder as key path, explicit or not.
func TestFolderComponent(t *testing.T) {
	files := strings.Replace(goodFiles, ` KeyPath="yes"><CreateFolder/>`, `><CreateFolder/>`, 1)
	if err := Check(map[string][]byte{"Product.wxs": []byte(good), "Files.wxs": []byte(files)}); err != nil {
		t.Error(err)
	}
}

func TestMalformed(t *testing.T) {
	err := Check(map[string][]byte{"Files.wxs": []byte("<Wix><Fragment></Wix>")})
	if err == nil || !strings.HasPrefix(err.Error(), "Files.wxs: ") {
		t.Errorf("Check = %v", err)
	}
}

// TestProfileFolders checks the ICE64 rule on a per-user layout: every
// folder below LocalAppDataFolder needs a RemoveFolder, named by its
// Directory attribute or by the component's own folder.
func TestProfileFolders(t *testing.T) {
	const perUser = `<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs"><Package Name="p" Version="1.0.0" Manufacturer="m" UpgradeCode="22EA7650-4AC6-4001-BF29-F4B8775DB1C0">
  <StandardDirectory Id="LocalAppDataFolder"><Directory Id="dirPrograms" Name="Programs"><Directory Id="INSTALLDIR" Name="Go">
    <Component Id="state" Guid="BD05818F-A260-5E69-92C3-69C5317B5229"><RegistryValue Root="HKCU" Key="k" Name="n" Type="string" Value="v" KeyPath="yes"/><RemoveFolder Id="rmfPrograms" Directory="dirPrograms" On="uninstall"/></Component>
  </Directory></Directory></StandardDirectory>
  <Feature Id="F"><ComponentRef Id="state"/><ComponentGroupRef Id="G"/></Feature>
</Package></Wix>`
	files := strings.ReplaceAll(goodFiles, `<File Id="f1" Source="a" KeyPath="yes"/>`, `<File Id="f1" Source="a" KeyPath="yes"/><RemoveFolder Id="r0" On="uninstall"/>`)
	if err := Check(map[string][]byte{"Product.wxs": []byte(perUser), "Files.wxs": []byte(files)}); err != nil {
		t.Fatalf("a per-user layout that removes every folder: %v", err)
	}
	for _, c := range []struct{ name, product, files, want string }{
		{"folder above INSTALLDIR", strings.Replace(perUser, `<RemoveFolder Id="rmfPrograms" Directory="dirPrograms" On="uninstall"/>`, "", 1), files,
			`Product.wxs:2: Directory "dirPrograms" is in the user profile (under LocalAppDataFolder) but no RemoveFolder removes it`},
		{"INSTALLDIR", perUser, goodFiles, `Directory "INSTALLDIR" is in the user profile (under LocalAppDataFolder)`},
		{"subfolder", perUser, strings.Replace(files, `<RemoveFolder Id="r1" On="uninstall"/>`, "", 1), `Directory "d1" is in the user profile (under LocalAppDataFolder)`},
	} {
		err := Check(map[string][]byte{"Product.wxs": []byte(c.product), "Files.wxs": []byte(c.files)})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error = %v, want %q", c.name, err, c.want)
		}
	}
	// Per machine, nothing needs removing explicitly.
	perMachine := strings.Replace(strings.Replace(perUser, "LocalAppDataFolder", "ProgramFiles64Folder", 1), `<RemoveFolder Id="rmfPrograms" Directory="dirPrograms" On="uninstall"/>`, "", 1)
	if err := Check(map[string][]byte{"Product.wxs": []byte(perMachine), "Files.wxs": []byte(goodFiles)}); err != nil {
		t.Errorf("per machine: %v", err)
	}
}
