package winetest

import (
	"os"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
)

// AssertRoundTrip installs msi silently, checks that installDir (a Windows
// path) then holds exactly the files of root, byte for byte, and the empty
// folder pkg/empty that msitest.SmallTree has, uninstalls it and checks
// that installDir is gone.
func (p *Prefix) AssertRoundTrip(t *testing.T, msi, root, installDir string) {
	t.Helper()
	if log, err := p.Msiexec("/i", msi, "/qn"); err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	dir := p.Path(installDir)
	msitest.AssertSameFiles(t, dir, root)
	if _, err := os.Stat(p.Path(installDir + `\pkg\empty`)); err != nil {
		t.Errorf("empty folder not installed: %v", err)
	}
	if log, err := p.Msiexec("/x", msi, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(dir); err == nil {
		left := msitest.TreeHashes(t, dir)
		t.Errorf("uninstall left %s with %d files", dir, len(left))
	}
}
