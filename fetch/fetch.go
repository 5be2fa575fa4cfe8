// Package fetch gets Go distributions for Windows from where they are
// published: the go.dev/dl index or a mirror of it, or Go module proxies
// (checked against the checksum database). Downloads are verified,
// resumed, retried within bounds and cached; package dist opens what it
// gets.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gomsi/gomsi/dist"
	"github.com/gomsi/gomsi/product"
)

// Options configure a Fetcher. Only Source and CacheDir are required;
// NewOptions fills them from the environment's settings (Env).
type Options struct {
	Source   Source
	CacheDir string // GOMSI_CACHE, default DefaultCacheDir()

	HTTPClient  *http.Client  // nil: NewHTTPClient(ClientOptions{}), without proxy or extra CAs
	Log         io.Writer     // messages, warnings and progress; nil discards them
	NoProgress  bool          // no progress bar or progress lines
	Attempts    int           // tries per request (GOMSI_RETRIES+1); 0 means DefaultAttempts
	IdleTimeout time.Duration // longest wait for the next byte; 0 means DefaultIdleTimeout

	// Proxy source only: the checksum database, as the go command reads
	// GOSUMDB ("" means sum.golang.org), GONOSUMDB and GOPRIVATE.
	SumDB, NoSumDB, Private string
	// Pins maps a distribution (go1.26.8.windows-amd64) to a hash that
	// replaces the source's: 64 hex digits of the zip's SHA-256 (either
	// source) or the module's "h1:" hash (proxy source, instead of the
	// checksum database).
	Pins map[string]string

	// For tests: how to wait, what time it is, and the jitter in [0, 1).
	Sleep  func(context.Context, time.Duration) error
	Now    func() time.Time
	Jitter func() float64
}

const (
	// DefaultAttempts is how often a request is tried (4 retries).
	DefaultAttempts = 5
	// DefaultIdleTimeout is how long a transfer may go without a byte.
	DefaultIdleTimeout = 60 * time.Second
)

// Layout says how a fetched zip is laid out.
type Layout int

const (
	// LayoutDist is a go.dev/dl zip: the Go root under go/.
	LayoutDist Layout = iota
	// LayoutModule is a golang.org/toolchain module zip: the Go root under
	// the module prefix, go.mod files renamed _go.mod, and no api/, doc/,
	// misc/ or test/ folders (cmd/distpack leaves them out).
	LayoutModule
)

// Fetched is a verified zip in the cache.
type Fetched struct {
	Path    string // the zip, inside the cache: do not modify it
	SHA256  string // of the zip file
	Prefix  string // folder in the zip holding the Go root: "go/" or "golang.org/toolchain@v0.0.1-go1.26.8.windows-amd64/"
	Version string // go1.26.8
	Arch    string // amd64
	Layout  Layout
	Cached  bool // reused from the cache without a download
}

// A Fetcher finds, downloads, verifies and caches Windows distributions.
// It reads the source's release list once. It is safe for concurrent use.
type Fetcher struct {
	opts   Options
	dl     *downloader
	maxZip int64 // maxZipDownload; tests lower it

	mu       sync.Mutex
	releases []Release // nil until first read
}

// New checks opts and returns a Fetcher.
func New(opts Options) (*Fetcher, error) {
	if opts.Source.Kind == SourceLocal {
		return nil, fmt.Errorf("fetch: source %s is local; open it with dist.Open", opts.Source.Path)
	}
	if opts.CacheDir == "" {
		return nil, errors.New("fetch: no cache folder (set GOMSI_CACHE)")
	}
	if opts.HTTPClient == nil {
		c, err := NewHTTPClient(ClientOptions{})
		if err != nil {
			return nil, err
		}
		opts.HTTPClient = c
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Attempts <= 0 {
		opts.Attempts = DefaultAttempts
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Jitter == nil {
		opts.Jitter = rand.Float64
	}
	for name, pin := range opts.Pins {
		if err := checkPin(name, pin); err != nil {
			return nil, err
		}
	}
	f := &Fetcher{opts: opts, maxZip: maxZipDownload}
	tty := isTerminal(opts.Log)
	f.dl = &downloader{
		client:   opts.HTTPClient,
		attempts: opts.Attempts,
		idle:     opts.IdleTimeout,
		sleep:    opts.Sleep,
		jitter:   opts.Jitter,
		now:      opts.Now,
		logf:     f.logf,
		meter: func(name string, total int64) meter {
			if opts.NoProgress {
				return nopMeter{}
			}
			return newProgressMeter(opts.Log, tty, opts.Now, name, total)
		},
	}
	return f, nil
}

func (f *Fetcher) logf(format string, args ...any) {
	fmt.Fprintf(f.opts.Log, format+"\n", args...)
}

// Resolve turns GOMSI_GO_VERSION (latest, 1.26, 1.26.8, go1.26.8, 1.27rc1
// or a comma-separated list) into releases, checking that each has a
// Windows zip for every arch. Duplicates are dropped; order is kept.
func (f *Fetcher) Resolve(ctx context.Context, spec string, arches []string) ([]Release, error) {
	specs, err := dist.ParseVersionSpecs(spec)
	if err != nil {
		return nil, err
	}
	rels, err := f.list(ctx)
	if err != nil {
		return nil, err
	}
	byVersion := map[string]Release{}
	var versions []string
	for _, r := range rels {
		byVersion[r.Version] = r
		versions = append(versions, r.Version)
	}
	stable := func(v string) bool { return byVersion[v].Stable }
	var out []Release
	var errs []error
	for _, sp := range specs {
		v, err := dist.ResolveVersion(sp, versions, stable)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if slices.ContainsFunc(out, func(r Release) bool { return r.Version == v }) {
			continue
		}
		r := byVersion[v]
		for _, arch := range arches {
			if _, err := r.WindowsZip(arch); err != nil {
				errs = append(errs, err)
			}
		}
		out = append(out, r)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// Fetch returns the verified zip of one release (an exact version or a
// single spec such as latest) for windows/arch, from the cache when it is
// there and still matches, or else downloaded.
func (f *Fetcher) Fetch(ctx context.Context, version, arch string) (*Fetched, error) {
	if strings.Contains(version, ",") {
		return nil, fmt.Errorf("fetch %s: one version at a time; Resolve splits lists", version)
	}
	rels, err := f.Resolve(ctx, version, []string{arch})
	if err != nil {
		return nil, err
	}
	file, err := rels[0].WindowsZip(arch)
	if err != nil {
		return nil, err
	}
	if f.opts.Source.Kind == SourceProxy {
		return f.fetchModule(ctx, rels[0].Version, arch)
	}
	return f.fetchIndexed(ctx, rels[0].Version, file)
}

// list returns the source's releases, reading them once.
func (f *Fetcher) list(ctx context.Context) ([]Release, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.releases != nil {
		return f.releases, nil
	}
	var rels []Release
	var err error
	if f.opts.Source.Kind == SourceProxy {
		rels, err = f.listToolchains(ctx)
	} else {
		rels, err = f.loadIndex(ctx)
	}
	if err != nil {
		return nil, err
	}
	f.releases = rels
	return rels, nil
}

// distName names a distribution the way pins are keyed.
func distName(version, arch string) string {
	return product.Files{Version: version, GOARCH: arch}.Stem()
}

func checkPin(name, pin string) error {
	if strings.HasPrefix(pin, "h1:") || (len(pin) == 64 && strings.Trim(pin, "0123456789abcdef") == "") {
		return nil
	}
	return fmt.Errorf("pinned hash for %s: %q is neither 64 lowercase hex digits (SHA-256 of the zip) nor an h1: module hash", name, pin)
}
