package atomicfile

import (
	"io"
	"os"
)

// CopyNew copies src to dst, which must not exist yet (O_EXCL): callers
// copy into a temporary name of their own and rename it when complete.
func CopyNew(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
