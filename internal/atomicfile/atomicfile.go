// Package atomicfile writes files so that readers, and a crash, see either
// the old content or the new, never half a file.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes data to a temporary file beside path, fsyncs it, renames
// it over path and fsyncs the folder, so that the new name survives a crash.
// The folder is created if needed. On error nothing is left behind.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return writeFile(path, perm, true, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Stream is WriteFile for what content writes, so that it never sits in
// memory whole, and without the fsyncs: for outputs every run rebuilds,
// where a crash costs a rebuild, never a half file under path.
func Stream(path string, perm os.FileMode, content func(io.Writer) error) error {
	return writeFile(path, perm, false, content)
}

// writeFile writes what content writes to a temporary file beside path and
// renames it over path; durable adds the fsyncs of WriteFile.
func writeFile(path string, perm os.FileMode, durable bool, content func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := content(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if durable {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if durable {
		if d, err := os.Open(dir); err == nil {
			d.Sync()
			d.Close()
		}
	}
	return nil
}
