package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCopyNew(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	if err := os.WriteFile(src, []byte("payload"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CopyNew(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(dst); err != nil || string(b) != "payload" {
		t.Fatalf("copy = %q, %v", b, err)
	}
	// An existing destination is never overwritten.
	if err := os.WriteFile(src, []byte("other"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CopyNew(src, dst); err == nil {
		t.Error("CopyNew overwrote an existing file")
	}
	if b, _ := os.ReadFile(dst); string(b) != "payload" {
		t.Errorf("the existing file became %q", b)
	}
	if err := CopyNew(filepath.Join(dir, "missing"), filepath.Join(dir, "new")); err == nil {
		t.Error("CopyNew of a missing source succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Error("a failed copy left its destination")
	}
}
