package fetch

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/atomicfile"
)

// TestWriteFileAtomic: the cache's small files are written with atomicfile,
// whose temporary names are the ones atomicfile.SweepAt knows.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "latest")
	for _, content := range []string{"first", "second, longer"} {
		if err := atomicfile.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := string(readFile(t, p)); got != content {
			t.Errorf("content %q, want %q", got, content)
		}
	}
	if files := cacheFiles(t, dir); !slices.Equal(files, []string{"sub/latest"}) {
		t.Errorf("files %q, want only sub/latest", files)
	}
	// A folder in the way: an error, and no temporary file left behind.
	if err := os.MkdirAll(filepath.Join(dir, "busy", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "busy"), []byte("data"), 0o644); err == nil {
		t.Error("replacing a folder succeeded")
	}
	assertNoTemp(t, dir)
}

func TestPlaceFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "go.zip")
	if err := os.MkdirAll(filepath.Join(final, "in-the-way"), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := createTemp(final)
	if err != nil {
		t.Fatal(err)
	}
	tmp.WriteString("zip")
	f := &Fetcher{opts: Options{Log: &strings.Builder{}}}
	if err := f.place(tmp, "00"); err == nil || !strings.Contains(err.Error(), "rename") {
		t.Errorf("error = %v, want a rename error", err)
	}
	assertNoTemp(t, dir)
}

func TestDefaultCacheDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the XDG layout is Linux's")
	}
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg-cache")
	t.Setenv("HOME", "/home/builder")
	dir, err := DefaultCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if dir != "/tmp/xdg-cache/gomsi" {
		t.Errorf("DefaultCacheDir() = %s", dir)
	}
}

// TestSweepCache: temporary files left in any folder of the cache by killed
// processes go once unwritten for an hour; younger ones (maybe another
// process's download) and real files stay.
func TestSweepCache(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	files := map[string]time.Time{
		"dl/ab12/.go1.26.8.windows-amd64.zip.tmp-1":                            old,
		"dl/.index-0123456789abcdef.json.tmp-2":                                old,
		"mod/golang.org/toolchain/@v/.v0.0.1-go1.26.8.windows-amd64.zip.tmp-3": old,
		"sumdb/sum.golang.org/.latest.tmp-4":                                   old,
		"dl/ab12/.go1.26.8.windows-amd64.zip.tmp-5":                            time.Now(),
		"dl/ab12/go1.26.8.windows-amd64.zip":                                   old,
		"dl/ab12/.go1.26.8.windows-amd64.zip.lock":                             old,
	}
	for name, mtime := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	SweepCache(dir)
	var left []string
	for _, f := range cacheFiles(t, dir) {
		if strings.Contains(f, ".tmp-") || strings.HasSuffix(f, ".zip") || strings.HasSuffix(f, ".lock") {
			left = append(left, f)
		}
	}
	want := []string{"dl/ab12/.go1.26.8.windows-amd64.zip.lock", "dl/ab12/.go1.26.8.windows-amd64.zip.tmp-5", "dl/ab12/go1.26.8.windows-amd64.zip"}
	if !slices.Equal(left, want) {
		t.Errorf("left %q, want %q", left, want)
	}
}
