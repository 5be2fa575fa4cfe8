// Package installer decides what gomsi's MSI does on the target machine:
// the execution level, launch conditions, PATH and GOPATH,
// upgrades and the remembered install folder. It turns the configuration
// and the product into templates.InstallerData, plain values that every WiX
// dialect renders, and that a toolset which cannot compile some of them (wixl)
// adds to the package it built.
package installer

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix/dialect"
)

// Registry keys of the install state. The official installer writes
// installLocation under HKCU even for its per-machine install; gomsi keeps
// per-machine state in HKLM and reads the official key only to find the
// folder of an official install it replaces. A per-user install keeps its
// own subkey, so that it never picks up a per-machine install's folder that
// it could not write to.
const (
	StateKey        = `Software\GoProgrammingLanguage`
	PerUserStateKey = `Software\GoProgrammingLanguage\PerUser`
)

// Property names gomsi sets; public (upper case) because AppSearch needs them so.
const (
	PropMachineDir       = "GOMSI_MACHINE_DIR"       // install folder of the installed per-machine gomsi Go
	PropUserDir          = "GOMSI_USER_DIR"          // install folder of the installed per-user gomsi Go
	PropOfficialDir      = "GOMSI_OFFICIAL_DIR"      // installLocation of an official installer's install
	PropWindowsBuild     = "GOMSI_WINDOWS_BUILD"     // CurrentBuildNumber, which no compatibility shim changes
	PropInstalledRelease = "GOMSI_INSTALLED_RELEASE" // ReleaseKey of the installed gomsi Go
	PropUpgrade          = "WIX_UPGRADE_DETECTED"
	PropDowngrade        = "WIX_DOWNGRADE_DETECTED"
)

// windows10Build is the build number of the first Windows 10 (1507).
const windows10Build = 10240

// Sequence numbers of gomsi's actions, in both sequences where they run.
const (
	seqDirFromMachine  = 51   // after AppSearch (50)
	seqDirFromUser     = 52   //
	seqDirFromOfficial = 53   //
	seqARPLocation     = 1001 // after CostFinalize resolved INSTALLDIR
	seqRemoveExisting  = 1401 // after InstallValidate: the old version goes first, its files with it
)

// Plan describes the installer of p as configured, for a toolset's dialect:
// what it cannot compile inline, its Build adds to the package.
func Plan(cfg config.Installer, p product.Product, dl dialect.Dialect) (templates.InstallerData, error) {
	perUser := cfg.InstallScope() == config.PerUser
	d := templates.InstallerData{
		Scope:             config.PerMachine,
		Privileges:        "elevated",
		InstallParent:     p.Arch.ProgramFiles,
		Folders:           []templates.Folder{{ID: "INSTALLDIR", Name: "Go"}},
		InlineEnvironment: dl.InlineEnvironment,
		Broadcast:         dl.Broadcast,
		RemoveExisting:    seqRemoveExisting,
		SuppressICE:       suppressedICE(cfg),
	}
	stateRoot, stateKey := "HKLM", StateKey
	if perUser {
		d.Scope, d.Privileges = config.PerUser, "limited"
		d.InstallParent = "LocalAppDataFolder"
		d.Folders = []templates.Folder{{ID: "dirPrograms", Name: "Programs"}, {ID: "INSTALLDIR", Name: "Go"}}
		stateRoot, stateKey = "HKCU", PerUserStateKey
	}

	d.Properties = []templates.Property{
		{ID: "ARPNOMODIFY", Value: "1"},
		{ID: "ARPHELPLINK", Value: cfg.Help()},
		{ID: "ARPURLINFOABOUT", Value: cfg.About()},
	}
	if !perUser {
		// Privileged then means a real administrator token, not just a
		// member of Administrators running unelevated.
		d.Properties = append(d.Properties, templates.Property{ID: "MSIUSEREALADMINDETECTION", Value: "1"})
	}
	if cfg.Icon != "" {
		abs, err := filepath.Abs(cfg.Icon)
		if err != nil {
			return d, fmt.Errorf("plan installer: icon: %w", err)
		}
		d.Icon = abs
		d.Properties = append(d.Properties, templates.Property{ID: "ARPPRODUCTICON", Value: "go.ico"})
	}

	if cfg.WantRememberDir() {
		rememberDir(&d, p, perUser)
	}
	d.SetProperties = append(d.SetProperties, templates.SetProperty{ID: "SetARPINSTALLLOCATION", Property: "ARPINSTALLLOCATION", Value: "[INSTALLDIR]", Condition: "NOT Installed", Sequence: seqARPLocation})

	if !perUser {
		d.LaunchConditions = append(d.LaunchConditions, templates.LaunchCondition{
			Condition: "Privileged",
			Message: fmt.Sprintf("%s installs for all users of this computer and needs administrator rights. "+
				"Run it from an elevated command prompt (Run as administrator), for example: msiexec /i %s /qn", p.Name, p.MSIName()),
		})
	}
	windowsCondition(&d, p)
	upgrades(&d, p, cfg.Downgrades(), stateRoot, stateKey)

	d.State = templates.StateComponent{
		ID:   "cmpInstallState",
		GUID: stateGUID(p, d.Scope),
		Root: stateRoot,
		Key:  stateKey,
		Values: []templates.RegistryValue{
			{Name: "installLocation", Property: "INSTALLDIR"},
			{Name: "installed", Value: "1"},
			{Name: "version", Value: p.GoVersion.String()},
			{Name: "release", Value: p.GoVersion.ReleaseKey()},
		},
	}
	d.State.Folder = "INSTALLDIR"
	if perUser {
		// The package may create LocalAppData\Programs, so it removes it
		// again when empty (ICE64). wixl can only remove a component's own
		// folder, so the state component lives there; it also creates the
		// folder, which makes Windows Installer (and Wine) remove it after
		// the folders inside it.
		d.State.Folder, d.State.RemoveFolder = "dirPrograms", true
	}
	d.Environment = environment(cfg, perUser)
	for _, c := range d.LaunchConditions {
		if n := len(templates.Formatted(c.Message)); n > 255 {
			// LaunchCondition.Description is l255, and holds the message
			// escaped; longer text is cut or refused.
			return d, fmt.Errorf("plan installer: the launch condition message for %q has %d characters, more than the 255 Windows Installer holds: %s", c.Condition, n, c.Message)
		}
	}
	return d, nil
}

// suppressedICE lists the ICE rules a package built with cfg breaks on
// purpose. A per-user package installs every file of Go into the user
// profile, one component per file keyed by the file: ICE38 wants each such
// component keyed by an HKCU registry value instead (one per file, some
// 15,000), and ICE91 warns once per file that it ignores ALLUSERS, which a
// per-user package does by design.
func suppressedICE(cfg config.Installer) []string {
	if cfg.InstallScope() == config.PerUser {
		return []string{"ICE38", "ICE91"}
	}
	return nil
}

// rememberDir finds the folder of the installed version, so that upgrades
// install into it and uninstalls remove exactly the PATH entry they added.
// A folder given on the command line (INSTALLDIR=...) wins: the actions only
// run while INSTALLDIR is unset, before CostFinalize resolves it.
//
// The official installer's folder comes from HKCU, which an unelevated
// process of the installing user can write: it is followed only while an
// installed product of the same upgrade code is being replaced, never to
// put a fresh per-machine install (on the system PATH) into a folder that
// any process of the user chose.
func rememberDir(d *templates.InstallerData, p product.Product, perUser bool) {
	type source struct{ prop, id, root, key, when string }
	var sources []source
	if perUser {
		sources = []source{{PropUserDir, "GomsiUserDir", "HKCU", PerUserStateKey, ""}}
	} else {
		sources = []source{
			{PropMachineDir, "GomsiMachineDir", "HKLM", StateKey, ""},
			{PropOfficialDir, "GomsiOfficialDir", "HKCU", StateKey, " AND " + PropUpgrade},
		}
	}
	seq := map[string]int{PropMachineDir: seqDirFromMachine, PropUserDir: seqDirFromUser, PropOfficialDir: seqDirFromOfficial}
	for _, s := range sources {
		d.Searches = append(d.Searches, templates.RegistrySearch{Property: s.prop, ID: s.id, Root: s.root, Key: s.key, Name: "installLocation", Win64: p.Arch.Win64 && s.root == "HKLM"})
		d.SetProperties = append(d.SetProperties, templates.SetProperty{
			ID: "SetINSTALLDIRFrom" + strings.TrimPrefix(s.id, "Gomsi"), Property: "INSTALLDIR", Value: "[" + s.prop + "]",
			Condition: "NOT INSTALLDIR AND " + s.prop + s.when, Sequence: seq[s.prop], UI: true,
		})
	}
}

// windowsCondition refuses Windows releases the Go release does not run on.
// For Go 1.21 and later the test cannot be VersionNT >= 603 (the official
// one): Windows Installer reports Windows 10 as 6.3 (VersionNT 603) to
// packages, so that test lets Windows 8.1 through. The registry's
// CurrentBuildNumber is never shimmed: 9600 on Windows 8.1, 10240 on the
// first Windows 10, higher on every later Windows 10, 11 and Server 2016+.
// (CurrentMajorVersionNumber is no better: Wine writes 6 for Windows 8.1,
// and the condition would have to compare "#10" as a string.)
func windowsCondition(d *templates.InstallerData, p product.Product) {
	min := p.GoVersion.MinWindows()
	msg := fmt.Sprintf("%s needs %s or later; this computer runs an older Windows.", p.GoVersion, min)
	cond := "Installed OR VersionNT > 601 OR (VersionNT = 601 AND ServicePackLevel >= 1)"
	if min == product.Windows10 {
		d.Searches = append(d.Searches, templates.RegistrySearch{
			Property: PropWindowsBuild, ID: "GomsiWindowsBuild", Root: "HKLM",
			Key: `SOFTWARE\Microsoft\Windows NT\CurrentVersion`, Name: "CurrentBuildNumber", Win64: p.Arch.Win64,
		})
		cond = fmt.Sprintf("Installed OR (VersionNT >= 603 AND %s >= %d)", PropWindowsBuild, windows10Build)
		msg += " Go 1.20 is the last release for Windows 7, 8 and 8.1."
	}
	d.LaunchConditions = append(d.LaunchConditions, templates.LaunchCondition{Condition: cond, Message: msg})
}

// upgrades replaces every installed version of the same upgrade code, the
// same ProductVersion included: go1.27rc1 and go1.27.0 are both 1.27.0, and
// the final release must replace its RC. With downgrades refused, newer
// ProductVersions are only detected (and refused by a launch condition), and
// the release key stored in the registry refuses an RC over its final.
func upgrades(d *templates.InstallerData, p product.Product, allowDowngrades bool, root, key string) {
	if allowDowngrades {
		d.Upgrades = []templates.UpgradeVersion{{Minimum: "0.0.0", IncludeMinimum: true, Property: PropUpgrade}}
		return
	}
	d.Upgrades = []templates.UpgradeVersion{
		{Minimum: "0.0.0", IncludeMinimum: true, Maximum: p.Version, IncludeMaximum: true, Property: PropUpgrade},
		{Minimum: p.Version, OnlyDetect: true, Property: PropDowngrade},
	}
	d.Searches = append(d.Searches, templates.RegistrySearch{Property: PropInstalledRelease, ID: "GomsiInstalledRelease", Root: root, Key: key, Name: "release", Win64: p.Arch.Win64 && root == "HKLM"})
	refuse := fmt.Sprintf("A newer Go than %s is installed, and this installer does not downgrade (allow_downgrades: false). Uninstall the newer Go first.", p.GoVersion)
	d.LaunchConditions = append(d.LaunchConditions,
		templates.LaunchCondition{Condition: "NOT " + PropDowngrade, Message: refuse},
		templates.LaunchCondition{Condition: fmt.Sprintf(`Installed OR NOT %s OR %s <= "%s"`, PropInstalledRelease, PropInstalledRelease, p.GoVersion.ReleaseKey()), Message: refuse},
	)
}

// environment lists the environment changes, all removed on uninstall, as
// the official installer makes them: PATH gains the bin folder, the user's
// GOPATH is created only when unset, and the user's PATH gains the folder
// where go install puts programs.
func environment(cfg config.Installer, perUser bool) []templates.EnvVar {
	var env []templates.EnvVar
	if cfg.WantPath() {
		env = append(env, templates.EnvVar{ID: "envPath", Name: "PATH", Value: "[INSTALLDIR]bin", Action: "set", Part: "last", System: !perUser})
	}
	if cfg.WantGOPATH() {
		env = append(env, templates.EnvVar{ID: "envGOPATH", Name: "GOPATH", Value: `%USERPROFILE%\go`, Action: "create", Part: "all"})
	}
	if cfg.WantUserPath() {
		env = append(env, templates.EnvVar{ID: "envUserPath", Name: "PATH", Value: `%USERPROFILE%\go\bin`, Action: "set", Part: "last"})
	}
	return env
}

// stateGUID is the state component's GUID: stable across builds and Go
// versions of one upgrade code, arch and scope, never random, and different
// between the per-machine and per-user packages, which keep state apart.
func stateGUID(p product.Product, scope string) string {
	name := strings.Join([]string{p.UpgradeCode, p.Arch.GOARCH, scope, "install state"}, "|")
	return strings.ToUpper(uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://gomsi/"+name)).String())
}
