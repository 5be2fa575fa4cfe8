package fetch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gofrs/flock"
)

// lockPoll is how often a waiting process tries the lock again.
const lockPoll = 250 * time.Millisecond

// lockDownload takes the lock that one process holds while it downloads
// final, so that others wait and then find the file in the cache instead of
// downloading it too. Where the file system has no locks, a warning is
// logged and the download goes ahead unlocked: the atomic rename keeps the
// cache correct either way, at the cost of a second download.
//
// unlock removes the lock file before releasing it (on Windows, after), so
// that nothing is left in the cache. A process still waiting on the removed
// file then gets the lock and checks the cache again (finding the file,
// unless the download failed), while a newcomer may lock a new file: at
// worst, after a failure, two downloads, each renamed atomically.
func (f *Fetcher) lockDownload(ctx context.Context, final string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return nil, &localError{err}
	}
	l := flock.New(filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+".lock"))
	ok, err := l.TryLock()
	if err == nil && !ok {
		f.logf("waiting for another gomsi process that is downloading %s (lock %s)", filepath.Base(final), l.Path())
		ok, err = l.TryLockContext(ctx, lockPoll)
	}
	switch {
	case ok: // even if the context ended meanwhile: the caller must release it
		return func() {
			removed := os.Remove(l.Path()) == nil
			l.Unlock()
			// Windows cannot remove an open file: try again once it is
			// closed. A waiter that has opened it meanwhile keeps it (the
			// removal fails), so no two processes hold different files.
			if !removed && runtime.GOOS == "windows" {
				os.Remove(l.Path())
			}
		}, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		f.logf("warning: cannot lock %s (%v); downloading without the lock", l.Path(), err)
		return func() {}, nil
	}
	return nil, fmt.Errorf("lock %s: not acquired", l.Path())
}
