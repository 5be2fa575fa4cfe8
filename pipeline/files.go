package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomsi/gomsi/internal/atomicfile"
)

// writeChecksum writes <file>.sha256 in sha256sum's format and returns the hash.
func writeChecksum(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("checksum: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("checksum %s: %w", file, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if err := atomicfile.WriteFile(file+".sha256", []byte(sum+"  "+filepath.Base(file)+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("checksum: %w", err)
	}
	return sum, nil
}

func joinList(l []string) string { return strings.Join(l, ",") }

// copyTree copies a tree of regular files and folders to dst, which appears
// only when complete.
func copyTree(src, dst string) error {
	tmp := dst + ".tmp-copy"
	os.RemoveAll(tmp)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(tmp, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
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
