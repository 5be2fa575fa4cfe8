package fetch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"

	"github.com/gomsi/gomsi/dist"
	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/internal/printable"
	"github.com/gomsi/gomsi/product"
)

// The go command downloads toolchains as versions of this module, named
// v0.0.1-go1.26.8.windows-amd64 (see cmd/distpack).
const (
	toolchainModule  = "golang.org/toolchain"
	toolchainVersion = "v0.0.1-"
)

func toolchainModVersion(version, arch string) module.Version {
	return module.Version{Path: toolchainModule, Version: toolchainVersion + distName(version, arch)}
}

// listToolchains reads the version list of golang.org/toolchain from the
// first proxy in GOPROXY that has one, and keeps the Windows builds.
func (f *Fetcher) listToolchains(ctx context.Context) ([]Release, error) {
	var rels []Release
	err := f.eachProxy(func(p Proxy) error {
		var err error
		rels, err = f.listToolchainsOn(ctx, p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list Go toolchains on the module proxy: %w", err)
	}
	return rels, nil
}

func (f *Fetcher) listToolchainsOn(ctx context.Context, p Proxy) ([]Release, error) {
	u := p.URL + "/" + toolchainModule + "/@v/list"
	data, err := f.dl.getBytes(ctx, u, maxListBytes)
	if err != nil {
		return nil, err
	}
	byVersion := map[string]*Release{}
	for line := range strings.Lines(string(data)) {
		goVersion, arch, ok := parseToolchainVersion(strings.TrimSpace(line))
		if !ok {
			continue
		}
		r := byVersion[goVersion]
		if r == nil {
			r = &Release{Version: goVersion, Stable: dist.IsStable(goVersion)}
			byVersion[goVersion] = r
		}
		mv := toolchainModVersion(goVersion, arch)
		r.Files = append(r.Files, File{Filename: mv.Version + ".zip", OS: "windows", Arch: arch, Version: goVersion, Size: -1, Kind: "module"})
	}
	if len(byVersion) == 0 {
		return nil, fmt.Errorf("GET %s: %w (is it a Go module proxy?)", redactURL(u), errNotOnProxy)
	}
	rels := make([]Release, 0, len(byVersion))
	for _, r := range byVersion {
		rels = append(rels, *r)
	}
	slices.SortFunc(rels, func(a, b Release) int { return dist.CompareGo(b.Version, a.Version) })
	return rels, nil
}

// parseToolchainVersion splits v0.0.1-go1.26.8.windows-amd64.
func parseToolchainVersion(v string) (goVersion, arch string, ok bool) {
	rest, ok := strings.CutPrefix(v, toolchainVersion)
	if !ok {
		return "", "", false
	}
	i := strings.LastIndex(rest, ".")
	if i < 0 {
		return "", "", false
	}
	goVersion, platform := rest[:i], rest[i+1:]
	arch, ok = strings.CutPrefix(platform, "windows-")
	if !ok || !archRE.MatchString(arch) || !dist.IsReleaseName(goVersion) {
		return "", "", false
	}
	return goVersion, arch, true
}

// fetchModule gets a toolchain module zip, checked against its module hash
// from the checksum database (or a pin), before it gets its cache name.
func (f *Fetcher) fetchModule(ctx context.Context, version, arch string) (*Fetched, error) {
	mv := toolchainModVersion(version, arch)
	what := mv.String()
	wantH1, wantSHA, err := f.moduleHash(ctx, mv, distName(version, arch))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", what, err)
	}
	final := modZipPath(f.opts.CacheDir, mv.Version)
	fetched := &Fetched{Path: final, Prefix: mv.Path + "@" + mv.Version + "/", Version: version, Arch: arch, Layout: LayoutModule}
	if sum, ok := f.reuseModule(final, wantH1, wantSHA); ok {
		fetched.SHA256, fetched.Cached = sum, true
		return fetched, nil
	}
	unlock, err := f.lockDownload(ctx, final)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", what, err)
	}
	defer unlock()
	if sum, ok := f.reuseModule(final, wantH1, wantSHA); ok { // another process downloaded it while this one waited
		fetched.SHA256, fetched.Cached = sum, true
		return fetched, nil
	}
	atomicfile.SweepAt(filepath.Dir(final), staleAge, f.opts.Now())
	escVersion, err := module.EscapeVersion(mv.Version)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", what, err)
	}
	var tmp *atomicfile.File
	var sum string
	err = f.eachProxy(func(p Proxy) error {
		url := p.URL + "/" + toolchainModule + "/@v/" + escVersion + ".zip"
		f.logf("downloading %s from %s", what, redactURL(url))
		var err error
		if tmp, err = createTemp(final); err != nil {
			return err
		}
		if sum, _, err = f.dl.downloadAtMost(ctx, url, tmp.File, filepath.Base(final), f.maxZip); err != nil {
			tmp.Abort()
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", what, err)
	}
	// Outside the walk: a zip that fails its hash is an attack or a broken
	// proxy, never a reason to quietly ask the next one.
	if err := checkModuleZip(tmp.Name(), mv, wantH1, wantSHA, sum); err != nil {
		tmp.Abort()
		return nil, fmt.Errorf("fetch %s: %w", what, err)
	}
	if err := f.place(tmp, sum); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", what, err)
	}
	fetched.SHA256 = sum
	return fetched, nil
}

// checkModuleZip checks a downloaded module zip: a well-formed module zip
// of mv (every file under its prefix, no duplicates or bad names), with the
// pinned SHA-256 and the module hash, when those are known.
func checkModuleZip(path string, mv module.Version, wantH1, wantSHA, gotSHA string) error {
	if wantSHA != "" && gotSHA != wantSHA {
		return fmt.Errorf("SHA-256 mismatch: the download has %s but the pinned one is %s; the download was deleted", gotSHA, wantSHA)
	}
	if _, err := modzip.CheckZip(mv, path); err != nil {
		return fmt.Errorf("not a valid module zip, refused and deleted: %w", printable.Error(err)) // x/mod names the zip's files
	}
	if wantH1 == "" {
		return nil
	}
	got, err := dirhash.HashZip(path, dirhash.Hash1)
	if err != nil {
		return fmt.Errorf("hash the module zip: %w", printable.Error(err))
	}
	if got != wantH1 {
		return fmt.Errorf("SECURITY ERROR: module hash mismatch: the proxy's zip has %s but the checksum database (or pin) says %s; the download was deleted. The proxy or something between it and you served a modified toolchain", got, wantH1)
	}
	return nil
}

// reuseModule reports whether the cached module zip still checks out, and
// its SHA-256; a zip that does not is removed.
func (f *Fetcher) reuseModule(path, wantH1, wantSHA string) (string, bool) {
	sum, _, err := product.HashFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", false
	}
	if err == nil {
		if wantSHA != "" && sum != wantSHA {
			err = fmt.Errorf("SHA-256 %s, not the pinned %s", sum, wantSHA)
		} else if wantH1 != "" {
			var got string
			got, err = dirhash.HashZip(path, dirhash.Hash1)
			if err == nil && got != wantH1 {
				err = fmt.Errorf("module hash %s, not %s", got, wantH1)
			}
		}
	}
	if err != nil {
		f.logf("warning: the cached %s has %v; downloading it again", path, err)
		os.Remove(path)
		return "", false
	}
	f.logf("using cached %s", path)
	return sum, true
}

// moduleHash returns what the module zip must hash to: an h1: hash from a
// pin or the checksum database, and/or a pinned SHA-256. Both are empty
// only when the user turned the checksum database off, which is warned
// about.
func (f *Fetcher) moduleHash(ctx context.Context, mv module.Version, name string) (h1, sha string, err error) {
	if pin := f.opts.Pins[name]; pin != "" {
		if strings.HasPrefix(pin, "h1:") {
			f.logf("checking %s against the pinned module hash %s", mv, pin)
			return pin, "", nil
		}
		f.logf("checking %s against the pinned SHA-256 %s", mv, pin)
		return "", pin, nil
	}
	if why := f.sumDBOff(); why != "" {
		f.logf("warning: %s: %s is NOT checked against a checksum database; whatever the %s serves is trusted", why, mv, f.opts.Source)
		return "", "", nil
	}
	h1, err = f.lookupSum(ctx, mv)
	return h1, "", err
}

// sumDBOff says why the user disabled the checksum database for the
// toolchain module, or "" if they did not.
func (f *Fetcher) sumDBOff() string {
	switch {
	case strings.TrimSpace(f.opts.SumDB) == "off":
		return "GOSUMDB=off"
	case f.opts.NoSumDB != "" && module.MatchPrefixPatterns(f.opts.NoSumDB, toolchainModule):
		return "GONOSUMDB=" + f.opts.NoSumDB + " matches " + toolchainModule
	case f.opts.NoSumDB == "" && f.opts.Private != "" && module.MatchPrefixPatterns(f.opts.Private, toolchainModule):
		return "GOPRIVATE=" + f.opts.Private + " matches " + toolchainModule
	}
	return ""
}
