// Package atomicfile writes files so that readers, and a crash, see either
// the old content or the new, never half a file.
//
// Create opens a temporary file beside the output; Commit gives it the
// output's name, Abort removes it. WriteFile and Stream do both for content
// at hand or written by a function.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File is an output being written under a temporary name beside its final
// one ("." + the final name + TempMark + a random part), so that a rename
// on one file system replaces the final name whole.
type File struct {
	*os.File
	path string
	perm os.FileMode
	done bool
}

// Create opens a temporary file beside path, in a folder that must exist.
// Commit gives it perm and the name path; Abort removes it.
func Create(path string, perm os.FileMode) (*File, error) {
	f, err := create(path, perm)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return f, nil
}

func create(path string, perm os.FileMode) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+TempMark+"*")
	if err != nil {
		return nil, err
	}
	return &File{File: f, path: path, perm: perm}, nil
}

// Path returns the name the file gets on Commit.
func (f *File) Path() string { return f.path }

// Commit gives the file its permissions, flushes it to disk, closes it,
// renames it over its path and flushes the folder, so that the new name
// survives a crash. On error the temporary file is removed.
func (f *File) Commit() error { return f.commit(true) }

// commit is Commit; without durable it skips the two flushes, for outputs
// every run rebuilds, where a crash costs a rebuild, never a half file.
func (f *File) commit(durable bool) error {
	if f.done {
		return fmt.Errorf("write %s: already committed or aborted", f.path)
	}
	err := f.Chmod(f.perm)
	if err == nil && durable {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.Name())
		f.done = true
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	f.done = true
	if durable {
		// Best effort: not every system (Windows) can open a folder to sync it.
		if d, err := os.Open(filepath.Dir(f.path)); err == nil {
			d.Sync()
			d.Close()
		}
	}
	return nil
}

// Abort closes and removes the temporary file, leaving path as it was.
// After Commit it does nothing, so that it can be deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

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
func writeFile(path string, perm os.FileMode, durable bool, content func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := create(path, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer f.Abort()
	if err := content(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.commit(durable)
}
