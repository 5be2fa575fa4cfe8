package pipeline

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/diagnose"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/internal/testing/winetest"
)

// TestInstallerLifecycleUnderWine installs, upgrades and uninstalls gomsi's
// per-machine package, built with each toolset, with Wine's msiexec in one
// prefix: the Windows 10 condition that the official installer gets wrong,
// PATH, GOPATH, state, ARP entry, an upgrade into the remembered custom
// folder that drops a removed file, and an uninstall that leaves nothing.
func TestInstallerLifecycleUnderWine(t *testing.T) {
	forEachToolset(t, installerLifecycle)
}

func installerLifecycle(t *testing.T, toolset string) {
	oldRoot := smallTreeWith(t, "go1.26.7", map[string]string{"src/old.go": "package old\n", "src/fmt/print.go": "package fmt // 1.26.7\n"})
	newRoot := smallTreeWith(t, "go1.26.8", map[string]string{"src/new.go": "package new\n", "src/fmt/print.go": "package fmt // 1.26.8\n"})
	oldMSI := buildFor(t, toolset, oldRoot, nil)
	newMSI := buildFor(t, toolset, newRoot, nil)

	// Windows 8.1 passes the official VersionNT >= 603 test; gomsi refuses it.
	wine := winetest.NewWindows(t, "win81")
	log, err := wine.Msiexec("/i", oldMSI.MSI, "/qn", `INSTALLDIR=C:\Tools\Go`)
	if err == nil {
		t.Fatalf("go1.26.7 installed on Windows 8.1:\n%s", msitest.Tail(log))
	}
	// Wine does not log a launch condition's message (Windows does):
	// installer_test in package installer checks the table.
	if winetest.ActionIndex(log, "LaunchConditions") < 0 || winetest.ActionIndex(log, "InstallFiles") >= 0 || winetest.LogProperty(log, "GOMSI_WINDOWS_BUILD") != "9600" {
		t.Errorf("the install on Windows 8.1 did not stop at LaunchConditions (build %q):\n%s", winetest.LogProperty(log, "GOMSI_WINDOWS_BUILD"), msitest.Tail(log))
	}
	if r := diagnose.Parse(strings.NewReader(log)); r.Failed == nil || r.Failed.Code != 1603 || r.Failed.Action != "LaunchConditions" {
		t.Errorf("diagnose on the Wine log of the refused install: %+v", r.Failed)
	}
	if _, err := os.Stat(wine.Path(`C:\Tools\Go`)); err == nil {
		t.Error("the refused install created C:\\Tools\\Go")
	}

	wine.SetWindows("win10")
	log, err = wine.Msiexec("/i", oldMSI.MSI, "/qn", `INSTALLDIR=C:\Tools\Go`)
	if err != nil {
		t.Fatalf("install go1.26.7: %v\n%s", err, msitest.Tail(log))
	}
	msitest.AssertSameFiles(t, wine.Path(`C:\Tools\Go`), oldRoot)
	path, _ := wine.RegQuery(winetest.SystemEnvKey, "PATH")
	if n := winetest.CountPathEntry(path, `C:\Tools\Go\bin`); n != 1 {
		t.Errorf("system PATH holds C:\\Tools\\Go\\bin %d times: %s", n, path)
	}
	if loc, _ := wine.RegQuery(winetest.MachineState, "installLocation"); loc != `C:\Tools\Go\` {
		t.Errorf("HKLM installLocation = %q", loc)
	}
	if v, ok := wine.RegQuery(`HKCU\Software\GoProgrammingLanguage`, "installLocation"); ok {
		t.Errorf("per-machine state written to HKCU: %q", v)
	}
	if gopath, _ := wine.RegQuery(winetest.UserEnvKey, "GOPATH"); gopath != `%USERPROFILE%\go` {
		t.Errorf("user GOPATH = %q", gopath)
	}
	if upath, _ := wine.RegQuery(winetest.UserEnvKey, "PATH"); winetest.CountPathEntry(upath, `%USERPROFILE%\go\bin`) != 1 {
		t.Errorf("user PATH = %q", upath)
	}
	arp := arpEntries(wine)
	if len(arp) != 1 {
		t.Fatalf("%d Go entries in Apps and Features after the install: %v", len(arp), arp)
	}
	for _, e := range arp {
		want := map[string]string{"DisplayName": "Go Programming Language amd64 go1.26.7", "DisplayVersion": "1.26.7", "InstallLocation": `C:\Tools\Go\`,
			"NoModify": "0x1", "HelpLink": "https://go.dev/doc/", "URLInfoAbout": "https://go.dev", "Publisher": "https://go.dev"}
		for k, v := range want {
			if e[k] != v {
				t.Errorf("ARP %s = %q, want %q", k, e[k], v)
			}
		}
	}

	// The upgrade finds the folder in HKLM: no INSTALLDIR on the command line.
	log, err = wine.Msiexec("/i", newMSI.MSI, "/qn")
	if err != nil {
		t.Fatalf("upgrade to go1.26.8: %v\n%s", err, msitest.Tail(log))
	}
	msitest.AssertSameFiles(t, wine.Path(`C:\Tools\Go`), newRoot)
	if _, err := os.Stat(wine.Path(`C:\Tools\Go\src\old.go`)); err == nil {
		t.Error("src/old.go, which go1.26.8 no longer has, survived the upgrade")
	}
	if _, err := os.Stat(wine.Path(`C:\Program Files\Go`)); err == nil {
		t.Error("the upgrade installed into C:\\Program Files\\Go instead of the remembered folder")
	}
	arp = arpEntries(wine)
	if len(arp) != 1 {
		t.Errorf("%d Go entries in Apps and Features after the upgrade, want 1: %v", len(arp), arp)
	}
	for _, e := range arp {
		if e["DisplayVersion"] != "1.26.8" || e["InstallLocation"] != `C:\Tools\Go\` {
			t.Errorf("ARP after the upgrade: %v", e)
		}
	}
	path, _ = wine.RegQuery(winetest.SystemEnvKey, "PATH")
	if n := winetest.CountPathEntry(path, `C:\Tools\Go\bin`); n != 1 {
		t.Errorf("after the upgrade system PATH holds C:\\Tools\\Go\\bin %d times: %s", n, path)
	}
	if v, _ := wine.RegQuery(winetest.MachineState, "version"); v != "go1.26.8" {
		t.Errorf("HKLM version = %q after the upgrade", v)
	}

	log, err = wine.Msiexec("/x", newMSI.MSI, "/qn")
	if err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(wine.Path(`C:\Tools\Go`)); err == nil {
		t.Errorf("uninstall left C:\\Tools\\Go with %d files", len(msitest.TreeHashes(t, wine.Path(`C:\Tools\Go`))))
	}
	path, _ = wine.RegQuery(winetest.SystemEnvKey, "PATH")
	if n := winetest.CountPathEntry(path, `C:\Tools\Go\bin`); n != 0 {
		t.Errorf("uninstall left C:\\Tools\\Go\\bin on the system PATH: %s", path)
	}
	if !strings.Contains(strings.ToLower(path), `%systemroot%\system32`) {
		t.Errorf("uninstall damaged the system PATH: %q", path)
	}
	if v, ok := wine.RegQuery(winetest.MachineState, "installLocation"); ok {
		t.Errorf("uninstall left HKLM installLocation %q", v)
	}
	if v, ok := wine.RegQuery(winetest.UserEnvKey, "GOPATH"); ok {
		t.Errorf("uninstall left GOPATH %q", v)
	}
	if upath, _ := wine.RegQuery(winetest.UserEnvKey, "PATH"); winetest.CountPathEntry(upath, `%USERPROFILE%\go\bin`) != 0 {
		t.Errorf("uninstall left the user PATH entry: %q", upath)
	}
	if arp := arpEntries(wine); len(arp) != 0 {
		t.Errorf("uninstall left %d Go entries in Apps and Features", len(arp))
	}
}

// TestUpgradeRulesUnderWine checks, with downgrades refused: an HKCU
// installLocation followed only when it belongs to an installed Go, an
// upgrade into the folder of an official install, a final
// release replacing its RC although both are 1.27.0, and the refusal of an
// RC over its final and of an older ProductVersion.
func TestUpgradeRulesUnderWine(t *testing.T) {
	noDowngrades := func(i *config.Installer) { i.AllowDowngrades = boolPtr(false) }
	rc := buildWith(t, versionTree(t, "go1.27rc1", map[string]string{"src/rc.go": "package rc\n"}), noDowngrades)
	finalRoot := versionTree(t, "go1.27.0", map[string]string{"src/final.go": "package final\n"})
	final := buildWith(t, finalRoot, noDowngrades)
	older := buildWith(t, versionTree(t, "go1.26.8", nil), noDowngrades)
	if rc.Product.Version != final.Product.Version {
		t.Fatalf("go1.27rc1 maps to %s and go1.27.0 to %s; this test is about a shared ProductVersion", rc.Product.Version, final.Product.Version)
	}

	wine := winetest.NewWindows(t, "win10")
	regAdd := func(args ...string) {
		t.Helper()
		if out, err := wine.Run(time.Minute, append([]string{"reg"}, args...)...); err != nil {
			t.Fatalf("reg %v: %v: %s", args, err, out)
		}
	}
	// An HKCU installLocation without an installed Go is not followed: any
	// unelevated process of the user can write it.
	regAdd("add", `HKCU\Software\GoProgrammingLanguage`, "/v", "installLocation", "/d", `C:\Decoy\`, "/f")
	if log, err := wine.Msiexec("/i", older.MSI, "/qn"); err != nil {
		t.Fatalf("install go1.26.8: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(wine.Path(`C:\Program Files\Go\bin\go.exe`)); err != nil {
		t.Errorf("a fresh install did not go to Program Files: %v", err)
	}
	if _, err := os.Stat(wine.Path(`C:\Decoy`)); err == nil {
		t.Error("a fresh install followed an HKCU installLocation with no Go installed")
	}
	if log, err := wine.Msiexec("/x", older.MSI, "/qn"); err != nil {
		t.Fatalf("uninstall go1.26.8: %v\n%s", err, msitest.Tail(log))
	}

	// What an official install leaves: a product of the same upgrade code,
	// its folder in HKCU installLocation, no HKLM state.
	if log, err := wine.Msiexec("/i", older.MSI, "/qn", `INSTALLDIR=C:\OfficialGo`); err != nil {
		t.Fatalf("install go1.26.8 into C:\\OfficialGo: %v\n%s", err, msitest.Tail(log))
	}
	regAdd("delete", winetest.MachineState, "/f")
	regAdd("add", `HKCU\Software\GoProgrammingLanguage`, "/v", "installLocation", "/d", `C:\OfficialGo\`, "/f")
	if log, err := wine.Msiexec("/i", rc.MSI, "/qn"); err != nil {
		t.Fatalf("install go1.27rc1: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(wine.Path(`C:\OfficialGo\src\rc.go`)); err != nil {
		t.Errorf("go1.27rc1 did not install into the official install's folder: %v", err)
	}
	if arp := arpEntries(wine); len(arp) != 1 {
		t.Errorf("%d Go entries after go1.27rc1 replaced the official-like install, want 1", len(arp))
	}
	if log, err := wine.Msiexec("/i", final.MSI, "/qn"); err != nil {
		t.Fatalf("install go1.27.0 over go1.27rc1: %v\n%s", err, msitest.Tail(log))
	}
	msitest.AssertSameFiles(t, wine.Path(`C:\OfficialGo`), finalRoot)
	if arp := arpEntries(wine); len(arp) != 1 {
		t.Errorf("%d Go entries after go1.27.0 replaced go1.27rc1, want 1: %v", len(arp), arp)
	}

	for _, down := range []*Build{rc, older} {
		log, err := wine.Msiexec("/i", down.MSI, "/qn")
		if err == nil {
			t.Errorf("%s installed over go1.27.0 with allow_downgrades: false", down.Product.GoVersion)
			continue
		}
		// Wine does not log a launch condition's message: check why it stopped.
		why := winetest.LogProperty(log, "WIX_DOWNGRADE_DETECTED")
		if down == rc {
			why = winetest.LogProperty(log, "GOMSI_INSTALLED_RELEASE")
		}
		if why == "" || winetest.ActionIndex(log, "InstallFiles") >= 0 {
			t.Errorf("refusing %s: no downgrade detected, or files installed:\n%s", down.Product.GoVersion, msitest.Tail(log))
		}
	}
	if v, _ := wine.RegQuery(winetest.MachineState, "version"); v != "go1.27.0" {
		t.Errorf("installed version = %q after the refused downgrades, want go1.27.0", v)
	}
	if arp := arpEntries(wine); len(arp) != 1 {
		t.Errorf("%d Go entries after the refused downgrades, want 1", len(arp))
	}
}

// TestPerUserInstallUnderWine installs a perUser package, built with each
// toolset, with the user's TEMP: LocalAppData\Programs\Go, the user's
// PATH, HKCU state, no system change.
func TestPerUserInstallUnderWine(t *testing.T) {
	forEachToolset(t, perUserInstall)
}

func perUserInstall(t *testing.T, toolset string) {
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildFor(t, toolset, root, func(i *config.Installer) { i.Scope = config.PerUser })
	wine := winetest.NewWindows(t, "win10")
	systemPath, _ := wine.RegQuery(winetest.SystemEnvKey, "PATH")
	log, err := wine.Msiexec("/i", b.MSI, "/qn")
	if err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	local := winetest.LogProperty(log, "LocalAppDataFolder")
	// A new prefix has no LocalAppData\Programs: the package creates it,
	// so it must remove it again (ICE64).
	programs := wine.Path(local + "Programs")
	if !strings.HasPrefix(local, `C:\users\`) || !strings.HasSuffix(strings.ToLower(local), `\appdata\local\`) {
		t.Fatalf("LocalAppDataFolder = %q", local)
	}
	dir := local + `Programs\Go`
	msitest.AssertSameFiles(t, wine.Path(dir), root)
	if got := winetest.LogProperty(log, "ALLUSERS"); got != "" {
		t.Errorf("ALLUSERS = %q in a per-user install", got)
	}
	if p, _ := wine.RegQuery(winetest.SystemEnvKey, "PATH"); p != systemPath {
		t.Errorf("a per-user install changed the system PATH: %q -> %q", systemPath, p)
	}
	upath, _ := wine.RegQuery(winetest.UserEnvKey, "PATH")
	if winetest.CountPathEntry(upath, dir+`\bin`) != 1 || winetest.CountPathEntry(upath, `%USERPROFILE%\go\bin`) != 1 {
		t.Errorf("user PATH = %q, want %s\\bin and %%USERPROFILE%%\\go\\bin", upath, dir)
	}
	if loc, _ := wine.RegQuery(`HKCU\Software\GoProgrammingLanguage\PerUser`, "installLocation"); loc != dir+`\` {
		t.Errorf("HKCU per-user installLocation = %q", loc)
	}
	if v, ok := wine.RegQuery(winetest.MachineState, "installLocation"); ok {
		t.Errorf("a per-user install wrote HKLM state %q", v)
	}
	if log, err := wine.Msiexec("/x", b.MSI, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(wine.Path(dir)); err == nil {
		t.Errorf("uninstall left %s", dir)
	}
	if _, err := os.Stat(programs); err == nil {
		t.Errorf("uninstall left the empty %sPrograms it created", local)
	}
	if upath, _ := wine.RegQuery(winetest.UserEnvKey, "PATH"); winetest.CountPathEntry(upath, dir+`\bin`) != 0 {
		t.Errorf("uninstall left the user PATH entry: %q", upath)
	}
}

// TestInstallIntoFolderWithSpacesUnderWine: packagers pass their own
// INSTALLDIR, often with spaces; Go's tree has no non-ASCII names today, but
// a package must not depend on that. Files, PATH and state follow the
// folder, and the uninstall takes them away again.
func TestInstallIntoFolderWithSpacesUnderWine(t *testing.T) {
	root := versionTree(t, "go1.26.8", map[string]string{"src/fmt/print.go": "package fmt\n", "misc/notes and more/café ü.txt": "x\n"})
	b := buildWith(t, root, nil)
	assertMachineRoundTrip(t, b.MSI, root, `C:\Dev Tools\Go 1.26`, winetest.MachineState, nil, `INSTALLDIR=C:\Dev Tools\Go 1.26`)
}

// TestInstall386UnderWine installs a 386 package on 64-bit Windows, as the
// official go1.X.Y.windows-386.msi is: files under Program Files (x86), the
// system PATH entry, state and the Apps and Features entry in the 32-bit
// registry view, and an uninstall that takes them away.
// Each toolset that runs here builds it.
func TestInstall386UnderWine(t *testing.T) {
	forEachToolset(t, install386)
}

func install386(t *testing.T, toolset string) {
	if toolset == "wixl" {
		testtool.Require(t, "wixl")
	}
	root := versionTree(t, "go1.26.8", map[string]string{"src/fmt/print.go": "package fmt\n", "bin/go.exe": string(testtool.MinimalPE(0x14c))})
	p := newTestPipeline(t, root)
	p.Config.Arch, p.Config.Toolset = []string{"386"}, toolset
	builds, err := p.MSI(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wow := `HKLM\Software\WOW6432Node\`
	dir := `C:\Program Files (x86)\Go`
	assertMachineRoundTrip(t, builds[0].MSI, root, dir, wow+`GoProgrammingLanguage`, func(wine *winetest.Prefix, log string) {
		if got := winetest.LogProperty(log, "INSTALLDIR"); got != dir+`\` {
			t.Errorf("INSTALLDIR = %q, want %s\\", got, dir)
		}
		// One value of the product's own key: reg query /s of the whole
		// Uninstall key failed once in CI right after an install (exit 1, no
		// output), never here in 22 runs, idle or loaded.
		product := winetest.LogProperty(log, "ProductCode")
		if name, _ := wine.RegQuery(wow+`Microsoft\Windows\CurrentVersion\Uninstall\`+product, "DisplayName"); product == "" || name != "Go Programming Language 386 go1.26.8" {
			t.Errorf("Apps and Features entry %s in the 32-bit view: DisplayName %q", product, name)
		}
	})
}

// assertMachineRoundTrip installs a per-machine msi with msiexec args on a
// Windows 10 prefix, checks that dir holds the files of root, that the
// system PATH has dir\bin once and that stateKey's installLocation is dir,
// runs check (if any) with the install log, then uninstalls and checks that
// the folder, the PATH entry and the state are gone.
func assertMachineRoundTrip(t *testing.T, msi, root, dir, stateKey string, check func(*winetest.Prefix, string), args ...string) {
	t.Helper()
	wine := winetest.NewWindows(t, "win10")
	log, err := wine.Msiexec(append([]string{"/i", msi, "/qn"}, args...)...)
	if err != nil {
		t.Fatalf("install into %s: %v\n%s", dir, err, msitest.Tail(log))
	}
	msitest.AssertSameFiles(t, wine.Path(dir), root)
	if path, _ := wine.RegQuery(winetest.SystemEnvKey, "PATH"); winetest.CountPathEntry(path, dir+`\bin`) != 1 {
		t.Errorf("system PATH = %q, want %s\\bin once", path, dir)
	}
	if loc, _ := wine.RegQuery(stateKey, "installLocation"); loc != dir+`\` {
		t.Errorf("%s installLocation = %q, want %s\\", stateKey, loc, dir)
	}
	if check != nil {
		check(wine, log)
	}
	if log, err := wine.Msiexec("/x", msi, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(wine.Path(dir)); err == nil {
		t.Errorf("uninstall left %s", dir)
	}
	if path, _ := wine.RegQuery(winetest.SystemEnvKey, "PATH"); winetest.CountPathEntry(path, dir+`\bin`) != 0 {
		t.Errorf("uninstall left the PATH entry: %q", path)
	}
	if _, ok := wine.RegQuery(stateKey, "installLocation"); ok {
		t.Errorf("uninstall left the state in %s", stateKey)
	}
}
