package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/winetest"
)

// TestInstallUnderWine installs a wixc-built package with Wine's msiexec,
// checks every file landed with its content, and uninstalls it.
func TestInstallUnderWine(t *testing.T) {
	dir := demo(t, "")
	if code, _, stderr := wixc(t, demoArgs...); code != 0 {
		t.Fatalf("wixc exit %d:\n%s", code, stderr)
	}
	wine := winetest.New(t)
	msi := filepath.Join(dir, "out", "demo.msi")
	if log, err := wine.Msiexec("/i", msi, "/qn"); err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	want := map[string]string{"readme.txt": "payload/readme.txt", "tool.txt": "payload/bin/tool.txt", "local.txt": "local.txt"}
	for installed, source := range want {
		got, err := os.ReadFile(wine.Path(`C:\Program Files\WixcDemo\` + installed))
		src, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(source)))
		if err != nil || string(got) != string(src) {
			t.Errorf("%s: %q, %v; want the content of %s, %q", installed, got, err, source, src)
		}
	}
	if log, err := wine.Msiexec("/x", msi, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(wine.Path(`C:\Program Files\WixcDemo`)); err == nil {
		t.Error("uninstall left C:\\Program Files\\WixcDemo")
	}
}
