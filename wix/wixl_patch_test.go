package wix

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/msipatch"
	"github.com/gomsi/gomsi/templates"
)

// planWithEnvironment is a plan with what wixl cannot compile: an
// environment change and Upgrade rows.
func planWithEnvironment() *templates.InstallerData {
	return &templates.InstallerData{
		State:       templates.StateComponent{ID: "cmpInstallState"},
		Environment: []templates.EnvVar{{ID: "envPath", Name: "PATH", Value: "[INSTALLDIR]bin", Action: "set", Part: "last", System: true}},
		Upgrades:    []templates.UpgradeVersion{{Minimum: "0.0.0", IncludeMinimum: true, Property: "WIX_UPGRADE_DETECTED"}},
	}
}

// TestWixlBuildPatches: with a plan, wixl's Build adds the rows wixl cannot
// compile with msibuild, after compiling, into the package it wrote.
func TestWixlBuildPatches(t *testing.T) {
	job, _ := testJob(t, "amd64")
	job.Plan, job.UpgradeCode = planWithEnvironment(), "22EA7650-4AC6-4001-BF29-F4B8775DB1C0"
	msibuild, err := os.Executable() // any existing program stands in for msibuild
	if err != nil {
		t.Fatal(err)
	}
	r := &fakeRunner{create: true}
	var logged []string
	w := &Wixl{Runner: r, Msibuild: msibuild, Log: func(f string, a ...any) { logged = append(logged, f) }}
	if err := w.Build(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	if len(r.cmds) != 2 || r.cmds[0].Path != "wixl" || r.cmds[1].Path != msibuild {
		t.Fatalf("ran %v, want wixl then msibuild", r.cmds)
	}
	args := strings.Join(r.cmds[1].Args, " ")
	for _, want := range []string{"Upgrade.idt", "Environment.idt", "WriteEnvironmentStrings"} {
		if !strings.Contains(args, want) {
			t.Errorf("msibuild args lack %s: %s", want, args)
		}
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "environment changes") {
		t.Errorf("logged %q", logged)
	}
	if _, err := os.Stat(job.Out); err != nil {
		t.Errorf("patched package: %v", err)
	}
}

// TestWixlMissingMsibuild: a job whose plan needs msibuild fails before
// wixl compiles anything when msibuild is missing.
func TestWixlMissingMsibuild(t *testing.T) {
	job, _ := testJob(t, "amd64")
	job.Plan = planWithEnvironment()
	r := &fakeRunner{create: true}
	w := &Wixl{Runner: r, Msibuild: filepath.Join(t.TempDir(), "no-msibuild")}
	if err := w.Build(context.Background(), job); !errors.Is(err, msipatch.ErrNoMsibuild) {
		t.Errorf("Build without msibuild: %v", err)
	}
	if len(r.cmds) != 0 {
		t.Errorf("ran %v before finding msibuild missing", r.cmds)
	}
}
