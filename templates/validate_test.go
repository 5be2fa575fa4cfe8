package templates_test

import (
	"archive/zip"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/harvest"
	"github.com/gomsi/gomsi/installer"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/internal/testing/wixcheck"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/templates"
)

// dialects are the toolsets and the template dialect and schema of each.
var dialects = []struct{ toolset, dialect, schema string }{
	{"wixl", "wix3", "v3"}, {"wix3", "wix3", "v3"}, {"wix4", "wix4", "v4"},
}

// combination is one way gomsi renders sources: for a toolset (and so a
// dialect and a schema), an arch and an install scope.
type combination struct {
	toolset, dialect, schema, arch, scope string
}

func (c combination) String() string { return fmt.Sprintf("%s-%s-%s", c.toolset, c.arch, c.scope) }

// combinations lists every combination gomsi renders; wixl cannot build
// arm64, so it never renders for it.
func combinations() []combination {
	var out []combination
	for _, d := range dialects {
		for _, arch := range product.ArchNames() {
			if d.toolset == "wixl" && arch == "arm64" {
				continue
			}
			for _, scope := range []string{config.PerMachine, config.PerUser} {
				out = append(out, combination{d.toolset, d.dialect, d.schema, arch, scope})
			}
		}
	}
	return out
}

// smallTree is a distribution with the names Windows allows that XML and
// WiX make hard: markup characters, spaces, non-ASCII, an empty folder.
func smallTree(t testing.TB) *harvest.Tree {
	t.Helper()
	tree, err := harvest.Harvest(fstest.MapFS{
		"VERSION":                        {Data: []byte("go1.26.8\n")},
		"bin/go.exe":                     {Data: []byte("MZ")},
		"doc/Tom & Jerry's notes.txt":    {Data: []byte("quoted")},
		"src/café/ünïcode ß.go":          {Data: []byte("package x")},
		"misc/a b/c [d] {e} (f) #g.txt":  {Data: []byte("x")},
		"pkg/empty":                      {Mode: fs.ModeDir | 0o755},
		"lib/time/zoneinfo.zip":          {Data: []byte("PK")},
		"test/fixedbugs/issue1.dir/a.go": {Data: []byte("package a")},
	}, harvest.Options{GUIDScope: "validate"})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// render renders a combination as the pipeline does: the installer plan
// of the default configuration with the scope set.
func render(t testing.TB, c combination, tree *harvest.Tree) map[string][]byte {
	t.Helper()
	p, err := product.New("go1.26.8", c.arch, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default().Installer
	cfg.Scope = c.scope
	if d := toolsetDialect(t, c.toolset); d.Schema != c.dialect {
		t.Fatalf("%s reads %s sources, want %s", c.toolset, d.Schema, c.dialect)
	}
	plan, err := installer.Plan(cfg, p, toolsetDialect(t, c.toolset))
	if err != nil {
		t.Fatal(err)
	}
	r, err := templates.New(toolsetDialect(t, c.toolset), "")
	if err != nil {
		t.Fatal(err)
	}
	sources, err := r.Render(templates.Data{Product: p, Tree: tree, Comments: `built by gomsi "validate" & co`, Installer: plan})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, s := range sources {
		files[s.Name] = s.Body
	}
	return files
}

// validateScript finds the schemas' validate.sh in ../shared beside the
// repository, the fixtures' sibling.
func validateScript(t testing.TB) string {
	testtool.Require(t, "xmllint")
	return testtool.Fixture(t, "../wix-schemas/validate.sh")
}

// validate checks sources against the official WiX schema of their dialect,
// strictly (no unknown extension elements), and with the checks the
// schemas cannot make.
func validate(t testing.TB, script string, c combination, files map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out, err := exec.Command("sh", append([]string{script, c.schema, "--strict"}, paths...)...).CombinedOutput()
	if err != nil {
		t.Errorf("%s: the sources do not validate against the WiX %s schema: %v\n%s", c, c.schema, err, msitest.Tail(string(out)))
	}
	if err := wixcheck.Check(files); err != nil {
		t.Errorf("%s: %v", c, err)
	}
}

func TestSourcesValidate(t *testing.T) {
	script := validateScript(t)
	tree := smallTree(t)
	for _, c := range combinations() {
		t.Run(c.String(), func(t *testing.T) { validate(t, script, c, render(t, c, tree)) })
	}
}

// TestDialectsAgree: WiX v3 and v4 sources of the same arch and scope
// define the same ids in the same tables, so they describe one installer.
// TARGETDIR is the one exception: v4 defines it itself.
func TestDialectsAgree(t *testing.T) {
	tree := smallTree(t)
	for _, arch := range product.ArchNames() {
		for _, scope := range []string{config.PerMachine, config.PerUser} {
			v3, err := wixcheck.Defined(render(t, combination{"wix3", "wix3", "v3", arch, scope}, tree))
			if err != nil {
				t.Fatal(err)
			}
			v4, err := wixcheck.Defined(render(t, combination{"wix4", "wix4", "v4", arch, scope}, tree))
			if err != nil {
				t.Fatal(err)
			}
			v3["Directory"] = slicesDelete(v3["Directory"], "TARGETDIR")
			if !reflect.DeepEqual(v3, v4) {
				t.Errorf("%s %s: v3 and v4 define different ids:\nv3 %v\nv4 %v", arch, scope, v3, v4)
			}
		}
	}
}

func slicesDelete(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// TestValidationFails proves the validation can fail: v3 source is not v4
// source, an unknown element is refused, and a dangling reference is found.
func TestValidationFails(t *testing.T) {
	script := validateScript(t)
	c := combination{"wix3", "wix3", "v3", "amd64", config.PerMachine}
	files := render(t, c, smallTree(t))
	dir := t.TempDir()
	v3 := filepath.Join(dir, "v3.wxs")
	os.WriteFile(v3, files["Product.wxs"], 0o644)
	if out, err := exec.Command("sh", script, "v4", "--strict", v3).CombinedOutput(); err == nil {
		t.Errorf("a v3 source validated as v4:\n%s", out)
	}
	bad := filepath.Join(dir, "bad.wxs")
	os.WriteFile(bad, []byte(strings.Replace(string(files["Product.wxs"]), "<Upgrade ", "<Frob/><Upgrade ", 1)), 0o644)
	if out, err := exec.Command("sh", script, "v3", "--strict", bad).CombinedOutput(); err == nil {
		t.Errorf("an unknown element validated:\n%s", out)
	}
	delete(files, "Files.wxs")
	if err := wixcheck.Check(files); err == nil || !strings.Contains(err.Error(), `ComponentGroup "AppFiles"`) {
		t.Errorf("Product.wxs alone: %v", err)
	}
}

// TestFixtureSourcesValidate renders the real go1.26.8 windows/amd64
// distribution (15,036 files) in both dialects and validates them.
func TestFixtureSourcesValidate(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 15,036 files")
	}
	script := validateScript(t)
	z, err := zip.OpenReader(testtool.Fixture(t, "go1.26.8.windows-amd64.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	root, err := fs.Sub(z, "go")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := harvest.Harvest(root, harvest.Options{GUIDScope: "validate"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []combination{{"wix3", "wix3", "v3", "amd64", config.PerMachine}, {"wix4", "wix4", "v4", "amd64", config.PerMachine}} {
		t.Run(c.String(), func(t *testing.T) { validate(t, script, c, render(t, c, tree)) })
	}
}
