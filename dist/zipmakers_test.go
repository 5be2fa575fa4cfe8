package dist

import (
	"archive/zip"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// makeGoTree writes a small Go root under parent/go, with an empty folder
// and a nested one, as a user would before zipping it themselves.
func makeGoTree(t *testing.T, parent string) {
	t.Helper()
	for name, body := range map[string]string{
		"go/VERSION":            "go1.26.8\ntime 2026-08-28T16:20:06Z\n",
		"go/README.md":          "# Go\n",
		"go/src/fmt/print.go":   "package fmt\n",
		"go/src/cmd/go/main.go": "package main\n",
		"go/lib/time/zone.zip":  strings.Repeat("z", 1000),
	} {
		p := filepath.Join(parent, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(parent, "go", "pkg", "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// goZip zips parent/go with archive/zip, with or without folder entries.
func goZip(t *testing.T, parent, out string, folders bool) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(filepath.Join(parent, "go"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(parent, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if folders {
				_, err = zw.Create(rel + "/")
			}
			return err
		}
		w, err := zw.Create(rel)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		w.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenZipFromZipTools: a Go folder zipped by the common tools opens.
// Info-ZIP's zip -r, Python's zipfile, 7-Zip and archive/zip with folders
// all write folder entries (go/, go/src/, ...); go/ itself was refused as
// "a special file" before.
func TestOpenZipFromZipTools(t *testing.T) {
	makers := []struct {
		name string
		make func(t *testing.T, parent, out string)
	}{
		{"Info-ZIP zip -r", func(t *testing.T, parent, out string) {
			run(t, parent, testtool.Require(t, "zip"), "-q", "-r", out, "go")
		}},
		{"Python zipfile", func(t *testing.T, parent, out string) {
			script := `import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk("go"):
        z.write(root)
        for f in files:
            z.write(os.path.join(root, f))
`
			run(t, parent, testtool.Require(t, "python3"), "-c", script, out)
		}},
		{"7-Zip", func(t *testing.T, parent, out string) {
			run(t, parent, testtool.Require(t, "7zz"), "a", "-tzip", "-bd", "-bso0", out, "go")
		}},
		{"archive/zip with folders", func(t *testing.T, parent, out string) { goZip(t, parent, out, true) }},
		{"archive/zip without folders", func(t *testing.T, parent, out string) { goZip(t, parent, out, false) }},
	}
	for _, m := range makers {
		t.Run(m.name, func(t *testing.T) {
			parent := t.TempDir()
			makeGoTree(t, parent)
			out := filepath.Join(t.TempDir(), "go1.26.8.windows-amd64.zip")
			m.make(t, parent, out)
			if m.name != "archive/zip without folders" && !hasEntry(t, out, "go/") {
				t.Fatalf("%s wrote no go/ folder entry: the test would not test folder entries", m.name)
			}
			work := t.TempDir()
			d, err := Open(t.Context(), out, Options{WorkDir: work, Arch: "amd64"})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"VERSION", "README.md", "src/fmt/print.go", "src/cmd/go/main.go", "lib/time/zone.zip"} {
				if _, err := os.Stat(filepath.Join(d.Root, filepath.FromSlash(f))); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
			assertOnly(t, work, "go1.26.8.windows-amd64", "go1.26.8.windows-amd64.tree.json")
		})
	}
}

// TestOpenZipFolderEntriesStillChecked: accepting folder entries does not
// let a folder entry escape the checks on names.
func TestOpenZipFolderEntriesStillChecked(t *testing.T) {
	for _, tc := range []struct{ entry, want string }{
		{"go/../", `path element ".."`},
		{"go/CON/", "reserved device name"},
		{"other/", "is outside the go/ folder"},
		{"go/README.md/", `"README.md" is a file and also a folder`},
	} {
		work := t.TempDir()
		_, err := Open(t.Context(), writeZip(t, append(goodFiles(), zipFile{name: tc.entry, mode: os.ModeDir | 0o755})), Options{WorkDir: work})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("folder entry %q: %v, want %q", tc.entry, err, tc.want)
		}
		assertOnly(t, work)
	}
}

func run(t *testing.T, dir, prog string, args ...string) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, out)
	}
}

func hasEntry(t *testing.T, zipPath, name string) bool {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			return true
		}
	}
	return false
}
