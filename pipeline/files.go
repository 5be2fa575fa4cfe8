package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/product"
)

// writeChecksum writes <file>.sha256 in sha256sum's format and returns the hash.
func writeChecksum(file string) (string, error) {
	sum, _, err := product.HashFile(file)
	if err != nil {
		return "", fmt.Errorf("checksum: %w", err)
	}
	if err := atomicfile.WriteFile(product.ChecksumName(file), []byte(product.ChecksumLine(sum, filepath.Base(file))), 0o644); err != nil {
		return "", fmt.Errorf("checksum: %w", err)
	}
	return sum, nil
}

func joinList(l []string) string { return strings.Join(l, ",") }

// copyTree copies a tree of regular files and folders to dst, which appears
// only when complete; cancelling ctx stops it and removes the partial copy.
func copyTree(ctx context.Context, src, dst string) error {
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-copy") // a temporary name the next run sweeps
	os.RemoveAll(tmp)
	err := os.CopyFS(tmp, ctxFS{ctx, os.DirFS(src)})
	if err == nil {
		if err = os.RemoveAll(dst); err == nil {
			err = os.Rename(tmp, dst)
		}
	}
	if err != nil {
		os.RemoveAll(tmp)
	}
	return err
}

// ctxFS fails every Open once ctx is done, so that os.CopyFS stops early.
type ctxFS struct {
	ctx context.Context
	fs.FS
}

func (c ctxFS) Open(name string) (fs.File, error) {
	if err := c.ctx.Err(); err != nil {
		return nil, err
	}
	return c.FS.Open(name)
}
