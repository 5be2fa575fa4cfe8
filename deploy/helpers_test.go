package deploy_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/pipeline"
)

// peMachine is the PE header machine of each GOARCH's go.exe.
var peMachine = map[string]uint16{"386": 0x14c, "amd64": 0x8664, "arm64": 0xaa64}

// buildMSI builds a small Go distribution's MSI with gomsi's own compiler
// into out and returns its path.
func buildMSI(t *testing.T, out, goVersion, goarch, scope string, env map[string]string) string {
	t.Helper()
	return buildMSIWith(t, "native", out, goVersion, goarch, scope, env)
}

func buildMSIWith(t *testing.T, toolset, out, goVersion, goarch, scope string, env map[string]string) string {
	t.Helper()
	if toolset == "wixl" {
		testtool.Require(t, "wixl")
	}
	root := msitest.SmallTree(t, goVersion)
	if err := os.WriteFile(filepath.Join(root, "bin", "go.exe"), testtool.MinimalPE(peMachine[goarch]), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Source, cfg.Out, cfg.Toolset, cfg.Arch, cfg.Scope = root, out, toolset, config.List{goarch}, scope
	noSetup := false
	cfg.Setup = &noSetup
	cfg, err := cfg.WithEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := &bytes.Buffer{}
	p := &pipeline.Pipeline{Config: cfg, Log: log}
	builds, err := p.MSI(context.Background())
	if err != nil {
		t.Fatalf("build %s %s %s: %v\n%s", goVersion, goarch, scope, err, log)
	}
	return builds[0].MSI
}

// msiFacts is what msitools (libmsi, not gomsi's reader) says of an MSI.
type msiFacts struct {
	props    map[string]string
	revision string
	sha256   string
}

func readWithMsitools(t *testing.T, msi string) msiFacts {
	t.Helper()
	msiinfo := testtool.Require(t, "msiinfo")
	out, err := exec.Command(msiinfo, "export", msi, "Property").Output()
	if err != nil {
		t.Fatalf("msiinfo export: %v", err)
	}
	f := msiFacts{props: map[string]string{}}
	for _, line := range strings.Split(string(out), "\r\n")[3:] {
		if k, v, ok := strings.Cut(line, "\t"); ok {
			f.props[k] = v
		}
	}
	sum, err := exec.Command(msiinfo, "suminfo", msi).Output()
	if err != nil {
		t.Fatalf("msiinfo suminfo: %v", err)
	}
	m := regexp.MustCompile(`Revision number \(UUID\): (\S+)`).FindSubmatch(sum)
	if m == nil {
		t.Fatalf("msiinfo suminfo has no revision number:\n%s", sum)
	}
	f.revision = string(m[1])
	data, err := os.ReadFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	f.sha256 = hex.EncodeToString(h[:])
	if f.props["ProductCode"] == "" || f.props["UpgradeCode"] == "" {
		t.Fatalf("msiinfo: no ProductCode or UpgradeCode in %v", f.props)
	}
	return f
}
