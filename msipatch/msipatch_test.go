package msipatch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix/toolrun"
)

func plan() templates.InstallerData {
	return templates.InstallerData{
		State: templates.StateComponent{ID: "cmpInstallState"},
		Environment: []templates.EnvVar{
			{ID: "envPath", Name: "PATH", Value: "[INSTALLDIR]bin", Action: "set", Part: "last", System: true},
			{ID: "envGOPATH", Name: "GOPATH", Value: `%USERPROFILE%\go`, Action: "create", Part: "all"},
			{ID: "envFirst", Name: "X", Value: "a", Action: "set", Part: "first"},
		},
		Upgrades: []templates.UpgradeVersion{
			{Minimum: "0.0.0", IncludeMinimum: true, Maximum: "1.27.0", IncludeMaximum: true, Property: "WIX_UPGRADE_DETECTED"},
			{Minimum: "1.27.0", OnlyDetect: true, Property: "WIX_DOWNGRADE_DETECTED"},
		},
	}
}

func TestEnvironmentIDT(t *testing.T) {
	got, err := EnvironmentIDT(plan())
	if err != nil {
		t.Fatal(err)
	}
	want := "Environment\tName\tValue\tComponent_\r\ns72\tl255\tL255\ts72\r\nEnvironment\tEnvironment\r\n" +
		"envPath\t=-*PATH\t[~];[INSTALLDIR]bin\tcmpInstallState\r\n" +
		"envGOPATH\t+-GOPATH\t%USERPROFILE%\\go\tcmpInstallState\r\n" +
		"envFirst\t=-X\ta;[~]\tcmpInstallState\r\n"
	if string(got) != want {
		t.Errorf("Environment.idt:\n%q\nwant\n%q", got, want)
	}
}

func TestUpgradeIDT(t *testing.T) {
	got, err := UpgradeIDT("{22ea7650-4ac6-4001-bf29-f4b8775db1c0}", plan())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{
		"{22EA7650-4AC6-4001-BF29-F4B8775DB1C0}\t0.0.0\t1.27.0\t\t768\t\tWIX_UPGRADE_DETECTED\r\n",
		"{22EA7650-4AC6-4001-BF29-F4B8775DB1C0}\t1.27.0\t\t\t2\t\tWIX_DOWNGRADE_DETECTED\r\n",
	} {
		if !strings.Contains(string(got), row) {
			t.Errorf("Upgrade.idt lacks %q:\n%s", row, got)
		}
	}
	if _, err := UpgradeIDT("not-a-guid", plan()); err == nil {
		t.Error("a bad upgrade code was accepted")
	}
}

func TestBadRowsAreRefused(t *testing.T) {
	for name, e := range map[string]templates.EnvVar{
		"action":   {ID: "e", Name: "P", Value: "v", Action: "remove", Part: "all"},
		"part":     {ID: "e", Name: "P", Value: "v", Action: "set", Part: "middle"},
		"tab":      {ID: "e", Name: "P", Value: "a\tb", Action: "set", Part: "all"},
		"newline":  {ID: "e", Name: "P", Value: "a\nb", Action: "set", Part: "all"},
		"nonASCII": {ID: "e", Name: "P", Value: `C:\Programme\Gö`, Action: "set", Part: "all"},
	} {
		d := plan()
		d.Environment = []templates.EnvVar{e}
		if _, err := EnvironmentIDT(d); err == nil {
			t.Errorf("%s: accepted %+v", name, e)
		}
	}
	d := plan()
	d.State.ID = ""
	if _, err := EnvironmentIDT(d); err == nil {
		t.Error("environment rows without a component were accepted")
	}
}

type recorder struct {
	cmds []toolrun.Command
	out  string
	err  error
}

func (r *recorder) Run(ctx context.Context, cmd toolrun.Command) ([]byte, error) {
	r.cmds = append(r.cmds, cmd)
	return []byte(r.out), r.err
}

// TestApplyFailures: whatever fails, the package is gone and no temporary
// file stays beside it.
func TestApplyFailures(t *testing.T) {
	sh, err := os.Executable() // any existing program stands in for msibuild
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*recorder{
		"exit status": {out: "msibuild: cannot open table", err: errors.New("exit status 1")},
		"warning":     {out: "(msibuild:1): WARNING: something"},
	} {
		dir := t.TempDir()
		msi := filepath.Join(dir, "go.msi")
		os.WriteFile(msi, []byte("msi"), 0o644)
		err := Patcher{Msibuild: sh, Runner: r}.Apply(context.Background(), msi, "22EA7650-4AC6-4001-BF29-F4B8775DB1C0", plan())
		if err == nil || !strings.Contains(err.Error(), strings.TrimSpace(r.out)) {
			t.Errorf("%s: error %v does not carry msibuild's output", name, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%s: %d files left in the output folder", name, len(entries))
		}
		if len(r.cmds) != 1 || !strings.Contains(strings.Join(r.cmds[0].Args, " "), "INSERT INTO `InstallExecuteSequence`") {
			t.Errorf("%s: commands %v", name, r.cmds)
		}
	}
	dir := t.TempDir()
	msi := filepath.Join(dir, "go.msi")
	os.WriteFile(msi, []byte("msi"), 0o644)
	err = Patcher{Msibuild: filepath.Join(dir, "no-msibuild"), Runner: &recorder{}}.Apply(context.Background(), msi, "22EA7650-4AC6-4001-BF29-F4B8775DB1C0", plan())
	if !errors.Is(err, ErrNoMsibuild) || !strings.Contains(err.Error(), "apt-get install msitools") {
		t.Errorf("missing msibuild: %v", err)
	}
	if _, statErr := os.Stat(msi); statErr == nil {
		t.Error("the package stayed although it could not be patched")
	}
}
