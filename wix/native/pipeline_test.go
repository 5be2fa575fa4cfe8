package native_test

import (
	"os"
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
	wine.AddProcessPrng()
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

// win10 returns a fresh Wine prefix that reports Windows 10: gomsi's
// packages refuse older Windows for Go 1.21 and later.
func win10(t *testing.T) *winetest.Prefix {
	t.Helper()
	return winetest.NewWindows(t, "win10")
}

// TestPerUserWordCount: the per-user installer (LocalAppData, HKCU state)
// asks for no elevation. Its install under Wine is
// pipeline.TestPerUserInstallUnderWine.
func TestPerUserWordCount(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root, func(p *pipeline.Pipeline) { p.Config.Installer.Scope = "perUser" })
	sum := dumpTables(t, b.MSI)["_SummaryInformation"]
	found := false
	for _, r := range sum.rows {
		if r[0] == "15" {
			found = true
			if r[1] != "10" { // compressed (2) + no elevation (8)
				t.Errorf("per-user word count %s, want 10", r[1])
			}
		}
	}
	if !found {
		t.Error("no word count (PID 15) in the summary information")
	}
}
