package native_test

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
	"github.com/gomsi/gomsi/pipeline"
)

// The end-to-end checks of the pipeline, with the native toolset: the
// current templates rendered for "native", compiled, then read back by
// independent readers (msitools) and installed by an independent engine
// (Wine's msiexec).

func TestSmallTreeExtractsByteForByte(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root, nil)
	if filepath.Base(b.MSI) != "go1.26.8.windows-amd64.msi" {
		t.Errorf("MSI named %s", filepath.Base(b.MSI))
	}
	msitest.AssertExtractsTo(t, b.MSI, root)
}

func TestFixtureExtractsByteForByte(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 15,036-file fixture")
	}
	zipPath := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	b := buildMSI(t, zipPath, nil)
	if b.Tree.Files != 15036 {
		t.Errorf("harvested %d files, want 15036", b.Tree.Files)
	}
	msitest.AssertExtractsTo(t, b.MSI, b.Dist.Root)
	// gomsi's source asks for CompressionLevel="high": LZX with a 2 MiB
	// window, which Wine's cabinet.dll decodes below.
	_, types := assertCabinetsValid(t, b.MSI)
	for _, typ := range types {
		if typ != 0x1503 {
			t.Errorf("cabinet folder type %#x, want LZX 21 (0x1503)", typ)
		}
	}
	checkStorageRules(t, b.MSI)

	// Wine installs it, every installed file is the distribution's, and
	// the installed go.exe runs.
	wine := win10(t)
	addProcessPrng(t, wine)
	if log, err := wine.Msiexec("/i", b.MSI, "/qn"); err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	msitest.AssertSameFiles(t, wine.Path(`C:\Program Files\Go`), b.Dist.Root)
	// GOPATH is set: Wine stores the installer's %USERPROFILE%\go unexpanded.
	bat := "@set GOPATH=C:\\gopath\r\n@\"C:\\Program Files\\Go\\bin\\go.exe\" version\r\n"
	if err := os.WriteFile(wine.Path(`C:\goversion.bat`), []byte(bat), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := wine.Run(2*time.Minute, "cmd", "/c", `C:\goversion.bat`)
	if err != nil || !strings.Contains(string(out), "go version go1.26.8 windows/amd64") {
		t.Errorf("installed go.exe version: %v: %s", err, out)
	}
}

// addProcessPrng gives Wine 8 (Debian 12) the bcryptprimitives.dll it
// lacks and Go 1.24+ needs (ProcessPrng), built with mingw from a few
// lines of C over RtlGenRandom: the Windows the package targets has it.
func addProcessPrng(t *testing.T, wine *winetest.Prefix) {
	t.Helper()
	gcc := testtool.Require(t, "x86_64-w64-mingw32-gcc")
	dir := t.TempDir()
	src := `#include <windows.h>
BOOLEAN NTAPI SystemFunction036(PVOID buf, ULONG len);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!SystemFunction036(data, n)) return FALSE;
		data += n; len -= n;
	}
	return TRUE;
}
`
	os.WriteFile(filepath.Join(dir, "prng.c"), []byte(src), 0o644)
	dll := wine.Path(`C:\windows\system32\bcryptprimitives.dll`)
	if _, err := os.Stat(dll); err == nil {
		return // a Wine that has it
	}
	if out, err := exec.Command(gcc, "-shared", "-O2", "-o", dll, filepath.Join(dir, "prng.c"), "-ladvapi32").CombinedOutput(); err != nil {
		t.Fatalf("build bcryptprimitives.dll: %v: %s", err, out)
	}
}

func TestInstallAndUninstallUnderWine(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root, nil)
	wine := win10(t)
	wine.AssertRoundTrip(t, b.MSI, root, `C:\Program Files\Go`)
}

// win10 returns a fresh Wine prefix that reports Windows 10: gomsi's
// packages refuse older Windows for Go 1.21 and later.
func win10(t *testing.T) *winetest.Prefix {
	t.Helper()
	return winetest.NewWindows(t, "win10")
}

// TestPerUserUnderWine builds the per-user installer (LocalAppData, no
// elevation, HKCU state) and installs and removes it under Wine.
func TestPerUserUnderWine(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root, func(p *pipeline.Pipeline) { p.Config.Installer.Scope = "perUser" })
	sum := dumpTables(t, b.MSI)["_SummaryInformation"]
	for _, r := range sum.rows {
		if r[0] == "15" && r[1] != "10" { // compressed (2) + no elevation (8)
			t.Errorf("per-user word count %s, want 10", r[1])
		}
	}
	wine := win10(t)
	if log, err := wine.Msiexec("/i", b.MSI, "/qn"); err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	loc, ok := wine.RegQuery(`HKCU\Software\GoProgrammingLanguage\PerUser`, "installLocation")
	if !ok || !strings.Contains(strings.ToLower(loc), `appdata\local`) {
		src, _ := os.ReadFile(filepath.Join(filepath.Dir(b.Sources[0]), "Product.wxs"))
		t.Fatalf("per-user install location %q; source:\n%s", loc, src)
	}
	dir := wine.Path(strings.TrimSuffix(loc, `\`))
	msitest.AssertSameFiles(t, dir, root)
	if log, err := wine.Msiexec("/x", b.MSI, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("uninstall left %s", dir)
	}
	// A new prefix has no LocalAppData\Programs: the package made it.
	if _, err := os.Stat(filepath.Dir(dir)); err == nil {
		t.Errorf("uninstall left the empty %s it created", filepath.Dir(dir))
	}
}
