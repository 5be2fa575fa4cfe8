package dist

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks Linux to start writing [off, off+n) of f to disk now,
// without waiting: the fsync before the rename then has little left to do.
func startWriteback(f *os.File, off, n int64) {
	unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
