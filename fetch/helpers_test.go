package fetch

import (
	"bytes"
	"context"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/internal/testing/fakedl"
)

// syncBuffer is a log that concurrent downloads can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fetchRig is a Fetcher wired to record what the user sees (the log) and
// how long it was told to wait, without waiting.
type fetchRig struct {
	*Fetcher
	cache string
	log   *syncBuffer

	mu     sync.Mutex
	sleeps []time.Duration
}

func newRig(t *testing.T, src Source, edit ...func(*Options)) *fetchRig {
	t.Helper()
	r := &fetchRig{cache: t.TempDir(), log: &syncBuffer{}}
	opts := Options{
		Source:      src,
		CacheDir:    r.cache,
		Log:         r.log,
		IdleTimeout: 5 * time.Second,
		Jitter:      func() float64 { return 0 },
		Sleep: func(ctx context.Context, d time.Duration) error {
			r.mu.Lock()
			r.sleeps = append(r.sleeps, d)
			r.mu.Unlock()
			return ctx.Err()
		},
	}
	for _, e := range edit {
		e(&opts)
	}
	f, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	r.Fetcher = f
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("fetch log:\n%s", r.log)
		}
	})
	return r
}

func (r *fetchRig) slept() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.sleeps...)
}

// newDL starts a fake download site with a few releases. The zips of
// go1.26.8 are returned by arch.
func newDL(t *testing.T) (*fakedl.Server, map[string][]byte) {
	t.Helper()
	srv := fakedl.New()
	t.Cleanup(srv.Close)
	zips := map[string][]byte{}
	for _, r := range []struct {
		version string
		stable  bool
		arches  []string
	}{
		{"go1.25.5", true, []string{"386", "amd64"}},
		{"go1.26.7", true, []string{"386", "amd64", "arm64"}},
		{"go1.26.8", true, []string{"386", "amd64", "arm64"}},
		{"go1.27rc1", false, []string{"amd64", "arm64"}},
	} {
		for _, arch := range r.arches {
			data := fakedl.DistZip(r.version + " " + arch)
			srv.AddZip(r.version, r.stable, arch, data)
			if r.version == "go1.26.8" {
				zips[arch] = data
			}
		}
	}
	return srv, zips
}

func indexSource(srv *fakedl.Server) Source { return Source{Kind: SourceIndex, URL: srv.URL} }

// cacheFiles lists the files under dir, relative and slash-separated.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// assertNoZip fails if a zip or a partial download is in the cache: after
// a failed fetch nothing half-written or unverified may remain.
func assertNoZip(t *testing.T, dir string) {
	t.Helper()
	for _, f := range cacheFiles(t, dir) {
		if strings.Contains(f, atomicfile.TempMark) || strings.HasSuffix(f, ".zip") {
			t.Errorf("left in the cache after a failure: %s", f)
		}
	}
}

// assertNoTemp fails if a temporary file remains.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	for _, f := range cacheFiles(t, dir) {
		if strings.Contains(f, atomicfile.TempMark) {
			t.Errorf("temporary file left in the cache: %s", f)
		}
	}
}

func mustContain(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s does not mention %q:\n%s", what, w, s)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// clientResolving returns an HTTP client that connects to addr whenever
// it is asked for hostport, like a hosts-file entry.
func clientResolving(t *testing.T, hostport, addr string) *http.Client {
	t.Helper()
	c, err := NewHTTPClient(ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr := c.Transport.(*http.Transport)
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, a string) (net.Conn, error) {
		if a == hostport {
			a = addr
		}
		return dial(ctx, network, a)
	}
	return c
}
