package sign

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// replacement is a temporary file beside a target that replaces the target
// only on commit. relic's atomicfile neither fsyncs nor keeps the mode, and
// deletes the target before the rename.
type replacement struct {
	*os.File
	target string
	done   bool
}

// newReplacement creates the temporary file in target's directory (so the
// rename stays on one file system) with target's permission bits.
func newReplacement(target string, mode os.FileMode) (*replacement, error) {
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".sign-*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(mode.Perm()); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &replacement{File: f, target: target}, nil
}

// commit flushes the file to disk and renames it over the target.
func (r *replacement) commit() error {
	if err := r.Sync(); err != nil {
		return err
	}
	if err := r.Close(); err != nil {
		return err
	}
	if err := os.Rename(r.Name(), r.target); err != nil {
		return err
	}
	r.done = true
	// Make the rename itself durable; not every system can sync a directory.
	if d, err := os.Open(filepath.Dir(r.target)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// discard removes the temporary file unless it was committed; safe to defer.
func (r *replacement) discard() {
	if r.done {
		return
	}
	r.Close()
	os.Remove(r.Name())
}

// cachedReaderAt serves small reads from a large block read once. comdoc
// reads one 512-byte sector per call; this makes hashing a large MSI about
// five times faster. Not safe for concurrent use.
type cachedReaderAt struct {
	r   io.ReaderAt
	buf []byte
	off int64 // file offset of buf[0]
	n   int   // valid bytes in buf
}

func newCachedReaderAt(r io.ReaderAt) *cachedReaderAt {
	return &cachedReaderAt{r: r, buf: make([]byte, 1<<20)}
}

func (c *cachedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if len(p) > len(c.buf)/2 {
		return c.r.ReadAt(p, off)
	}
	if off < c.off || off+int64(len(p)) > c.off+int64(c.n) {
		n, err := c.r.ReadAt(c.buf, off)
		if err != nil && err != io.EOF {
			c.n = 0
			return 0, err
		}
		c.off, c.n = off, n
	}
	n := copy(p, c.buf[off-c.off:c.n])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// guard turns a panic inside relic (some malformed files make comdoc index
// out of range) into an error naming the file.
func guard(what, path string, err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("%s %s: malformed file (relic panicked: %v)", what, path, v)
	}
}
