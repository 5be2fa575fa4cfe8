package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/product"
)

// The out folder is gomsi's own: gomsi marks it when it creates it, builds
// only into a folder that is absent, empty or marked, holds a lock on it for
// the whole run, and cleans only what it made there.
const (
	outMarker = ".gomsi-out"   // says the folder is gomsi's out folder
	outLock   = ".gomsi-lock"  // locked by the run using the folder
	outOwner  = ".gomsi-owner" // who holds the lock, for those waiting
)

const markerText = "This folder holds gomsi's build outputs. `go run mage.go clean` removes what gomsi made in it.\n"

// outLockPoll is how often a run waiting for the out folder tries its lock.
const outLockPoll = 250 * time.Millisecond

// outHold is a pipeline's hold on its out folder; holds nest.
type outHold struct {
	mu    sync.Mutex
	depth int
	lock  *flock.Flock // nil when the file system has no locks
	dir   string
}

// Hold prepares the out folder and locks it until release is called, so
// that two runs never write into one out folder at once: a second run waits,
// saying for whom. The first hold creates and marks the folder (or adopts an
// unmarked one that holds only what gomsi makes), refuses any other folder,
// and removes the temporary files and trees a killed run left there. The
// pipeline's stages hold it themselves; a caller holds it across stages to
// keep another run out between them.
func (p *Pipeline) Hold(ctx context.Context) (release func(), err error) {
	h := &p.hold
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.depth == 0 {
		if err := p.acquireOut(ctx); err != nil {
			return nil, err
		}
	}
	h.depth++
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.depth--; h.depth == 0 {
				h.releaseOut()
			}
		})
	}, nil
}

func (p *Pipeline) acquireOut(ctx context.Context) error {
	h := &p.hold
	out, err := checkOutPlace(p.Config.Out)
	if err != nil {
		return err
	}
	// A clean may remove the folder while this run waits for its lock: then
	// the lock held is of a removed file, and the folder is claimed again.
	for range 10 {
		if err := claimOut(out, p.logf); err != nil {
			return err
		}
		l := flock.New(filepath.Join(out, outLock))
		ok, err := l.TryLock()
		if err == nil && !ok {
			p.logf("waiting for another gomsi run that uses %s (%s)", p.Config.Out, lockOwner(out))
			ok, err = l.TryLockContext(ctx, outLockPoll)
		}
		switch {
		case ok && ctx.Err() != nil:
			l.Unlock()
			return ctx.Err()
		case ok && !lockStillThere(l):
			l.Unlock()
			continue
		case ok:
			h.lock, h.dir = l, out
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			p.logf("warning: cannot lock %s (%v); another gomsi run using it at the same time would break this one", l.Path(), err)
			h.dir = out
		default:
			return fmt.Errorf("lock %s: not acquired", l.Path())
		}
		host, _ := os.Hostname()
		atomicfile.WriteFile(filepath.Join(out, outOwner), fmt.Appendf(nil, "process %d on %s, since %s", os.Getpid(), host, time.Now().Format(time.DateTime)), 0o644)
		sweepOut(out)
		return nil
	}
	return fmt.Errorf("lock %s: the folder keeps being removed while gomsi waits for it (a clean running in a loop?)", p.Config.Out)
}

func (h *outHold) releaseOut() {
	if h.dir != "" {
		os.Remove(filepath.Join(h.dir, outOwner))
	}
	if h.lock != nil {
		h.lock.Unlock()
	}
	h.lock, h.dir = nil, ""
}

// lockStillThere reports whether the locked file is still the one at its path.
func lockStillThere(l *flock.Flock) bool {
	held, err1 := l.Stat()
	now, err2 := os.Stat(l.Path())
	return err1 == nil && err2 == nil && os.SameFile(held, now)
}

// lockOwner says who holds the out folder's lock, as far as it is known.
// The holder writes it just after locking, so it is waited for a little.
func lockOwner(out string) string {
	var b []byte
	var err error
	for deadline := time.Now().Add(time.Second); ; time.Sleep(50 * time.Millisecond) {
		if b, err = os.ReadFile(filepath.Join(out, outOwner)); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || len(b) == 0 || len(b) > 200 {
		return "lock " + filepath.Join(out, outLock)
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, string(b))
}

// checkOutPlace returns the absolute out folder, refusing places gomsi must
// never write into or clean whatever they hold: the working folder or one
// of its parents, a git repository's root, the home folder, a volume root.
func checkOutPlace(out string) (string, error) {
	if out == "" {
		return "", errors.New("out folder: GOMSI_OUT (out in gomsi.yaml) is empty: set it to a folder of gomsi's own, such as _out")
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return "", fmt.Errorf("out folder %s: %w", out, err)
	}
	real := abs
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		real = r
	}
	refuse := func(why string) (string, error) {
		return "", fmt.Errorf("out folder %s: it is %s, which gomsi never builds into or cleans: set GOMSI_OUT (out in gomsi.yaml) to a folder of gomsi's own, such as _out", out, why)
	}
	if filepath.Dir(real) == real {
		return refuse("the root of a volume")
	}
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.EvalSymlinks(wd); err == nil {
			wd = r
		}
		for d := wd; ; d = filepath.Dir(d) {
			if sameDir(real, d) {
				if d == wd {
					return refuse("the working folder")
				}
				return refuse("a parent of the working folder")
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if home, err := os.UserHomeDir(); err == nil && sameDir(real, home) {
		return refuse("the home folder")
	}
	if _, err := os.Lstat(filepath.Join(real, ".git")); err == nil {
		return refuse("the root of a git repository")
	}
	return abs, nil
}

func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	ai, err1 := os.Stat(a)
	bi, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ai, bi)
}

// claimOut makes out a marked out folder: it creates a missing one, marks an
// empty one or one holding only what gomsi makes (the out folders of gomsi
// before the mark), and refuses any other unmarked folder.
func claimOut(out string, logf func(string, ...any)) error {
	info, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(out, 0o755); err != nil {
			return fmt.Errorf("create the out folder: %w", err)
		}
	case err != nil:
		return fmt.Errorf("out folder: %w", err)
	case !info.IsDir():
		return fmt.Errorf("out folder %s is a file, not a folder: remove it or set GOMSI_OUT (out in gomsi.yaml) to another path", out)
	}
	if _, err := os.Stat(filepath.Join(out, outMarker)); err == nil {
		return nil
	}
	foreign, empty, err := foreignEntries(out)
	if err != nil {
		return fmt.Errorf("out folder: %w", err)
	}
	if len(foreign) > 0 {
		return fmt.Errorf("out folder %s holds %s, which gomsi did not make, and no %s mark: gomsi writes only into a folder of its own; set GOMSI_OUT (out in gomsi.yaml) to a new or empty folder, or empty this one",
			out, quoteList(foreign, 3), outMarker)
	}
	if err := atomicfile.WriteFile(filepath.Join(out, outMarker), []byte(markerText), 0o644); err != nil {
		return fmt.Errorf("mark the out folder: %w", err)
	}
	if !empty {
		logf("marked %s as gomsi's out folder (it holds only what gomsi makes)", out)
	}
	return nil
}

// foreignEntries lists, sorted, what in out gomsi does not make (looking
// into dist/ and wxs/), and whether out is empty.
func foreignEntries(out string) (foreign []string, empty bool, err error) {
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil, false, err
	}
	for _, e := range entries {
		switch kind := outEntryKind(e); kind {
		case gomsiFile:
		case gomsiFolder:
			sub, err := os.ReadDir(filepath.Join(out, e.Name()))
			if err != nil {
				return nil, false, err
			}
			for _, s := range sub {
				if !isBuildEntry(s) {
					foreign = append(foreign, e.Name()+"/"+s.Name())
				}
			}
		default:
			foreign = append(foreign, e.Name())
		}
	}
	sort.Strings(foreign)
	return foreign, len(entries) == 0, nil
}

type entryKind int

const (
	foreignEntry entryKind = iota
	gomsiFile              // removed whole by clean
	gomsiFolder            // dist/ and wxs/: each entry must be gomsi's too
)

// outEntryKind says whether an entry at the top of the out folder is one
// gomsi makes: dist/ and wxs/, MSIs and their checksums, SHA256SUMS, the
// marker and lock files, temporary names, and each writer's outputs.
func outEntryKind(e fs.DirEntry) entryKind {
	name := e.Name()
	_, kind, err := product.ParseName(strings.TrimSuffix(name, product.ChecksumSuffix))
	built := err == nil // an MSI, setup exe, Intune package or deployment facts, or a checksum of one
	switch {
	case e.IsDir() && (name == "dist" || name == "wxs"):
		return gomsiFolder
	case e.IsDir() && (name == "bench" || name == "bench-tree"): // what the benchmarks of sign and internal/cab keep in the repository's _out
		return gomsiFile
	case atomicfile.IsTemporary(name), name == outMarker, name == outLock, name == outOwner:
		return gomsiFile
	case e.Type().IsRegular() && (built && kind == product.MSIFile || name == "SHA256SUMS"):
		return gomsiFile
	case e.Type().IsRegular() && built && (kind == product.IntuneFile || kind == product.FactsFile), e.IsDir() && name == wingetFolder:
		return gomsiFile // deploy.go's outputs
	case e.Type().IsRegular() && built && kind == product.SetupFile:
		return gomsiFile // setup.go's outputs
	}
	return foreignEntry
}

// isBuildEntry reports whether an entry of dist/ or wxs/ is gomsi's: a
// folder of one build (go1.26.8.windows-amd64) or a temporary name (older
// gomsi copied folder sources to <build>.tmp-copy).
func isBuildEntry(e fs.DirEntry) bool {
	return atomicfile.IsTemporary(e.Name()) || e.IsDir() && (isBuildName(e.Name()) || isBuildName(strings.TrimSuffix(e.Name(), ".tmp-copy")))
}

// isBuildName matches go<version>.windows-<arch>.
func isBuildName(name string) bool {
	_, err := product.ParseStem(name)
	return err == nil
}

// sweepOut removes what killed runs left in the out folder: every temporary
// file and tree beside the outputs, in dist/, in each wxs/ folder and in
// the winget manifests. Only the run holding the lock calls it, so none of
// them is another run's.
func sweepOut(out string) {
	atomicfile.Sweep(out, 0)
	atomicfile.Sweep(filepath.Join(out, "dist"), 0)
	wxs, _ := os.ReadDir(filepath.Join(out, "wxs"))
	for _, e := range wxs {
		if e.IsDir() {
			atomicfile.Sweep(filepath.Join(out, "wxs", e.Name()), 0)
		}
	}
	filepath.WalkDir(filepath.Join(out, wingetFolder), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			atomicfile.Sweep(path, 0)
		}
		return nil
	})
}

// Clean removes what gomsi made in the out folder, waiting for a run using
// it, and the folder itself when nothing else is left. It refuses a folder
// gomsi did not mark that holds anything gomsi does not make, and the
// places checkOutPlace refuses; whatever gomsi did not make is kept and
// returned.
func (p *Pipeline) Clean(ctx context.Context) (kept []string, err error) {
	out, err := checkOutPlace(p.Config.Out)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(out); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	release, err := p.Hold(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil, fmt.Errorf("clean: %w", err)
	}
	for _, e := range entries {
		path := filepath.Join(out, e.Name())
		switch outEntryKind(e) {
		case gomsiFile:
			if e.Name() == outLock || e.Name() == outMarker {
				continue // last: the lock is held, and the mark goes only if all else does
			}
			err = os.RemoveAll(path)
		case gomsiFolder:
			var k []string
			k, err = cleanBuildFolder(path)
			for _, name := range k {
				kept = append(kept, filepath.Join(e.Name(), name))
			}
		default:
			kept = append(kept, e.Name())
		}
		if err != nil {
			return kept, fmt.Errorf("clean: %w", err)
		}
	}
	if len(kept) > 0 {
		return kept, nil
	}
	if err := os.Remove(filepath.Join(out, outMarker)); err != nil {
		return nil, fmt.Errorf("clean: %w", err)
	}
	release()
	// A run that waited for the lock meanwhile sees the removed lock file
	// and claims the folder again; on Windows the removals then fail, which
	// leaves that run its folder.
	os.Remove(filepath.Join(out, outLock))
	os.Remove(out)
	return nil, nil
}

// cleanBuildFolder removes gomsi's entries from dist/ or wxs/, and the
// folder when nothing else is in it; it returns the names it kept.
func cleanBuildFolder(dir string) (kept []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !isBuildEntry(e) {
			kept = append(kept, e.Name())
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return kept, err
		}
	}
	if len(kept) == 0 {
		return nil, os.Remove(dir)
	}
	return kept, nil
}

func quoteList(l []string, most int) string {
	q := make([]string, 0, most+1)
	for i, s := range l {
		if i == most {
			q = append(q, fmt.Sprintf("and %d more", len(l)-most))
			break
		}
		q = append(q, fmt.Sprintf("%q", s))
	}
	return strings.Join(q, ", ")
}
