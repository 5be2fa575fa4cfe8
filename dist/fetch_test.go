package dist

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gomsi/gomsi/dist/internal/fakedl"
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
	r2 := newRig(t, indexSource(srv), func(o *FetchOptions) { o.CacheDir = r.cache })
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
	r3 := newRig(t, indexSource(srv), func(o *FetchOptions) { o.CacheDir = r.cache })
	third, err := r3.Fetch(context.Background(), "go1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if third.Cached || !bytes.Equal(readFile(t, third.Path), zips["amd64"]) {
		t.Errorf("a corrupt cached file was not downloaded again: %+v", third)
	}
	mustContain(t, "log", r3.log.String(), "warning: the cached", "downloading it again")
}

func TestFetchRetriesServerErrors(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 500}, fakedl.Fault{Status: 503})
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Error("wrong content after retries")
	}
	// Jitter 0: half of 1s, then half of 2s.
	if s := r.slept(); len(s) != 2 || s[0] != 500e6 || s[1] != 1e9 {
		t.Errorf("slept %v, want [500ms 1s] (exponential backoff)", s)
	}
	mustContain(t, "log", r.log.String(), "500 Internal Server Error; retrying in 500ms", "503 Service Unavailable; retrying in 1s")
}

func TestFetchHonoursRetryAfter(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 429, RetryAfter: "7"})
	r := newRig(t, indexSource(srv))
	if _, err := r.Fetch(context.Background(), "1.26.8", "amd64"); err != nil {
		t.Fatal(err)
	}
	if s := r.slept(); len(s) != 1 || s[0] != 7e9 {
		t.Errorf("slept %v, want [7s] from Retry-After", s)
	}
	mustContain(t, "log", r.log.String(), "429 Too Many Requests; retrying in 7s")
}

func TestFetchRetryAfterTooLong(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 503, RetryAfter: "86400"})
	r := newRig(t, indexSource(srv))
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "503 Service Unavailable", "asks to retry after 24h0m0s; giving up")
	assertNoZip(t, r.cache)
}

func TestFetchGivesUpAfterAttempts(t *testing.T) {
	srv, _ := newDL(t)
	for range 5 {
		srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 502})
	}
	r := newRig(t, indexSource(srv), func(o *FetchOptions) { o.Attempts = 3 })
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "fetch go1.26.8.windows-amd64.zip: GET "+srv.URL+"go1.26.8.windows-amd64.zip (redirected to "+srv.MirrorURL+"go1.26.8.windows-amd64.zip): 502 Bad Gateway", "gave up after 3 attempts; GOMSI_RETRIES")
	if s := r.slept(); len(s) != 2 {
		t.Errorf("slept %v, want 2 waits for 3 attempts", s)
	}
	assertNoZip(t, r.cache)
}

func TestFetch404FailsAtOnce(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 404})
	r := newRig(t, indexSource(srv))
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "GET "+srv.URL+"go1.26.8.windows-amd64.zip (redirected to "+srv.MirrorURL+"go1.26.8.windows-amd64.zip): 404 Not Found (the source does not have this file)")
	if s := r.slept(); len(s) != 0 {
		t.Errorf("a 404 was retried (slept %v)", s)
	}
	assertNoZip(t, r.cache)
}

func TestFetchResumesDroppedConnection(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{DropAfter: 3000})
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("resumed download differs from the file")
	}
	var ranges []string
	for _, req := range srv.Requests() {
		if req.Host == "mirror" {
			ranges = append(ranges, req.Range+"|"+req.IfRange)
		}
	}
	if len(ranges) != 2 || ranges[0] != "|" || !strings.HasPrefix(ranges[1], "bytes=3000-|\"") {
		t.Errorf("mirror requests (Range|If-Range) = %q, want a plain GET, then bytes=3000- with the ETag", ranges)
	}
	mustContain(t, "log", r.log.String(), "connection closed mid-body", "resuming "+srv.URL+"go1.26.8.windows-amd64.zip at 2.9 kB")
	assertNoTemp(t, r.cache)
}

func TestFetchResumesTruncatedBody(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{TruncateAfter: 2000})
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("content differs")
	}
	mustContain(t, "log", r.log.String(), fmt.Sprintf("body ended after 2000 of %d bytes", len(zips["amd64"])))
	last := srv.Requests()[len(srv.Requests())-1]
	if last.Range != "bytes=2000-" {
		t.Errorf("last request Range %q, want bytes=2000-", last.Range)
	}
}

func TestFetchTruncatedEveryTimeFails(t *testing.T) {
	srv, _ := newDL(t)
	// The same 1000 bytes each time: the server never gets further.
	for range 3 {
		srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{TruncateAfter: 1000, NoRange: true})
	}
	r := newRig(t, indexSource(srv), func(o *FetchOptions) { o.Attempts = 3 })
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "body ended after 1000 of", "gave up after 3 attempts")
	assertNoZip(t, r.cache)
}

func TestFetchRestartsWhenServerCannotResume(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{DropAfter: 3000}, fakedl.Fault{NoRange: true})
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("content differs after a restart")
	}
	mustContain(t, "log", r.log.String(), "the server cannot resume; downloading from the start")
}

func TestFetchChecksumMismatchDeletesDownload(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Corrupt: true})
	r := newRig(t, indexSource(srv))
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("a corrupted download was accepted")
	}
	corrupted := slices.Clone(zips["amd64"])
	corrupted[len(corrupted)/2] ^= 0xff
	got := fmt.Sprintf("%x", sha256.Sum256(corrupted))
	want := fmt.Sprintf("%x", sha256.Sum256(zips["amd64"]))
	mustContain(t, "error", err.Error(), "fetch go1.26.8.windows-amd64.zip: SHA-256 mismatch: the download has "+got+" but the index says "+want, "the download was deleted")
	assertNoZip(t, r.cache)
	if s := r.slept(); len(s) != 0 {
		t.Errorf("a checksum mismatch was retried (slept %v)", s)
	}
}

func TestFetchIndexWithWrongChecksum(t *testing.T) {
	srv, _ := newDL(t)
	srv.SetSHA256("go1.26.8.windows-arm64.zip", strings.Repeat("ab", 32))
	r := newRig(t, indexSource(srv))
	_, err := r.Fetch(context.Background(), "1.26.8", "arm64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "SHA-256 mismatch", "the index says "+strings.Repeat("ab", 32))
	assertNoZip(t, r.cache)
}

func TestFetchIdleTimeout(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{StallAfter: 1000, Stall: 10e9})
	r := newRig(t, indexSource(srv), func(o *FetchOptions) { o.IdleTimeout = 200e6; o.Attempts = 1 })
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("a stalled download did not time out")
	}
	mustContain(t, "error", err.Error(), "GET "+srv.URL+"go1.26.8.windows-amd64.zip (redirected to "+srv.MirrorURL+"go1.26.8.windows-amd64.zip): no data for 200ms (idle timeout; raise GOMSI_IDLE_TIMEOUT")
	assertNoZip(t, r.cache)
}

func TestFetchIdleTimeoutThenResume(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{StallAfter: 1000, Stall: 10e9})
	r := newRig(t, indexSource(srv), func(o *FetchOptions) { o.IdleTimeout = 200e6 })
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("content differs")
	}
	if last := srv.Requests()[len(srv.Requests())-1]; last.Range != "bytes=1000-" {
		t.Errorf("the retry after the stall asked for %q, want bytes=1000-", last.Range)
	}
}

func TestFetchSlowButMovingIsNotKilled(t *testing.T) {
	srv, zips := newDL(t)
	// About 23 pieces 50ms apart: over a second in all, far beyond the
	// 300ms idle timeout, but never idle that long.
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Trickle: 50e6})
	r := newRig(t, indexSource(srv), func(o *FetchOptions) { o.IdleTimeout = 300e6; o.Attempts = 1 })
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("content differs")
	}
}

func TestFetchCancelled(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{StallAfter: 1000, Stall: 10e9})
	ctx, cancel := context.WithCancel(context.Background())
	r := newRig(t, indexSource(srv), func(o *FetchOptions) {
		o.Log = writerFunc(func(p []byte) (int, error) {
			if bytes.Contains(p, []byte("downloading")) {
				go cancel() // the user presses Ctrl-C mid-download
			}
			return len(p), nil
		})
	})
	_, err := r.Fetch(ctx, "1.26.8", "amd64")
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("error = %v, want context canceled", err)
	}
	if s := r.slept(); len(s) != 0 {
		t.Errorf("a cancelled download was retried (slept %v)", s)
	}
	assertNoZip(t, r.cache)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestFetchConcurrentSameFile(t *testing.T) {
	srv, zips := newDL(t)
	cache := t.TempDir()
	var wg sync.WaitGroup
	results := make([]*Fetched, 4)
	errs := make([]error, 4)
	for i := range results {
		r := newRig(t, indexSource(srv), func(o *FetchOptions) { o.CacheDir = cache })
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
	r2 := newRig(t, indexSource(srv), func(o *FetchOptions) { o.CacheDir = r.cache; o.Attempts = 1 })
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
	r3 := newRig(t, indexSource(srv), func(o *FetchOptions) { o.Attempts = 1 })
	_, err = r3.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "read release index: GET "+srv.URL+"?mode=json&include=all: 503 Service Unavailable")
}

func TestFetchPinnedSHA256(t *testing.T) {
	srv, zips := newDL(t)
	sum := fmt.Sprintf("%x", sha256.Sum256(zips["amd64"]))
	r := newRig(t, indexSource(srv), func(o *FetchOptions) {
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
	if _, err := NewFetcher(FetchOptions{Source: indexSource(srv), CacheDir: t.TempDir(), Pins: map[string]string{"go1.26.8.windows-386": "abc"}}); err == nil || !strings.Contains(err.Error(), `"abc" is neither 64 lowercase hex digits`) {
		t.Errorf("bad pin: error = %v", err)
	}
}
