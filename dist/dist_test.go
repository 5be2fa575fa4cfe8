package dist

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// zipFile describes one member of a test zip.
type zipFile struct {
	name string
	body string
	mode os.FileMode
}

func writeZip(t *testing.T, files []zipFile) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		mode := f.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "go1.26.8.windows-amd64.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func goodFiles() []zipFile {
	return []zipFile{
		{name: "go/VERSION", body: "go1.26.8\ntime 2026-08-28T16:20:06Z\n"},
		{name: "go/bin/", mode: os.ModeDir | 0o755},
		{name: "go/README.md", body: "# Go"},
		{name: "go/src/fmt/print.go", body: "package fmt"},
		{name: "go/src/fmt/empty.txt", body: ""},
	}
}

func TestOpenZip(t *testing.T) {
	work := t.TempDir()
	d, err := Open(t.Context(), writeZip(t, goodFiles()), Options{WorkDir: work, Arch: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Version.String() != "go1.26.8" || d.Arch != "amd64" {
		t.Errorf("Open = %+v", d)
	}
	if want := filepath.Join(work, "go1.26.8.windows-amd64"); d.Root != want {
		t.Errorf("Root = %s, want %s", d.Root, want)
	}
	got, err := os.ReadFile(filepath.Join(d.Root, "src", "fmt", "print.go"))
	if err != nil || string(got) != "package fmt" {
		t.Errorf("extracted print.go = %q, %v", got, err)
	}
	assertOnly(t, work, "go1.26.8.windows-amd64", "go1.26.8.windows-amd64.tree.json")

	// Opening again replaces the tree rather than failing or merging.
	os.WriteFile(filepath.Join(d.Root, "stale.txt"), nil, 0o644)
	if _, err := Open(t.Context(), writeZip(t, goodFiles()), Options{WorkDir: work, Arch: "amd64"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d.Root, "stale.txt")); err == nil {
		t.Error("a second extraction kept a file of the first")
	}
}

func TestOpenZipRejects(t *testing.T) {
	tests := []struct {
		name  string
		extra zipFile
		want  string
	}{
		{"absolute", zipFile{name: "/etc/passwd"}, `zip entry "/etc/passwd": unsafe name: "/etc/passwd" is an absolute path`},
		{"dotdot", zipFile{name: "go/../evil.exe"}, `zip entry "go/../evil.exe": unsafe name: "../evil.exe": path element ".."`},
		{"outside", zipFile{name: "other/file"}, `zip entry "other/file" is outside the go/ folder`},
		{"symlink", zipFile{name: "go/bin/link", body: "/etc/passwd", mode: os.ModeSymlink | 0o777}, `zip entry "go/bin/link" is a symbolic link`},
		{"case", zipFile{name: "go/src/FMT/x.go"}, `zip entry "go/src/FMT/x.go": unsafe name: "src/fmt" and "src/FMT" differ only by case and collide on Windows`},
		{"case file", zipFile{name: "go/readme.MD"}, `"README.md" and "readme.MD" differ only by case`},
		{"duplicate", zipFile{name: "go/README.md"}, `"README.md" appears twice`},
		{"reserved", zipFile{name: "go/src/aux.go"}, `zip entry "go/src/aux.go": unsafe name: "src/aux.go": "aux.go" is a reserved device name on Windows`},
		{"trailing dot", zipFile{name: "go/doc/notes."}, `"notes." ends with a dot or space`},
		{"trailing space", zipFile{name: "go/doc/notes "}, `"notes " ends with a dot or space`},
		{"colon", zipFile{name: "go/doc/a:b"}, `holds the character ':'`},
		{"star", zipFile{name: "go/doc/a*b"}, `holds the character '*'`},
		{"backslash", zipFile{name: `go/doc\x`}, `contains a backslash`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			zipPath := writeZip(t, append(goodFiles(), tt.extra))
			_, err := Open(t.Context(), zipPath, Options{WorkDir: work, Arch: "amd64"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open = %v\nwant an error containing %s", err, tt.want)
			}
			if !strings.Contains(err.Error(), zipPath) {
				t.Errorf("error does not name the zip %s: %v", zipPath, err)
			}
			assertOnly(t, work)
		})
	}
}

func TestOpenZipNotADistribution(t *testing.T) {
	work := t.TempDir()
	_, err := Open(t.Context(), writeZip(t, []zipFile{{name: "go/README.md"}}), Options{WorkDir: work})
	if err == nil || !strings.Contains(err.Error(), "no go/VERSION file: not a Go distribution zip") {
		t.Errorf("zip without VERSION: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "broken.zip")
	os.WriteFile(bad, []byte("PK\x03\x04 truncated"), 0o644)
	if _, err := Open(t.Context(), bad, Options{WorkDir: work}); err == nil || !strings.Contains(err.Error(), "is it a complete download?") {
		t.Errorf("truncated zip: %v", err)
	}
	_, err = Open(t.Context(), writeZip(t, []zipFile{{name: "go/VERSION", body: "devel go1.27-abcdef"}}), Options{WorkDir: work})
	if err == nil || !strings.Contains(err.Error(), `parse Go version "devel go1.27-abcdef"`) {
		t.Errorf("devel VERSION: %v", err)
	}
	if _, err := Open(t.Context(), filepath.Join(t.TempDir(), "missing.zip"), Options{WorkDir: work}); err == nil || !strings.Contains(err.Error(), "set GOMSI_SOURCE") {
		t.Errorf("missing source: %v", err)
	}
	assertOnly(t, work)
}

func TestOpenDir(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "go")
	os.MkdirAll(filepath.Join(root, "bin"), 0o755)
	os.WriteFile(filepath.Join(root, "VERSION"), []byte("go1.25.5\n"), 0o644)
	for _, src := range []string{root, parent} {
		d, err := Open(t.Context(), src, Options{Arch: "arm64"})
		if err != nil {
			t.Fatalf("Open(%s): %v", src, err)
		}
		if d.Root != root || d.Version.String() != "go1.25.5" || d.Arch != "arm64" {
			t.Errorf("Open(%s) = %+v", src, d)
		}
	}
	os.WriteFile(filepath.Join(parent, "other"), nil, 0o644)
	if _, err := Open(t.Context(), parent, Options{}); err == nil || !strings.Contains(err.Error(), "no VERSION file") {
		t.Errorf("folder with go/ and more: %v", err)
	}
	os.WriteFile(filepath.Join(root, "bin", "go.exe"), testtool.MinimalPE(0x8664), 0o644)
	if d, err := Open(t.Context(), root, Options{}); err != nil || d.Arch != "amd64" {
		t.Errorf("arch from go.exe: %+v, %v", d, err)
	}
	if _, err := Open(t.Context(), root, Options{Arch: "arm64"}); err == nil || !strings.Contains(err.Error(), "its go.exe is for windows/amd64 but arch arm64 was asked for: set GOMSI_ARCH=amd64") {
		t.Errorf("arch mismatch: %v", err)
	}
	os.WriteFile(filepath.Join(root, "bin", "go.exe"), []byte("#!/bin/sh"), 0o644)
	if _, err := Open(t.Context(), root, Options{}); err == nil || !strings.Contains(err.Error(), "must be a Windows executable") {
		t.Errorf("go.exe not a PE: %v", err)
	}
	os.Remove(filepath.Join(root, "bin", "go.exe"))
	os.Symlink("/etc/passwd", filepath.Join(root, "bin", "link"))
	if _, err := Open(t.Context(), root, Options{}); err == nil || !strings.Contains(err.Error(), `"bin/link" is a symbolic link`) {
		t.Errorf("symlink in a tree: %v", err)
	}
	os.Remove(filepath.Join(root, "bin", "link"))
	os.WriteFile(filepath.Join(root, "bin", "Go.exe"), nil, 0o644)
	os.WriteFile(filepath.Join(root, "bin", "go.EXE"), nil, 0o644)
	if _, err := Open(t.Context(), root, Options{}); err == nil || !strings.Contains(err.Error(), "differ only by case") {
		t.Errorf("case collision in a tree: %v", err)
	}
}

// assertOnly fails unless dir holds exactly the named entries: a failed
// extraction must leave nothing behind.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

// TestOpenZipWrongArch: the arch is read from the zip's go.exe before any
// file is extracted, and the error names the zip the user gave, not a
// temporary folder.
func TestOpenZipWrongArch(t *testing.T) {
	for _, tc := range []struct {
		exe  []byte
		want string
	}{
		{testtool.MinimalPE(0x8664), "its go.exe is for windows/amd64 but arch arm64 was asked for: set GOMSI_ARCH=amd64 or use the windows-arm64 distribution"},
		{testtool.MinimalPE(0x14c), "its go.exe is for windows/386 but arch arm64 was asked for"},
		{[]byte("#!/bin/sh\necho not windows\n"), "read go/bin/go.exe: not a Windows executable (no PE header)"},
		{testtool.MinimalPE(0x1c0), "read go/bin/go.exe: unsupported machine type 0x1c0"},
	} {
		work := t.TempDir()
		zipPath := writeZip(t, append(goodFiles(), zipFile{name: "go/bin/go.exe", body: string(tc.exe)}))
		_, err := Open(t.Context(), zipPath, Options{WorkDir: work, Arch: "arm64"})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "open Go distribution "+zipPath+": ") {
			t.Errorf("Open = %v\nwant %q, naming %s", err, tc.want, zipPath)
		}
		assertOnly(t, work) // refused before extraction: not even a temporary folder was made
	}
	d, err := Open(t.Context(), writeZip(t, append(goodFiles(), zipFile{name: "go/bin/go.exe", body: string(testtool.MinimalPE(0xaa64))})), Options{WorkDir: t.TempDir(), Arch: "arm64"})
	if err != nil || d.Arch != "arm64" {
		t.Errorf("arm64 zip for arm64: %+v, %v", d, err)
	}
}

func TestZipArchOfTheFixture(t *testing.T) {
	zr, err := zip.OpenReader(testtool.Fixture(t, "go1.26.8.windows-amd64.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if arch, err := zipArch(&zr.Reader, "go/"); err != nil || arch != "amd64" {
		t.Errorf("zipArch(fixture) = %q, %v; want amd64", arch, err)
	}
}

// TestOpenChecksVersion: a local source must be the release GOMSI_GO_VERSION
// names; the default (latest) accepts any.
func TestOpenChecksVersion(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "go")
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(root, "VERSION"), []byte("go1.26.8\n"), 0o644)
	zipPath := writeZip(t, goodFiles())
	for _, tc := range []struct{ version, want string }{
		{"", ""},
		{"latest", ""},
		{"1.26.8", ""},
		{"go1.26.8", ""},
		{"1.26", ""},
		{"1.25.1", "it holds go1.26.8, but GOMSI_GO_VERSION (go_version) is 1.25.1: set GOMSI_GO_VERSION=1.26.8 (or latest), or point GOMSI_SOURCE at a 1.25.1 distribution"},
		{"1.25", "it holds go1.26.8, but GOMSI_GO_VERSION (go_version) is 1.25:"},
		{"1.26.7", "is 1.26.7"},
		{"1.27rc1", "is 1.27rc1"},
		{"1.26.8,1.25.5", "it is one release (go1.26.8) but GOMSI_GO_VERSION lists 2 (1.26.8,1.25.5): build one version per local source"},
		{"1.x", `parse Go version "1.x"`},
	} {
		for _, src := range []string{root, zipPath} {
			work := t.TempDir()
			_, err := Open(t.Context(), src, Options{WorkDir: work, Arch: "amd64", Version: tc.version})
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Open(%s, version %q): %v", src, tc.version, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), src)):
				t.Errorf("Open(%s, version %q) = %v\nwant %q, naming the source", src, tc.version, err, tc.want)
			}
			if tc.want != "" {
				assertOnly(t, work)
			}
		}
	}
}

// TestOpenZipCancelled: Ctrl-C during the extraction of the real fixture
// (mage cancels the context) stops it and removes the partial tree, which
// was 254 MB when the extraction ignored the context.
func TestOpenZipCancelled(t *testing.T) {
	zipPath := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	work := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { // cancel once the extraction has written some files
		for ctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(work, ".go1.26.8.windows-amd64"+atomicfile.TempMark+"*", "src", "*")); len(m) > 3 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	_, err := Open(ctx, zipPath, Options{WorkDir: work, Arch: "amd64"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Open while cancelled = %v, want context.Canceled", err)
	}
	assertOnly(t, work)
	if _, err := Open(t.Context(), writeZip(t, goodFiles()), Options{WorkDir: work, Arch: "amd64"}); err != nil {
		t.Errorf("Open after a cancelled one: %v", err)
	}
}

// TestStaleTreesAreRemoved: a tree left by a killed process (kill -9, no
// chance to clean up) goes on the next extraction once it is an hour old;
// a younger one may be another process's and stays.
func TestStaleTreesAreRemoved(t *testing.T) {
	work := t.TempDir()
	stale := filepath.Join(work, ".go1.26.7.windows-amd64"+atomicfile.TempMark+"123")
	young := filepath.Join(work, ".go1.26.8.windows-386"+atomicfile.TempMark+"456")
	for _, d := range []string{stale, young} {
		os.MkdirAll(filepath.Join(d, "src", "fmt"), 0o755)
		os.WriteFile(filepath.Join(d, "src", "fmt", "print.go"), []byte("package fmt"), 0o644)
	}
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)
	if _, err := Open(t.Context(), writeZip(t, goodFiles()), Options{WorkDir: work, Arch: "amd64"}); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, work, ".go1.26.8.windows-386"+atomicfile.TempMark+"456", "go1.26.8.windows-amd64", "go1.26.8.windows-amd64.tree.json")
}
