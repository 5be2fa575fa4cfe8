package native_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
)

// TestUncompressedLayoutUnderWine installs a package whose files are laid
// out uncompressed beside it (Media without Cabinet): Windows Installer
// must find them under the Directory table's source names and install
// them; uninstalling removes them again.
func TestUncompressedLayoutUnderWine(t *testing.T) {
	c, err := layoutCompile(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	wine := win10(t)
	if log, err := wine.Msiexec("/i", c.Out, "/qn"); err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	for name, want := range map[string]string{"Read Me.txt": "read me", "b.dat": "bee data"} {
		found := findFiles(t, wine.Path(`C:\`), name)
		if len(found) != 1 {
			t.Errorf("%s installed as %v, want once", name, found)
			continue
		}
		if got, _ := os.ReadFile(found[0]); string(got) != want {
			t.Errorf("%s holds %q, want %q", found[0], got, want)
		}
		if filepath.Base(filepath.Dir(found[0])) != map[string]string{"Read Me.txt": "Layout App", "b.dat": "Sub"}[name] {
			t.Errorf("%s installed in the wrong folder", found[0])
		}
	}
	if log, err := wine.Msiexec("/x", c.Out, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if left := findFiles(t, wine.Path(`C:\`), "Read Me.txt"); len(left) > 0 {
		t.Errorf("uninstall left %v", left)
	}
}
