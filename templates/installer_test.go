package templates

import "github.com/gomsi/gomsi/wix/dialect"

// testInstaller is a per-machine plan as package installer makes it, written
// out so that the golden files show every element the templates can render.
// installer's own tests render its real plans and validate them against the
// WiX schema.
func testInstaller(d dialect.Dialect) InstallerData {
	return InstallerData{
		Scope:         "perMachine",
		Privileges:    "elevated",
		InstallParent: "ProgramFiles64Folder",
		Folders:       []Folder{{ID: "dirPrograms", Name: "Programs"}, {ID: "INSTALLDIR", Name: "Go"}},
		Properties:    []Property{{ID: "ARPNOMODIFY", Value: "1"}, {ID: "ARPHELPLINK", Value: "https://go.dev/doc/?a=1&b=2"}},
		Searches: []RegistrySearch{
			{Property: "GOMSI_MACHINE_DIR", ID: "GomsiMachineDir", Root: "HKLM", Key: `Software\GoProgrammingLanguage`, Name: "installLocation", Win64: true},
			{Property: "GOMSI_OFFICIAL_DIR", ID: "GomsiOfficialDir", Root: "HKCU", Key: `Software\GoProgrammingLanguage`, Name: "installLocation"},
		},
		SetProperties: []SetProperty{
			{ID: "GomsiDirFromMachine", Property: "INSTALLDIR", Value: "[GOMSI_MACHINE_DIR]", Condition: "GOMSI_MACHINE_DIR", Sequence: 51, UI: true},
			{ID: "SetARPINSTALLLOCATION", Property: "ARPINSTALLLOCATION", Value: "[INSTALLDIR]", Condition: "NOT Installed", Sequence: 1001},
		},
		LaunchConditions: []LaunchCondition{{Condition: "Privileged", Message: `Run "as administrator" <elevated> [ProductName]`}, {Condition: `Installed OR VersionNT >= 603 AND V < "2"`, Message: "old"}},
		Upgrades: []UpgradeVersion{
			{Minimum: "0.0.0", IncludeMinimum: true, Maximum: "1.26.8", IncludeMaximum: true, Property: "WIX_UPGRADE_DETECTED"},
			{Minimum: "1.26.8", OnlyDetect: true, Property: "WIX_DOWNGRADE_DETECTED"},
		},
		RemoveExisting: 1401,
		State: StateComponent{ID: "cmpInstallState", GUID: "CE7E7973-C543-5F19-B654-89AF98A1B209", Root: "HKLM", Key: `Software\GoProgrammingLanguage`,
			Values: []RegistryValue{{Name: "installLocation", Property: "INSTALLDIR"}, {Name: "installed", Value: "1"}, {Name: "note", Value: "[INSTALLDIR] {x} $(env.HOME)"}}},
		Environment: []EnvVar{
			{ID: "envPath", Name: "PATH", Value: "[INSTALLDIR]bin", Action: "set", Part: "last", System: true},
			{ID: "envGOPATH", Name: "GOPATH", Value: `%USERPROFILE%\go`, Action: "create", Part: "all"},
		},
		InlineEnvironment: d.InlineEnvironment,
		Broadcast:         d.Broadcast,
		Icon:              "/icons/go & co.ico",
	}
}
