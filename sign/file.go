package sign

import (
	"fmt"
	"io"
)

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
