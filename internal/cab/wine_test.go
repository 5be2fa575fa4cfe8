package cab

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testtool"
)

// TestWineExtracts has Wine's extrac32 unpack a cabinet: it goes through
// cabinet.dll's FDI, the decoder msiexec uses, which must honour the MSZIP
// history the blocks refer back into.
func TestWineExtracts(t *testing.T) {
	if testing.Short() {
		t.Skip("starting Wine takes seconds")
	}
	wine := testtool.Require(t, "wine")
	src := t.TempDir()
	files, want := writeCorpus(t, src)
	cabs, err := Build(context.Background(), files, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cmd := exec.Command(wine, "extrac32", "/Y", "/E", "/L", winePath(out), winePath(cabs[0].Path))
	cmd.Env = append(os.Environ(), "WINEPREFIX="+filepath.Join(t.TempDir(), "prefix"), "WINEDEBUG=-all")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wine extrac32: %v: %s", err, lastLines(msg))
	}
	compareDir(t, "wine extrac32", out, want)
}

// winePath names a Unix path through Wine's Z: drive.
func winePath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }
