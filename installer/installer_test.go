package installer

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/harvest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native"
)

// The dialects of the toolsets the tests plan for.
var (
	wixl     = (&wix.Wixl{}).Dialect()
	wix3     = (&wix.Wix3{}).Dialect()
	nativeTS = (&native.Toolset{}).Dialect()
)

func mustProduct(t *testing.T, version, arch string) product.Product {
	t.Helper()
	p, err := product.New(version, arch, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func setProperty(d templates.InstallerData, prop string) (templates.SetProperty, bool) {
	for _, s := range d.SetProperties {
		if s.Property == prop {
			return s, true
		}
	}
	return templates.SetProperty{}, false
}

func TestPlanDefaults(t *testing.T) {
	d, err := Plan(config.Installer{}, mustProduct(t, "go1.26.8", "amd64"), wixl)
	if err != nil {
		t.Fatal(err)
	}
	if d.Scope != "perMachine" || d.Privileges != "elevated" || d.InstallParent != "ProgramFiles64Folder" || d.State.Root != "HKLM" {
		t.Errorf("scope %s, privileges %s, parent %s, state %s", d.Scope, d.Privileges, d.InstallParent, d.State.Root)
	}
	// TempFolder is Windows Installer's own (from GetTempPath); setting it
	// does not move the files behind errors 2502/2503, so gomsi leaves it.
	if pin, ok := setProperty(d, "TempFolder"); ok {
		t.Errorf("the package sets TempFolder: %+v", pin)
	}
	var conds []string
	for _, c := range d.LaunchConditions {
		conds = append(conds, c.Condition)
		if len(c.Message) > 255 {
			t.Errorf("launch condition message of %d characters; LaunchCondition.Description holds 255: %s", len(c.Message), c.Message)
		}
	}
	joined := strings.Join(conds, "\n")
	for _, want := range []string{"Privileged", "GOMSI_WINDOWS_BUILD >= 10240"} {
		if !strings.Contains(joined, want) {
			t.Errorf("launch conditions lack %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "DOWNGRADE") {
		t.Error("downgrades are allowed by default (as the official installer) but a condition refuses them")
	}
	props := map[string]string{}
	for _, p := range d.Properties {
		props[p.ID] = p.Value
	}
	if props["MSIUSEREALADMINDETECTION"] != "1" || props["ARPNOMODIFY"] != "1" || props["ARPHELPLINK"] != "https://go.dev/doc/" || props["ARPURLINFOABOUT"] != "https://go.dev" {
		t.Errorf("properties = %v", props)
	}
	if len(d.Upgrades) != 1 || d.Upgrades[0].Maximum != "" || d.Upgrades[0].Minimum != "0.0.0" || !d.Upgrades[0].IncludeMinimum || d.Upgrades[0].OnlyDetect {
		t.Errorf("upgrades = %+v, want every version replaced", d.Upgrades)
	}
	env := map[string]templates.EnvVar{}
	for _, e := range d.Environment {
		env[e.ID] = e
	}
	if e := env["envPath"]; !e.System || e.Value != "[INSTALLDIR]bin" || e.Part != "last" || e.Action != "set" {
		t.Errorf("PATH change = %+v", e)
	}
	if e := env["envGOPATH"]; e.System || e.Action != "create" || e.Value != `%USERPROFILE%\go` {
		t.Errorf("GOPATH change = %+v", e)
	}
	if d.InlineEnvironment || d.Broadcast {
		t.Error("wixl cannot compile <Environment> or WixUtilExtension, yet the plan asks it to")
	}
	if _, ok := setProperty(d, "INSTALLDIR"); !ok {
		t.Error("the install folder is not remembered")
	}
}

func TestPlanOptions(t *testing.T) {
	no := false
	icon := filepath.Join(t.TempDir(), "go.ico")
	os.WriteFile(icon, []byte{0, 0, 1, 0, 1, 0}, 0o644)
	cfg := config.Installer{Scope: config.PerUser, GOPATH: &no, UserPath: &no, AllowDowngrades: &no, RememberDir: &no, Icon: icon}
	d, err := Plan(cfg, mustProduct(t, "go1.20.14", "386"), wix3)
	if err != nil {
		t.Fatal(err)
	}
	if d.Scope != "perUser" || d.Privileges != "limited" || d.InstallParent != "LocalAppDataFolder" || d.State.Root != "HKCU" || d.State.Key != PerUserStateKey {
		t.Errorf("per-user plan: %+v", d)
	}
	if _, ok := setProperty(d, "INSTALLDIR"); ok {
		t.Error("remember_install_dir: false still remembers")
	}
	if len(d.Environment) != 1 || d.Environment[0].System || d.Environment[0].Name != "PATH" {
		t.Errorf("environment = %+v, want only the user PATH", d.Environment)
	}
	for _, c := range d.LaunchConditions {
		if c.Condition == "Privileged" {
			t.Error("a per-user package demands administrator rights")
		}
		if strings.Contains(c.Condition, "GOMSI_WINDOWS_BUILD") {
			t.Error("go1.20 needs Windows 7 SP1, not Windows 10")
		}
	}
	if !strings.Contains(d.LaunchConditions[0].Message, "go1.20.14 needs Windows 7 SP1") {
		t.Errorf("Windows message = %q", d.LaunchConditions[0].Message)
	}
	if len(d.Upgrades) != 2 || !d.Upgrades[0].IncludeMaximum || d.Upgrades[0].Maximum != "1.20.14" || !d.Upgrades[1].OnlyDetect {
		t.Errorf("upgrades without downgrades = %+v", d.Upgrades)
	}
	if d.Icon != icon || !d.InlineEnvironment || !d.Broadcast {
		t.Errorf("icon %q, inline %v, broadcast %v", d.Icon, d.InlineEnvironment, d.Broadcast)
	}
}

// TestStateGUIDs: stable across versions of an upgrade code, arch and scope;
// different between scopes and arches.
func TestStateGUIDs(t *testing.T) {
	a, _ := Plan(config.Installer{}, mustProduct(t, "go1.26.7", "amd64"), wixl)
	b, _ := Plan(config.Installer{}, mustProduct(t, "go1.26.8", "amd64"), wixl)
	c, _ := Plan(config.Installer{Scope: config.PerUser}, mustProduct(t, "go1.26.8", "amd64"), wixl)
	d, _ := Plan(config.Installer{}, mustProduct(t, "go1.26.8", "386"), wixl)
	if a.State.GUID != b.State.GUID {
		t.Error("the state component GUID changes between Go versions")
	}
	if b.State.GUID == c.State.GUID || b.State.GUID == d.State.GUID {
		t.Error("per-user or 386 packages share the state component GUID")
	}
}

// TestRenderedSourcesValidate renders every scope, arch and toolset through
// gomsi's templates and validates the WiX v3 source against the official
// schema (what wixl cannot read included, for toolset wix3).
func TestRenderedSourcesValidate(t *testing.T) {
	testtool.Require(t, "xmllint")
	validate := "../../shared/wix-schemas/validate.sh"
	if _, err := os.Stat(validate); err != nil {
		if testtool.InCI() {
			t.Fatalf("%s: %v", validate, err)
		}
		t.Skipf("%s: %v", validate, err)
	}
	tree, err := harvest.Harvest(fstest.MapFS{"VERSION": {Data: []byte("go1.26.8\n")}, "bin/go.exe": {Data: []byte("MZ")}}, harvest.Options{GUIDScope: "test"})
	if err != nil {
		t.Fatal(err)
	}
	no := false
	for _, ts := range []wix.Toolset{&wix.Wixl{}, &wix.Wix3{}} {
		toolset := ts.Name()
		r, err := templates.New(ts.Dialect(), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, arch := range []string{"386", "amd64", "arm64"} {
			for _, cfg := range []config.Installer{{}, {Scope: config.PerUser, AllowDowngrades: &no}} {
				p := mustProduct(t, "go1.27rc1", arch)
				plan, err := Plan(cfg, p, ts.Dialect())
				if err != nil {
					t.Fatal(err)
				}
				sources, err := r.Render(templates.Data{Product: p, Tree: tree, Comments: "test", Installer: plan})
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				for _, s := range sources {
					path := filepath.Join(dir, s.Name)
					os.WriteFile(path, s.Body, 0o644)
					if out, err := exec.Command("bash", validate, "v3", "--strict", path).CombinedOutput(); err != nil {
						t.Errorf("%s %s %s %s: %v: %s", toolset, arch, plan.Scope, s.Name, err, out)
					}
				}
			}
		}
	}
}

func TestPerUserProfileRules(t *testing.T) {
	perUser := config.Installer{Scope: config.PerUser}
	d, err := Plan(perUser, mustProduct(t, "go1.26.8", "amd64"), wix3)
	if err != nil {
		t.Fatal(err)
	}
	// ICE64: the folder between LocalAppData and INSTALLDIR is removed.
	if d.State.Folder != "dirPrograms" || !d.State.RemoveFolder || d.InstallParent != "LocalAppDataFolder" || d.Folders[0].ID != "dirPrograms" {
		t.Errorf("per-user state in %s (removed: %v) under %s, want it to remove dirPrograms under LocalAppDataFolder", d.State.Folder, d.State.RemoveFolder, d.InstallParent)
	}
	if got := d.SuppressICE; strings.Join(got, ",") != "ICE38,ICE91" {
		t.Errorf("per user: SuppressICE = %q, want ICE38 and ICE91", got)
	}
	machine, err := Plan(config.Installer{}, mustProduct(t, "go1.26.8", "amd64"), wix3)
	if err != nil {
		t.Fatal(err)
	}
	if machine.State.Folder != "INSTALLDIR" || machine.State.RemoveFolder || machine.SuppressICE != nil {
		t.Errorf("per machine: state in %s (removed: %v), suppresses %q; want INSTALLDIR, nothing removed or suppressed", machine.State.Folder, machine.State.RemoveFolder, machine.SuppressICE)
	}
}

// TestLaunchMessageLengthEscaped: LaunchCondition.Description holds the
// message as formatted escapes it, so the 255-character limit counts the
// escapes: a name that fits raw but not escaped is refused.
func TestLaunchMessageLengthEscaped(t *testing.T) {
	p := mustProduct(t, "go1.26.8", "amd64")
	if _, err := Plan(config.Installer{}, p, nativeTS); err != nil {
		t.Fatal(err)
	}
	p.Name = strings.Repeat("[", 40) // 40 raw characters, 160 escaped
	if _, err := Plan(config.Installer{}, p, nativeTS); err == nil || !strings.Contains(err.Error(), "more than the 255 Windows Installer holds") {
		t.Errorf("a message of 255+ escaped characters: %v", err)
	}
}
