package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateCommit: the output appears, whole and with its permissions,
// only at Commit; a deferred Abort after it changes nothing.
func TestCreateCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.msi")
	f, err := Create(path, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if f.Path() != path {
		t.Errorf("Path() = %s, want %s", f.Path(), path)
	}
	if !IsTemporary(filepath.Base(f.Name())) {
		t.Errorf("temporary name %s is not one Sweep removes", f.Name())
	}
	if _, err := f.WriteString("content"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("before Commit: stat %s: %v, want not exist", path, err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "content" {
		t.Fatalf("after Commit: %q, %v", got, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	if names := names(t, filepath.Dir(path)); len(names) != 1 {
		t.Errorf("folder holds %q, want only out.msi", names)
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
}

// TestAbort: the old content stays and the temporary file goes.
func TestAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new, half written")
	f.Abort()
	f.Abort() // twice is fine
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("after Abort: %q, want old", got)
	}
	if names := names(t, dir); len(names) != 1 {
		t.Errorf("folder holds %q, want only out.txt", names)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
}

// TestCommitFailureLeavesNothing: a rename that fails (a folder is in the
// way) is an error naming the output, and removes the temporary file.
func TestCommitFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "busy")
	if err := os.MkdirAll(filepath.Join(path, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	err = f.Commit()
	if err == nil || !strings.Contains(err.Error(), "write "+path) {
		t.Fatalf("Commit over a folder: %v, want an error naming %s", err, path)
	}
	if names := names(t, dir); len(names) != 1 {
		t.Errorf("folder holds %q, want only busy", names)
	}
}

// TestCreateErrorNamesPath: a missing folder is an error naming the
// output; Create makes no folders (WriteFile and Stream do).
func TestCreateErrorNamesPath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing", "out.txt")
	if _, err := Create(path, 0o644); err == nil || !strings.Contains(err.Error(), "create "+path) {
		t.Errorf("Create in a missing folder: %v, want an error naming %s", err, path)
	}
	if names := names(t, dir); len(names) != 0 {
		t.Errorf("Create made %q", names)
	}
}
