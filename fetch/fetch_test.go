package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/gomsi/gomsi/internal/testing/fakedl"
)

func TestResolveAgainstIndex(t *testing.T) {
	srv, _ := newDL(t)
	r := newRig(t, indexSource(srv))
	for _, tc := range []struct {
		spec   string
		arches []string
		want   []string
		error  string
	}{
		{"latest", []string{"amd64"}, []string{"go1.26.8"}, ""},
		{"1.26", []string{"386", "amd64", "arm64"}, []string{"go1.26.8"}, ""},
		{"go1.26.7", []string{"arm64"}, []string{"go1.26.7"}, ""},
		{"1.27rc1", []string{"amd64"}, []string{"go1.27rc1"}, ""},
		{"1.25.5,1.26.8", []string{"amd64"}, []string{"go1.25.5", "go1.26.8"}, ""},
		{"1.26,1.26.8,latest", []string{"amd64"}, []string{"go1.26.8"}, ""},
		{"1.26.9", []string{"amd64"}, nil, "resolve Go version 1.26.9: go1.26.9 does not exist; nearest: go1.26.8, go1.27rc1"},
		{"1.27", []string{"amd64"}, nil, "go1.27 has no stable release yet, only go1.27rc1"},
		{"1.25", []string{"arm64"}, nil, "find go1.25.5 windows/arm64: the release has no windows/arm64 zip, only 386, amd64"},
		{"1.27rc1", []string{"386"}, nil, "no windows/386 zip, only amd64, arm64"},
		{"1.x", []string{"amd64"}, nil, `parse Go version "1.x"`},
	} {
		rels, err := r.Resolve(context.Background(), tc.spec, tc.arches)
		if tc.error != "" {
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Errorf("Resolve(%q, %v) error = %v, want %q", tc.spec, tc.arches, err, tc.error)
			}
			continue
		}
		if err != nil {
			t.Errorf("Resolve(%q, %v): %v", tc.spec, tc.arches, err)
			continue
		}
		var got []string
		for _, rel := range rels {
			got = append(got, rel.Version)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Resolve(%q) = %v, want %v", tc.spec, got, tc.want)
		}
	}
	// The index is read once per Fetcher.
	n := 0
	for _, req := range srv.Requests() {
		if req.Path == "/dl/" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("index read %d times, want 1", n)
	}
}

func TestFetchDownloadsFollowsRedirectAndCaches(t *testing.T) {
	srv, zips := newDL(t)
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%x", sha256.Sum256(zips["amd64"]))
	if got.SHA256 != want || got.Prefix != "go/" || got.Version != "go1.26.8" || got.Arch != "amd64" || got.Layout != LayoutDist || got.Cached {
		t.Errorf("Fetch = %+v", got)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Error("the cached zip differs from the served one")
	}
	if wantPath := filepath.Join(r.cache, "dl", want, "go1.26.8.windows-amd64.zip"); got.Path != wantPath {
		t.Errorf("path %s, want %s", got.Path, wantPath)
	}
	var seen []string
	for _, req := range srv.Requests() {
		seen = append(seen, req.Host+" "+req.Path)
	}
	if wantSeen := []string{"main /dl/", "main /dl/go1.26.8.windows-amd64.zip", "mirror /files/go1.26.8.windows-amd64.zip"}; !slices.Equal(seen, wantSeen) {
		t.Errorf("requests %q, want %q (index, then the redirect to the mirror)", seen, wantSeen)
	}
	mustContain(t, "log", r.log.String(), "downloading go1.26.8.windows-amd64.zip from "+srv.URL, "downloaded go1.26.8.windows-amd64.zip")
	assertNoTemp(t, r.cache)

	// A second process reuses the verified file without downloading.
	r2 := newRig(t, indexSource(srv), func(o *Options) { o.CacheDir = r.cache })
	again, err := r2.Fetch(context.Background(), "go1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.Path != got.Path {
		t.Errorf("second fetch = %+v, want the cached file", again)
	}
	if n := len(srv.Requests()); n != 4 {
		t.Errorf("%d requests after the cached fetch, want 4 (only the index again)", n)
	}

	// A cached file that no longer matches is replaced.
	if err := os.WriteFile(got.Path, []byte("bit rot"), 0o644); err != nil {
		t.Fatal(err)
	}
	r3 := newRig(t, indexSource(srv), func(o *Options) { o.CacheDir = r.cache })
	third, err := r3.Fetch(context.Background(), "go1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if third.Cached || !bytes.Equal(readFile(t, third.Path), zips["amd64"]) {
		t.Errorf("a corrupt cached file was not downloaded again: %+v", third)
	}
	mustContain(t, "log", r3.log.String(), "warning: the cached", "downloading it again")
}

func TestFetchConcurrentSameFile(t *testing.T) {
	srv, zips := newDL(t)
	cache := t.TempDir()
	var wg sync.WaitGroup
	results := make([]*Fetched, 4)
	errs := make([]error, 4)
	for i := range results {
		r := newRig(t, indexSource(srv), func(o *Options) { o.CacheDir = cache })
		wg.Go(func() { results[i], errs[i] = r.Fetch(context.Background(), "1.26.8", "amd64") })
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("fetch %d: %v", i, errs[i])
		}
		if results[i].Path != results[0].Path {
			t.Errorf("fetch %d got %s, fetch 0 got %s", i, results[i].Path, results[0].Path)
		}
	}
	if !bytes.Equal(readFile(t, results[0].Path), zips["amd64"]) {
		t.Error("concurrent fetches corrupted the cached file")
	}
	assertNoTemp(t, cache)
	// One downloaded it; the others waited for its lock and used its file.
	downloads, cached := 0, 0
	for _, req := range srv.Requests() {
		if req.Host == "mirror" && strings.HasSuffix(req.Path, "go1.26.8.windows-amd64.zip") {
			downloads++
		}
	}
	for _, r := range results {
		if r.Cached {
			cached++
		}
	}
	if downloads != 1 || cached != len(results)-1 {
		t.Errorf("%d downloads and %d cache hits for %d concurrent fetches, want 1 and %d", downloads, cached, len(results), len(results)-1)
	}
	for _, f := range cacheFiles(t, cache) {
		if strings.HasSuffix(f, ".lock") {
			t.Errorf("lock file left in the cache: %s", f)
		}
	}
}

func TestFetchIndexFallsBackToCachedCopy(t *testing.T) {
	srv, zips := newDL(t)
	r := newRig(t, indexSource(srv))
	if _, err := r.Fetch(context.Background(), "1.26.8", "amd64"); err != nil {
		t.Fatal(err)
	}
	// Later the site is down; the cached file can still be used, checked
	// against the cached index.
	srv.FailIndex(fakedl.Fault{Status: 503})
	r2 := newRig(t, indexSource(srv), func(o *Options) { o.CacheDir = r.cache; o.Attempts = 1 })
	got, err := r2.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Cached || !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Errorf("got %+v", got)
	}
	mustContain(t, "log", r2.log.String(), "warning: GET "+srv.URL+"?mode=json&include=all: 503 Service Unavailable", "using the copy of the index cached at")

	// Without a cached copy the error says what failed.
	srv.FailIndex(fakedl.Fault{Status: 503})
	r3 := newRig(t, indexSource(srv), func(o *Options) { o.Attempts = 1 })
	_, err = r3.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "read release index: GET "+srv.URL+"?mode=json&include=all: 503 Service Unavailable")
}

func TestFetchPinnedSHA256(t *testing.T) {
	srv, zips := newDL(t)
	sum := fmt.Sprintf("%x", sha256.Sum256(zips["amd64"]))
	r := newRig(t, indexSource(srv), func(o *Options) {
		o.Pins = map[string]string{"go1.26.8.windows-amd64": sum, "go1.26.8.windows-386": strings.Repeat("0", 64)}
	})
	if _, err := r.Fetch(context.Background(), "1.26.8", "amd64"); err != nil {
		t.Fatal(err)
	}
	_, err := r.Fetch(context.Background(), "1.26.8", "386")
	if err == nil {
		t.Fatal("a pin that differs from the index was ignored")
	}
	mustContain(t, "error", err.Error(), "the pinned one is "+strings.Repeat("0", 64))
	if _, err := New(Options{Source: indexSource(srv), CacheDir: t.TempDir(), Pins: map[string]string{"go1.26.8.windows-386": "abc"}}); err == nil || !strings.Contains(err.Error(), `"abc" is neither 64 lowercase hex digits`) {
		t.Errorf("bad pin: error = %v", err)
	}
}

func TestFetchWaitsForAnotherProcess(t *testing.T) {
	// Another process holds the download lock: Fetch says so and waits,
	// and gives up when its context ends (Ctrl-C), downloading nothing.
	srv, zips := newDL(t)
	r := newRig(t, indexSource(srv))
	final := dlPath(r.cache, File{SHA256: fmt.Sprintf("%x", sha256.Sum256(zips["amd64"])), Filename: "go1.26.8.windows-amd64.zip"})
	os.MkdirAll(filepath.Dir(final), 0o755)
	other := flock.New(filepath.Join(filepath.Dir(final), ".go1.26.8.windows-amd64.zip.lock"))
	if err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	defer other.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	_, err := r.Fetch(ctx, "1.26.8", "amd64")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Fetch while another process downloads = %v, want it to wait until its context ends", err)
	}
	mustContain(t, "log", r.log.String(), "waiting for another gomsi process that is downloading go1.26.8.windows-amd64.zip")
	for _, req := range srv.Requests() {
		if req.Host == "mirror" {
			t.Errorf("downloaded %s while another process held the lock", req.Path)
		}
	}
}
