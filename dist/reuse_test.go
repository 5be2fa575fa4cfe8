package dist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReuseTree: a second run of the same zip reuses the tree it finds
// unchanged, and extracts again whenever the tree, the zip or the stamp
// differ from what the first run left.
func TestReuseTree(t *testing.T) {
	printGo := filepath.Join("src", "fmt", "print.go")
	tests := []struct {
		name   string
		change func(t *testing.T, root string)
		reused bool
	}{
		{"unchanged", func(*testing.T, string) {}, true},
		{"file edited", func(t *testing.T, root string) { appendTo(t, filepath.Join(root, printGo), "// evil") }, false},
		{"file removed", func(t *testing.T, root string) { mustDo(t, os.Remove(filepath.Join(root, printGo))) }, false},
		{"file added", func(t *testing.T, root string) {
			mustDo(t, os.WriteFile(filepath.Join(root, "evil.txt"), nil, 0o644))
		}, false},
		{"file touched", func(t *testing.T, root string) {
			later := time.Now().Add(time.Hour)
			mustDo(t, os.Chtimes(filepath.Join(root, printGo), later, later))
		}, false},
		{"mode changed", func(t *testing.T, root string) { mustDo(t, os.Chmod(filepath.Join(root, printGo), 0o755)) }, false},
		{"stamp missing (a run killed before writing it)", func(t *testing.T, root string) { mustDo(t, os.Remove(stampPath(root))) }, false},
		{"stamp damaged", func(t *testing.T, root string) { mustDo(t, os.WriteFile(stampPath(root), []byte("{"), 0o644)) }, false},
		{"stamp of another zip", func(t *testing.T, root string) {
			b, err := os.ReadFile(stampPath(root))
			mustDo(t, err)
			i := strings.Index(string(b), `"zip_sha256":"`) + len(`"zip_sha256":"`)
			b[i] ^= 1
			mustDo(t, os.WriteFile(stampPath(root), b, 0o644))
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			zipPath := writeZip(t, goodFiles())
			opts := Options{WorkDir: work, Arch: "amd64"}
			first, err := Open(t.Context(), zipPath, opts)
			if err != nil {
				t.Fatal(err)
			}
			if first.Reused {
				t.Fatal("the first open of a zip says it reused a tree")
			}
			tt.change(t, first.Root)
			second, err := Open(t.Context(), zipPath, opts)
			if err != nil {
				t.Fatal(err)
			}
			if second.Reused != tt.reused || second.Root != first.Root {
				t.Fatalf("second open: Reused = %v at %s, want %v at %s", second.Reused, second.Root, tt.reused, first.Root)
			}
			got, err := os.ReadFile(filepath.Join(second.Root, printGo))
			if err != nil || string(got) != "package fmt" {
				t.Errorf("print.go after the second open = %q, %v", got, err)
			}
			if _, err := os.Stat(filepath.Join(second.Root, "evil.txt")); err == nil {
				t.Error("a file added to the tree survived the second open")
			}
			// The third open finds the tree the second one left.
			third, err := Open(t.Context(), zipPath, opts)
			if err != nil || !third.Reused {
				t.Errorf("third open: Reused = %v, %v; want the tree reused", third != nil && third.Reused, err)
			}
			assertOnly(t, work, "go1.26.8.windows-amd64", "go1.26.8.windows-amd64.tree.json")
		})
	}
}

// TestReuseTreeOfAnotherZip: a zip of the same version with other content
// (a rebuilt or tampered release) is extracted, not served the old tree.
func TestReuseTreeOfAnotherZip(t *testing.T) {
	work := t.TempDir()
	opts := Options{WorkDir: work, Arch: "amd64"}
	if _, err := Open(t.Context(), writeZip(t, goodFiles()), opts); err != nil {
		t.Fatal(err)
	}
	other := goodFiles()
	other[3].body = "package fmt // another build"
	d, err := Open(t.Context(), writeZip(t, other), opts)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(d.Root, "src", "fmt", "print.go"))
	if d.Reused || string(got) != other[3].body {
		t.Errorf("Reused = %v, print.go = %q: the tree of the first zip was served for the second", d.Reused, got)
	}
}

// TestReusedTreeStillMeetsTheChecks: the checks made on the zip (limits,
// version, arch) apply to a run that reuses its tree as to the first.
func TestReusedTreeStillMeetsTheChecks(t *testing.T) {
	work := t.TempDir()
	zipPath := writeZip(t, goodFiles())
	if _, err := Open(t.Context(), zipPath, Options{WorkDir: work, Arch: "amd64"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"limit", Options{WorkDir: work, Arch: "amd64", Limits: ExtractLimits{File: 5}}, "GOMSI_MAX_EXTRACT_FILE"},
		{"version", Options{WorkDir: work, Arch: "amd64", Version: "1.25.1"}, "1.25.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(t.Context(), zipPath, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open = %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	mustDo(t, err)
	_, err = f.WriteString(s)
	mustDo(t, err)
	mustDo(t, f.Close())
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
