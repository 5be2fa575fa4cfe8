package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/internal/testing/winetest"
)

// processPrngShim is bcryptprimitives.dll for Wine 8, which lacks it: Go
// 1.24+ programs load ProcessPrng from it at start-up and die without it
// (../shared/fixtures/README.md). It forwards to RtlGenRandom.
const processPrngShim = `#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
`

const processPrngDef = "LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng\n"

// installProcessPrngShim builds the shim with mingw-w64 and copies it into
// the prefix's system32.
func installProcessPrngShim(t *testing.T, wine *winetest.Prefix) {
	t.Helper()
	gcc := testtool.Require(t, "x86_64-w64-mingw32-gcc")
	dir := t.TempDir()
	src, def, dll := filepath.Join(dir, "shim.c"), filepath.Join(dir, "shim.def"), filepath.Join(dir, "bcryptprimitives.dll")
	os.WriteFile(src, []byte(processPrngShim), 0o644)
	os.WriteFile(def, []byte(processPrngDef), 0o644)
	if out, err := exec.Command(gcc, "-shared", "-O2", "-o", dll, src, def, "-ladvapi32").CombinedOutput(); err != nil {
		t.Fatalf("build the ProcessPrng shim: %v: %s", err, out)
	}
	data, err := os.ReadFile(dll)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wine.Path(`C:\windows\system32\bcryptprimitives.dll`), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFixtureInstallRunsGoUnderWine installs the real go1.26.8 package with
// Wine's msiexec and runs the installed go.exe: its version and GOROOT must
// be the package's and the install folder.
func TestFixtureInstallRunsGoUnderWine(t *testing.T) {
	zipPath := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	b := buildWith(t, zipPath, nil)
	wine := windowsPrefix(t, "win10")
	installProcessPrngShim(t, wine)
	log, err := wine.Msiexec("/i", b.MSI, "/qn")
	if err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	// Windows Installer writes an environment value that holds % as
	// REG_EXPAND_SZ (the official installer's GOPATH=%USERPROFILE%\go relies
	// on it); Wine 8 writes REG_SZ, and go then refuses the unexpanded
	// GOPATH. Make it what Windows writes.
	gopath, ok := wine.RegQuery(userEnvKey, "GOPATH")
	if !ok || gopath != `%USERPROFILE%\go` {
		t.Fatalf("GOPATH = %q, %v", gopath, ok)
	}
	if out, err := wine.Reg("add", userEnvKey, "/v", "GOPATH", "/t", "REG_EXPAND_SZ", "/d", gopath, "/f"); err != nil {
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
	path, _ := wine.RegQuery(systemEnvKey, "PATH")
	if countEntry(path, `C:\Program Files\Go\bin`) != 1 {
		t.Errorf("system PATH = %q", path)
	}
}
