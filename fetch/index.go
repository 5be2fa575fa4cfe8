package fetch

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/gomsi/gomsi/dist"
	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/internal/printable"
	"github.com/gomsi/gomsi/product"
)

// A Release is one Go release as a source lists it.
type Release struct {
	Version string `json:"version"` // go1.26.8
	Stable  bool   `json:"stable"`
	Files   []File `json:"files"`
}

// A File is one download of a release, as in the go.dev/dl JSON index.
type File struct {
	Filename string `json:"filename"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	Version  string `json:"version"`
	SHA256   string `json:"sha256"` // empty for module proxy files: they are checked by module hash
	Size     int64  `json:"size"`
	Kind     string `json:"kind"` // archive, installer, source; "module" for the proxy source
}

// WindowsZip returns the release's Windows zip for arch.
func (r Release) WindowsZip(arch string) (File, error) {
	var have []string
	for _, f := range r.Files {
		if f.OS != "windows" || !strings.HasSuffix(f.Filename, ".zip") || (f.Kind != "archive" && f.Kind != "module") {
			continue
		}
		if f.Arch == arch {
			return f, nil
		}
		have = append(have, f.Arch)
	}
	if len(have) == 0 {
		return File{}, fmt.Errorf("find %s windows/%s: the release has no Windows zip at all", r.Version, arch)
	}
	slices.Sort(have)
	return File{}, fmt.Errorf("find %s windows/%s: the release has no windows/%s zip, only %s; set GOMSI_ARCH to those",
		r.Version, arch, arch, strings.Join(have, ", "))
}

// indexURL is where a go.dev/dl-like site lists every release.
func indexURL(base string) string { return base + "?mode=json&include=all" }

// loadIndex downloads and checks the release index. When the network fails
// but an earlier copy is cached, the copy is used with a warning so that
// cached downloads keep working offline (they are still checked against
// the SHA-256 in that copy).
func (f *Fetcher) loadIndex(ctx context.Context) ([]Release, error) {
	u := indexURL(f.opts.Source.URL)
	cached := filepath.Join(f.opts.CacheDir, "dl", "index-"+cacheKey(f.opts.Source.URL)+".json")
	data, err := f.dl.getBytes(ctx, u, maxIndexBytes)
	fresh := err == nil
	if err != nil {
		old, rerr := os.ReadFile(cached)
		if rerr != nil || ctx.Err() != nil {
			return nil, fmt.Errorf("read release index: %w", err)
		}
		f.logf("warning: %v; using the copy of the index cached at %s", err, cached)
		data = old
	}
	rels, err := parseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("read release index %s: %w", redactURL(u), err)
	}
	if fresh {
		if err := atomicfile.WriteFile(cached, data, 0o644); err != nil {
			f.logf("warning: cache the release index: %v", err)
		}
	}
	return rels, nil
}

// parseIndex decodes and checks the index. Every field used later to build
// a URL or a path is checked here, because the index comes from the network.
func parseIndex(data []byte) ([]Release, error) {
	var rels []Release
	if err := json.Unmarshal(data, &rels); err != nil {
		return nil, fmt.Errorf("not a go.dev/dl JSON index (is GOMSI_SOURCE the download page's base URL, ending in /dl/?): %w", err)
	}
	if len(rels) == 0 {
		return nil, errors.New("the index lists no releases")
	}
	for i, r := range rels {
		for j := range r.Files {
			rels[i].Files[j].SHA256 = strings.ToLower(r.Files[j].SHA256)
		}
		if !dist.IsReleaseName(r.Version) {
			return nil, fmt.Errorf("release %q: not a Go release version", r.Version)
		}
		for _, file := range rels[i].Files {
			if err := checkIndexFile(file); err != nil {
				return nil, fmt.Errorf("release %s: %w", r.Version, err)
			}
		}
	}
	return rels, nil
}

// archRE is the syntax of a GOARCH value (386, amd64, mips64le): an arch
// from an index or a proxy is printed in messages and used in paths.
var archRE = regexp.MustCompile(`^[a-z0-9]+$`)

func checkIndexFile(f File) error {
	if f.Filename == "" || f.Filename != filepath.Base(f.Filename) || strings.ContainsAny(f.Filename, `/\:?#%`) ||
		f.Filename == "." || f.Filename == ".." || strings.HasPrefix(f.Filename, ".") || printable.String(f.Filename) != f.Filename {
		return fmt.Errorf("file name %q is not a plain file name", f.Filename)
	}
	if f.OS != "windows" || f.Kind != "archive" {
		return nil // never downloaded: no need to be strict about the rest
	}
	if !archRE.MatchString(f.Arch) {
		return fmt.Errorf("file %s: arch %q is not a GOARCH value", f.Filename, f.Arch)
	}
	if _, err := hex.DecodeString(f.SHA256); err != nil || len(f.SHA256) != 64 {
		return fmt.Errorf("file %s: sha256 %q is not 64 hex digits", f.Filename, f.SHA256)
	}
	if f.Size < 0 {
		return fmt.Errorf("file %s: negative size %d", f.Filename, f.Size)
	}
	return nil
}

// fetchIndexed gets a file listed in a go.dev/dl index, checked against
// the index's SHA-256 (and a pin, if any).
func (f *Fetcher) fetchIndexed(ctx context.Context, version string, file File) (*Fetched, error) {
	want := file.SHA256
	if pin := f.opts.Pins[distName(version, file.Arch)]; pin != "" {
		if strings.HasPrefix(pin, "h1:") {
			return nil, fmt.Errorf("fetch %s: the pinned hash %s is a module hash, which only the proxy source can check; pin the zip's SHA-256 instead", file.Filename, pin)
		}
		if pin != want {
			return nil, fmt.Errorf("fetch %s: the index says SHA-256 %s but the pinned one is %s; the index or the pin is wrong", file.Filename, want, pin)
		}
	}
	fetched := &Fetched{SHA256: want, Prefix: "go/", Version: version, Arch: file.Arch, Layout: LayoutDist}
	final := dlPath(f.opts.CacheDir, file)
	fetched.Path = final
	if ok := f.reuse(final, want); ok {
		fetched.Cached = true
		return fetched, nil
	}
	unlock, err := f.lockDownload(ctx, final)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", file.Filename, err)
	}
	defer unlock()
	if f.reuse(final, want) { // another process downloaded it while this one waited
		fetched.Cached = true
		return fetched, nil
	}
	if file.Size > f.maxZip {
		return nil, fmt.Errorf("fetch %s: the index says it has %d bytes, more than the %s gomsi downloads for a Go distribution (they are about 75 MB): the index is wrong or not a Go download site", file.Filename, file.Size, dist.FormatSize(f.maxZip))
	}
	atomicfile.SweepAt(filepath.Dir(final), staleAge, f.opts.Now())
	url := f.opts.Source.URL + file.Filename
	f.logf("downloading %s from %s", file.Filename, redactURL(url))
	tmp, err := createTemp(final)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", file.Filename, err)
	}
	got, _, err := f.dl.downloadTo(ctx, url, tmp.File, file.Filename, file.Size)
	if err != nil {
		tmp.Abort()
		return nil, fmt.Errorf("fetch %s: %w", file.Filename, err)
	}
	if got != want {
		tmp.Abort()
		return nil, fmt.Errorf("fetch %s: SHA-256 mismatch: the download has %s but the index says %s; the download was deleted (a proxy or mirror may have altered it; try again or use another GOMSI_SOURCE)",
			file.Filename, got, want)
	}
	if err := f.place(tmp, want); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", file.Filename, err)
	}
	return fetched, nil
}

// reuse reports whether the cached file at path still has the SHA-256
// want, removing it if not.
func (f *Fetcher) reuse(path, want string) bool {
	got, _, err := product.HashFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false
	case err != nil:
		f.logf("warning: cannot read the cached %s (%v); downloading it again", path, err)
	case got != want:
		f.logf("warning: the cached %s has SHA-256 %s, not %s; downloading it again", path, got, want)
	default:
		f.logf("using cached %s", path)
		return true
	}
	os.Remove(path)
	return false
}
