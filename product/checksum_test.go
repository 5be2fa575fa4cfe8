package product

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHashFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x")
	if err := os.WriteFile(p, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, size, err := HashFile(p)
	if err != nil || size != 3 || sum != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashFile = %s, %d, %v", sum, size, err)
	}
	if _, _, err := HashFile(p + ".missing"); err == nil {
		t.Error("a missing file hashed")
	}
}
