package cab

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/winetest"
)

// TestWineExtracts has Wine's extrac32 unpack a cabinet: it goes through
// cabinet.dll's FDI, the decoder msiexec uses, which must honour the MSZIP
// history the blocks refer back into.
func TestWineExtracts(t *testing.T) {
	if testing.Short() {
		t.Skip("starting Wine takes seconds")
	}
	prefix := winetest.New(t)
	src := t.TempDir()
	files, want := writeCorpus(t, src)
	cabs, err := Build(context.Background(), files, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if msg, err := prefix.Run(2*time.Minute, "extrac32", "/Y", "/E", "/L", winePath(out), winePath(cabs[0].Path)); err != nil {
		t.Fatalf("wine extrac32: %v: %s", err, lastLines(msg))
	}
	compareDir(t, "wine extrac32", out, want)
}

// winePath names a Unix path through Wine's Z: drive.
func winePath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }
