package dist

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
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

// tempSuffix marks files and extracted trees being written; stale ones are
// removed by cleanStale.
const tempSuffix = ".tmp-"

// createTemp opens a new temporary file beside final.
func createTemp(final string) (*os.File, error) {
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, &localError{fmt.Errorf("create cache folder: %w", err)}
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(final)+tempSuffix+"*")
	if err != nil {
		return nil, &localError{fmt.Errorf("create temporary file: %w", err)}
	}
	return f, nil
}

// commit makes the complete, verified temporary file f durable and gives
// it its final name.
func commit(f *os.File, final string) error {
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", f.Name(), err)
	}
	if err := os.Rename(f.Name(), final); err != nil {
		return fmt.Errorf("rename %s: %w", f.Name(), err)
	}
	syncDir(filepath.Dir(final))
	return nil
}

// discard removes a temporary file after a failure.
func discard(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// syncDir makes a rename durable. It is best effort: Windows cannot open
// folders for syncing, and the rename has happened either way.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// fileSHA256 hashes a file.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

// staleAge is how long a temporary file must have gone unwritten before
// another process may remove it: a live download writes at least once per
// GOMSI_IDLE_TIMEOUT or gives up, and sleeps at most retryAfterMax between
// attempts, so a temporary file untouched for longer belongs to a process
// that was killed.
const staleAge = time.Hour

// IsTemporary reports whether name is one of the temporary names gomsi's
// writers use beside their outputs: "." + the output's name + a mark
// (".tmp-" for atomicfile, the toolsets, downloads and extracted trees;
// ".cab-" for the native compiler's cabinet folders; ".sign-" for signing;
// a ".tmp" end for the MSI database writer), or ".msipatch-" folders.
func IsTemporary(name string) bool {
	if !strings.HasPrefix(name, ".") {
		return false
	}
	return strings.Contains(name, tempSuffix) || strings.Contains(name, ".cab-") || strings.Contains(name, ".sign-") ||
		strings.HasSuffix(name, ".tmp") || strings.HasPrefix(name, ".msipatch-")
}

// SweepTemporaries removes the temporary files and trees (IsTemporary) in
// dir that killed processes left behind: all of them when minAge is 0 (the
// caller knows no other process writes in dir), else those unwritten for
// longer than minAge.
func SweepTemporaries(dir string, minAge time.Duration) {
	cleanStale(dir, minAge, time.Now())
}

// SweepCache removes from every folder of the download cache the temporary
// files that killed processes left there, once unwritten for staleAge: the
// cache is shared by processes that hold no common lock, so a younger one
// may be another process's download in progress.
func SweepCache(cacheDir string) {
	now := time.Now()
	filepath.WalkDir(cacheDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if path != cacheDir && IsTemporary(d.Name()) {
				return filepath.SkipDir
			}
			cleanStale(path, staleAge, now)
		}
		return nil
	})
}

// cleanStale is SweepTemporaries at the time now.
func cleanStale(dir string, maxAge time.Duration, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !IsTemporary(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && (maxAge <= 0 || now.Sub(info.ModTime()) > maxAge) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// place renames a verified temporary file to final. If that fails because
// another process holds final open (Windows), its verified copy is used.
func (f *Fetcher) place(tmp *os.File, final, want string) error {
	err := commit(tmp, final)
	if err == nil {
		return nil
	}
	os.Remove(tmp.Name())
	if got, herr := fileSHA256(final); herr == nil && got == want {
		return nil
	}
	return err
}
