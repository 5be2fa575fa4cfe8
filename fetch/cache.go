package fetch

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/product"
)

// The cache holds verified downloads only, each under a name that includes
// what it was verified against:
//
//	dl/<sha256>/<filename>                         go.dev/dl zips
//	dl/index-<hash of source URL>.json             last index read, for offline use
//	mod/golang.org/toolchain/@v/<version>.zip      module proxy zips (checked by h1: hash)
//	sumdb/<name>/latest, sumdb-cache/...           checksum database tree and tiles
//
// Files are written under a temporary name in the same folder, fsynced and
// renamed, so a reader never sees a partial file, and two processes
// fetching the same file at once each rename identical verified content.

// DefaultCacheDir is os.UserCacheDir()/gomsi, used when GOMSI_CACHE is unset.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache folder: %w (set GOMSI_CACHE)", err)
	}
	return filepath.Join(dir, "gomsi"), nil
}

func dlPath(cacheDir string, f File) string {
	return filepath.Join(cacheDir, "dl", f.SHA256, f.Filename)
}

func modZipPath(cacheDir, modVersion string) string {
	return filepath.Join(cacheDir, "mod", filepath.FromSlash(toolchainModule), "@v", modVersion+".zip")
}

// cacheKey is a short stable name for a URL.
func cacheKey(s string) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(s)))[:16]
}

// createTemp opens a temporary file beside final; place gives it the name.
// Cached files are private (0600): the cache is the user's own.
func createTemp(final string) (*atomicfile.File, error) {
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return nil, &localError{fmt.Errorf("create cache folder: %w", err)}
	}
	f, err := atomicfile.Create(final, 0o600)
	if err != nil {
		return nil, &localError{err}
	}
	return f, nil
}

// staleAge is how long a temporary file must have gone unwritten before
// another process may remove it: a live download writes at least once per
// GOMSI_IDLE_TIMEOUT or gives up, and sleeps at most retryAfterMax between
// attempts, so a temporary file untouched for longer belongs to a process
// that was killed.
const staleAge = time.Hour

// SweepCache removes from every folder of the download cache the temporary
// files that killed processes left there, once unwritten for staleAge: the
// cache is shared by processes that hold no common lock, so a younger one
// may be another process's download in progress.
func SweepCache(cacheDir string) {
	now := time.Now()
	filepath.WalkDir(cacheDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if path != cacheDir && atomicfile.IsTemporary(d.Name()) {
				return filepath.SkipDir
			}
			atomicfile.SweepAt(path, staleAge, now)
		}
		return nil
	})
}

// place gives a verified temporary file its final name. If that fails
// because another process holds the final file open (Windows), its verified
// copy is used.
func (f *Fetcher) place(tmp *atomicfile.File, want string) error {
	err := tmp.Commit()
	if err == nil {
		return nil
	}
	if got, _, herr := product.HashFile(tmp.Path()); herr == nil && got == want {
		return nil
	}
	return err
}
