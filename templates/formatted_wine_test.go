package templates_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/harvest"
	"github.com/gomsi/gomsi/installer"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/winetest"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native"
)

// TestFormattedLiteralUnderWine installs a package whose registry value
// holds everything Windows Installer's formatting would expand ([Property],
// [%ENV], [~], {...}, [\x], a leading #), and reads the value back: Wine's
// Windows Installer wrote it literally, as a string.
func TestFormattedLiteralUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("installs with Wine")
	}
	wine := winetest.NewWindows(t, "win10")
	const literal = `#1 [ProgramFilesFolder]{[%PATH]} [~] {x} [\[] [INSTALLDIR]`
	root := msitest.SmallTree(t, "go1.26.8")
	tree, err := harvest.Harvest(os.DirFS(root), harvest.Options{GUIDScope: "formatted"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := product.New("go1.26.8", "amd64", "")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := installer.Plan(config.Default().Installer, p, toolsetDialect(t, "native"))
	if err != nil {
		t.Fatal(err)
	}
	plan.State.Values = append(plan.State.Values, templates.RegistryValue{Name: "literal", Value: literal})
	r, err := templates.New(toolsetDialect(t, "native"), "")
	if err != nil {
		t.Fatal(err)
	}
	sources, err := r.WriteFiles(templates.Data{Product: p, Tree: tree, Installer: plan}, filepath.Join(t.TempDir(), "wxs"))
	if err != nil {
		t.Fatal(err)
	}
	msi := filepath.Join(t.TempDir(), "formatted.msi")
	if err := (&native.Toolset{}).Build(context.Background(), wix.Job{Sources: sources, SourceDir: root, Arch: p.Arch, Out: msi}); err != nil {
		t.Fatal(err)
	}
	if log, err := wine.Msiexec("/i", msi, "/qn"); err != nil {
		t.Fatalf("install: %v\n%s", err, msitest.Tail(log))
	}
	out, err := wine.Reg("query", `HKLM\`+installer.StateKey, "/v", "literal")
	if err != nil {
		t.Fatalf("reg query: %v: %s", err, out)
	}
	if got, ok := wine.RegQuery(`HKLM\`+installer.StateKey, "literal"); !ok || got != literal {
		t.Errorf("the registry holds %q, want the literal %q:\n%s", got, literal, out)
	}
	if loc, _ := wine.RegQuery(`HKLM\`+installer.StateKey, "installLocation"); loc != `C:\Program Files\Go\` {
		t.Errorf("installLocation = %q: the intended reference [INSTALLDIR] was not formatted", loc)
	}
	if log, err := wine.Msiexec("/x", msi, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
}
