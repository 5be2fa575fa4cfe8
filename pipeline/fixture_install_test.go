package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/internal/testing/winetest"
)

// TestFixtureInstallRunsGoUnderWine installs the real go1.26.8 package with
// Wine's msiexec and runs the installed go.exe: its version and GOROOT must
// be the package's and the install folder.
func TestFixtureInstallRunsGoUnderWine(t *testing.T) {
	zipPath := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	b := buildWith(t, zipPath, nil)
	wine := winetest.NewWindows(t, "win10")
	wine.AddProcessPrng()
	log, err := wine.Msiexec("/i", b.MSI, "/qn")
	if err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	// Windows Installer writes an environment value that holds % as
	// REG_EXPAND_SZ (the official installer's GOPATH=%USERPROFILE%\go relies
	// on it); Wine 8 writes REG_SZ, and go then refuses the unexpanded
	// GOPATH. Make it what Windows writes.
	gopath, ok := wine.RegQuery(winetest.UserEnvKey, "GOPATH")
	if !ok || gopath != `%USERPROFILE%\go` {
		t.Fatalf("GOPATH = %q, %v", gopath, ok)
	}
	if out, err := wine.Reg("add", winetest.UserEnvKey, "/v", "GOPATH", "/t", "REG_EXPAND_SZ", "/d", gopath, "/f"); err != nil {
		t.Fatalf("reg add GOPATH: %v: %s", err, out)
	}
	goExe := `C:\Program Files\Go\bin\go.exe`
	out, err := wine.Run(2*time.Minute, goExe, "version")
	if err != nil || strings.TrimSpace(string(out)) != "go version go1.26.8 windows/amd64" {
		t.Errorf("%s version = %q, %v", goExe, out, err)
	}
	out, err = wine.Run(2*time.Minute, goExe, "env", "GOROOT")
	if err != nil || strings.TrimSpace(string(out)) != `C:\Program Files\Go` {
		t.Errorf("%s env GOROOT = %q, %v", goExe, out, err)
	}
	out, err = wine.Run(2*time.Minute, goExe, "env", "GOPATH")
	if got := strings.TrimSpace(string(out)); err != nil || !strings.HasPrefix(got, `C:\users\`) || !strings.HasSuffix(got, `\go`) {
		t.Errorf("%s env GOPATH = %q, %v", goExe, out, err)
	}
	path, _ := wine.RegQuery(winetest.SystemEnvKey, "PATH")
	if winetest.CountPathEntry(path, `C:\Program Files\Go\bin`) != 1 {
		t.Errorf("system PATH = %q", path)
	}
}
