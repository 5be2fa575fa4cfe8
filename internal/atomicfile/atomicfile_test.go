package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "a.txt")
	if err := WriteFile(path, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "two" {
		t.Errorf("read %q, %v", got, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only a.txt", len(entries))
	}
}

func TestWriteFileFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "is-a-dir")
	os.MkdirAll(filepath.Join(target, "child"), 0o755)
	err := WriteFile(target, []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), "write "+target) {
		t.Fatalf("rename over a non-empty folder: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("a failed write left %d entries in %s", len(entries), dir)
	}
}

// TestStream: what the writer writes replaces the file whole; a writer that
// fails leaves the old content and no temporary file.
func TestStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "s.wxs")
	write := func(parts ...string) func(io.Writer) error {
		return func(w io.Writer) error {
			for _, p := range parts {
				if p == "FAIL" {
					return errors.New("template failed")
				}
				io.WriteString(w, p)
			}
			return nil
		}
	}
	if err := Stream(path, 0o644, write("<Wix>", "</Wix>")); err != nil {
		t.Fatal(err)
	}
	err := Stream(path, 0o644, write("<Wi", "FAIL"))
	if err == nil || !strings.Contains(err.Error(), "write "+path+": template failed") {
		t.Errorf("failing writer: %v", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "<Wix></Wix>" {
		t.Errorf("content %q, want the first write's", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only s.wxs", len(entries))
	}
}
