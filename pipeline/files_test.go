package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
)

// TestCopyTree: the copy appears whole under its name; a cancelled one
// (Ctrl-C while sign.binaries copies a folder source) leaves nothing.
func TestCopyTree(t *testing.T) {
	src := msitest.SmallTree(t, "go1.26.8")
	dst := filepath.Join(t.TempDir(), "copy")
	if err := copyTree(t.Context(), src, dst); err != nil {
		t.Fatal(err)
	}
	msitest.AssertSameFiles(t, dst, src)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	again := filepath.Join(t.TempDir(), "cancelled")
	if err := copyTree(ctx, src, again); !errors.Is(err, context.Canceled) {
		t.Errorf("copyTree with a cancelled context = %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(again))
	if len(entries) != 0 {
		t.Errorf("a cancelled copy left %v", entries)
	}
}
