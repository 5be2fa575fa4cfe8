package templates

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gomsi/gomsi/harvest"
	"github.com/gomsi/gomsi/product"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func testData(t *testing.T, toolset string) Data {
	t.Helper()
	fsys := fstest.MapFS{
		"VERSION":                              {Data: []byte("go1.26.8\n")},
		"bin/go.exe":                           {Data: []byte("MZ")},
		"doc/Tom & Jerry's <notes>.txt":        {Data: []byte("quoted")},
		"doc/$(env.HOME) $$(x) !(loc.Foo).txt": {Data: []byte("not variables")},
		"pkg/empty":                            {Mode: 0o755 | (1 << 31)},
	}
	tree, err := harvest.Harvest(fsys, harvest.Options{GUIDScope: "test"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := product.New("go1.26.8", "amd64", "")
	if err != nil {
		t.Fatal(err)
	}
	return Data{Product: p, Tree: tree, Comments: `Built by gomsi "test" & co`, Installer: testInstaller(ToolsetDialects[toolset])}
}

func TestGolden(t *testing.T) {
	for _, toolset := range []string{"wixl", "wix3"} {
		r, err := New(ToolsetDialects[toolset], "")
		if err != nil {
			t.Fatal(err)
		}
		sources, err := r.Render(testData(t, toolset))
		if err != nil {
			t.Fatal(err)
		}
		if len(sources) != 2 || sources[0].Name != "Files.wxs" || sources[1].Name != "Product.wxs" {
			t.Fatalf("rendered %d sources", len(sources))
		}
		for _, src := range sources {
			assertWellFormed(t, src)
			golden := filepath.Join("testdata", toolset+"."+src.Name+".golden")
			if *update {
				os.WriteFile(golden, src.Body, 0o644)
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./templates -update to create it)", err)
			}
			if !bytes.Equal(src.Body, want) {
				t.Errorf("%s differs from %s (go test ./templates -update rewrites it):\n%s", src.Name, golden, src.Body)
			}
		}
	}
}

func assertWellFormed(t *testing.T, src Source) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(src.Body))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", src.Name, err)
		}
	}
}

func TestEscapesEveryValue(t *testing.T) {
	data := testData(t, "wixl")
	data.Product.Name = `Go <"evil"> & 'friends'`
	r, _ := New(ToolsetDialects["wixl"], "")
	sources, err := r.Render(data)
	if err != nil {
		t.Fatal(err)
	}
	product := string(sources[1].Body)
	if !strings.Contains(product, `Name="Go &lt;&quot;evil&quot;&gt; &amp; &apos;friends&apos;"`) {
		t.Errorf("product name not escaped:\n%s", product)
	}
	if !strings.Contains(string(sources[0].Body), `Name="Tom &amp; Jerry&apos;s &lt;notes&gt;.txt"`) {
		t.Errorf("file name not escaped:\n%s", sources[0].Body)
	}
	data.Comments = "bell\a"
	if _, err := r.Render(data); err == nil || !strings.Contains(err.Error(), "U+0007, which XML cannot carry") {
		t.Errorf("control character: %v", err)
	}
}

func TestOverride(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Product.wxs.tmpl"), []byte(`<x n="{{ .Product.Name }}" raw="{{ "&amp;" | raw }}"/>`), 0o644)
	r, err := New(ToolsetDialects["wixl"], dir)
	if err != nil {
		t.Fatal(err)
	}
	data := testData(t, "wixl")
	data.Product.Name = "a&b"
	sources, err := r.Render(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(sources[1].Body); got != `<x n="a&amp;b" raw="&amp;"/>` {
		t.Errorf("user template rendered %q", got)
	}
	if !strings.Contains(string(sources[0].Body), "<ComponentGroup Id=\"AppFiles\">") {
		t.Error("the templates the user did not override are gone")
	}

	os.WriteFile(filepath.Join(dir, "Product.wxs.tmpl"), []byte(`{{ .Product.Nmae }}`), 0o644)
	r, _ = New(ToolsetDialects["wixl"], dir)
	if _, err := r.Render(data); err == nil || !strings.Contains(err.Error(), "can't evaluate field Nmae") {
		t.Errorf("missing key: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "Produkt.wxs.tmpl"), nil, 0o644)
	if _, err := New(ToolsetDialects["wix3"], dir); err == nil || !strings.Contains(err.Error(), "unknown template Produkt.wxs.tmpl") {
		t.Errorf("misspelt template: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "Produkt.wxs.tmpl"), nil, 0o644)
	os.Remove(filepath.Join(dir, "Produkt.wxs.tmpl"))
	os.WriteFile(filepath.Join(dir, "Files.wxs.tmpl"), []byte(`{{ if }}`), 0o644)
	if _, err := New(ToolsetDialects["wix3"], dir); err == nil || !strings.Contains(err.Error(), "Files.wxs.tmpl") {
		t.Errorf("syntax error: %v", err)
	}
}

func TestWriteFiles(t *testing.T) {
	data := testData(t, "wixl")
	r, _ := New(ToolsetDialects["wixl"], "")
	sources, err := r.Render(data)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "wxs")
	paths, err := r.WriteFiles(data, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(sources) {
		t.Fatalf("wrote %v, rendered %d sources", paths, len(sources))
	}
	for i, s := range sources {
		got, err := os.ReadFile(paths[i])
		if err != nil || filepath.Base(paths[i]) != s.Name || string(got) != string(s.Body) {
			t.Errorf("%s: wrote %d bytes (%v), Render gives %s with %d", paths[i], len(got), err, s.Name, len(s.Body))
		}
		if st, err := os.Stat(paths[i]); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, %v; want 0644 like every other output", paths[i], st.Mode().Perm(), err)
		}
	}

	// A failing template leaves its earlier output and no partial file.
	data.Comments = "bell\a"
	if _, err := r.WriteFiles(data, dir); err == nil || !strings.Contains(err.Error(), "U+0007, which XML cannot carry") {
		t.Fatalf("control character: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("partial file left: %s", e.Name())
		}
	}
	if len(entries) != len(sources) {
		t.Errorf("%d files in %s after a failed render, want the %d earlier ones", len(entries), dir, len(sources))
	}
}

// TestUserTemplatesAreHermetic: a user template cannot read the
// environment (or the network, the clock, random numbers): New refuses it,
// naming the file and the function.
func TestUserTemplatesAreHermetic(t *testing.T) {
	t.Setenv("GOMSI_SIGN_PASSWORD", "pw-hermetic-5c2d")
	dir := t.TempDir()
	for src, want := range map[string]string{
		`<x n="{{ env "GOMSI_SIGN_PASSWORD" }}"/>`:                     "function env is not available: templates cannot read the environment",
		`{{ range .Tree.Components }}{{ expandenv "$HOME" }}{{ end }}`: "function expandenv is not available",
		`{{ define "f" }}{{ getHostByName "x" }}{{ end }}`:             "templates cannot use the network",
		`{{ now }}{{ randAlphaNum 3 }}`:                                "function now is not available",
	} {
		os.WriteFile(filepath.Join(dir, "Product.wxs.tmpl"), []byte(src), 0o644)
		_, err := New(ToolsetDialects["wix3"], dir)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), filepath.Join(dir, "Product.wxs.tmpl")) {
			t.Errorf("%s: %v, want an error naming the file and %q", src, err, want)
		} else if strings.Contains(err.Error(), "pw-hermetic-5c2d") {
			t.Errorf("%s: the error holds the password", src)
		}
	}
}

// TestUserTemplateVariableEdges: a "$" or "!" written right before a value
// is refused at load (with the value it would make a variable), and a wixl
// template without the GomsiDollar define is refused when a value holds a
// "$", naming the template and the fix.
func TestUserTemplateVariableEdges(t *testing.T) {
	dir := t.TempDir()
	for _, src := range []string{`<x n="${{ .Product.Name }}"/>`, "<x>!{{ .Product.Name }}</x>"} {
		os.WriteFile(filepath.Join(dir, "Product.wxs.tmpl"), []byte(src), 0o644)
		if _, err := New(ToolsetDialects["wix3"], dir); err == nil || !strings.Contains(err.Error(), "right before {{ }}") {
			t.Errorf("%s: %v", src, err)
		}
	}
	os.WriteFile(filepath.Join(dir, "Product.wxs.tmpl"), []byte(`<x n="{{ print "$" .Product.Name }}" r="${{ "(raw)" | raw }}"/>`), 0o644)
	r, err := New(ToolsetDialects["wix3"], dir)
	if err != nil {
		t.Fatal(err)
	}
	data := testData(t, "wix3")
	data.Product.Name = "(env.HOME)"
	sources, err := r.Render(data)
	if err != nil || string(sources[1].Body) != `<x n="$$(env.HOME)" r="$(raw)"/>` {
		t.Errorf("rendered %q, %v", sources[1].Body, err)
	}
	if r, err = New(ToolsetDialects["wixl"], dir); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render(data); err == nil || !strings.Contains(err.Error(), `add the line <?define GomsiDollar = "$"?> after the XML declaration of Product.wxs.tmpl`) {
		t.Errorf("wixl without the define: %v", err)
	}
}
