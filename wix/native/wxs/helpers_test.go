package wxs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// render writes a tree compactly, for comparisons: Name[a=v,...]"text"{children}.
func render(e *Element) string {
	var b strings.Builder
	var walk func(e *Element)
	walk = func(e *Element) {
		b.WriteString(e.Name)
		if len(e.Attrs) > 0 {
			b.WriteString("[")
			for i, a := range e.Attrs {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, "%s=%s", a.Name, a.Value)
			}
			b.WriteString("]")
		}
		if e.Text != "" {
			fmt.Fprintf(&b, "%q", e.Text)
		}
		if len(e.Children) > 0 {
			b.WriteString("{")
			for i, c := range e.Children {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(c)
			}
			b.WriteString("}")
		}
	}
	walk(e)
	return b.String()
}

// warnings collects what Options.Warn receives, as "pos: message".
type warnings []string

func (w *warnings) warn(pos Pos, msg string) { *w = append(*w, pos.String()+": "+msg) }

// writeFiles writes files (name: content) under a new temporary folder and
// returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// parseFile parses the file at path as native.go does.
func parseFile(t *testing.T, path string, opts Options) (*Element, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(path, f, opts)
}

const wixOpen = `<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">`
