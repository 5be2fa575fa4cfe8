package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/internal/testing/winetest"
)

// versionTree writes a small Go distribution of a version: a real-looking
// bin/go.exe (arch detection reads it), VERSION, and files.
func versionTree(t *testing.T, version string, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "go")
	all := map[string]string{
		"VERSION":    version + "\ntime 2026-08-28T16:20:06Z\n",
		"bin/go.exe": string(testtool.MinimalPE(0x8664)),
	}
	for k, v := range files {
		all[k] = v
	}
	for name, body := range all {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// smallTreeWith is msitest.SmallTree of a version with files added or
// replaced.
func smallTreeWith(t *testing.T, version string, files map[string]string) string {
	t.Helper()
	root := msitest.SmallTree(t, version)
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// buildWith builds the MSI of source with wixl after configure changes the
// installer settings.
func buildWith(t *testing.T, source string, configure func(*config.Installer)) *Build {
	t.Helper()
	return buildFor(t, "wixl", source, configure)
}

// buildFor builds the MSI of source with a toolset after configure changes
// the installer settings.
func buildFor(t *testing.T, toolset, source string, configure func(*config.Installer)) *Build {
	t.Helper()
	if toolset == "wixl" {
		testtool.Require(t, "wixl")
		testtool.Require(t, "msibuild")
	}
	p := newTestPipeline(t, source)
	p.Config.Toolset = toolset
	if configure != nil {
		configure(&p.Config.Installer)
	}
	builds, err := p.MSI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 1 {
		t.Fatalf("built %d MSIs, want 1", len(builds))
	}
	return builds[0]
}

// wineToolsets are the toolsets whose packages the lifecycle tests install
// under Wine: wixl, which needs msitools, and gomsi's own.
var wineToolsets = []string{"wixl", "native"}

// forEachToolset runs test once per toolset of wineToolsets, as subtests.
func forEachToolset(t *testing.T, test func(t *testing.T, toolset string)) {
	for _, toolset := range wineToolsets {
		t.Run(toolset, func(t *testing.T) { test(t, toolset) })
	}
}

func boolPtr(b bool) *bool { return &b }

// arpEntries returns the Apps and Features entries of Go, by product code.
func arpEntries(wine *winetest.Prefix) map[string]map[string]string {
	return wine.Products("Go Programming Language")
}
