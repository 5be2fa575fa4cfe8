package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/fakedl"
)

func TestParseGOPROXY(t *testing.T) {
	direct := Proxy{URL: DirectToolchainURL, Direct: true}
	for _, tc := range []struct {
		goproxy string
		want    []Proxy
		error   string
	}{
		{"", []Proxy{{URL: "https://proxy.golang.org"}, direct}, ""},
		{"https://a.example/,https://b.example|direct", []Proxy{{URL: "https://a.example"}, {URL: "https://b.example", OnAnyError: true}, direct}, ""},
		{"direct", []Proxy{direct}, ""},
		{"proxy.golang.org", []Proxy{{URL: "https://proxy.golang.org"}}, ""},
		{" https://a.example , off , https://b.example", []Proxy{{URL: "https://a.example"}}, ""},
		{"http://127.0.0.1:3000||direct", []Proxy{{URL: "http://127.0.0.1:3000", OnAnyError: true}, direct}, ""},
		{"off", nil, `parse GOPROXY "off": it allows no module download (off)`},
		{"off,https://a.example", nil, "it allows no module download"},
		{"file:///srv/goproxy", nil, "parse GOPROXY file:///srv/goproxy: want an http:// or https:// URL"},
	} {
		got, err := parseGOPROXY(tc.goproxy)
		if tc.error != "" {
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Errorf("parseGOPROXY(%q) error = %v, want %q", tc.goproxy, err, tc.error)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseGOPROXY(%q) = %+v, %v; want %+v", tc.goproxy, got, err, tc.want)
		}
	}
}

// statusProxy is a module proxy that answers every request with one
// status, as a corporate mirror without golang.org/toolchain does.
type statusProxy struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newStatusProxy(t *testing.T, code int) *statusProxy {
	p := &statusProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.paths = append(p.paths, r.URL.Path)
		p.mu.Unlock()
		http.Error(w, http.StatusText(code), code)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *statusProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.paths)
}

func goproxySource(t *testing.T, goproxy string) Source {
	t.Helper()
	src, err := ParseSource("proxy", goproxy)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestProxyListMovesOnAfterNotFound(t *testing.T) {
	srv, zips := newProxy(t)
	corp := newStatusProxy(t, http.StatusNotFound)
	r := newRig(t, goproxySource(t, corp.URL+","+srv.URL), withSumDB(srv.GOSUMDB))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if string(readFile(t, got.Path)) != string(zips["amd64"]) {
		t.Error("the cached zip differs from the one the second proxy serves")
	}
	want := []string{"/golang.org/toolchain/@v/list", "/golang.org/toolchain/@v/v0.0.1-go1.26.8.windows-amd64.zip"}
	if reqs := corp.requests(); !slices.Equal(reqs, want) {
		t.Errorf("the first proxy was asked %q, want %q", reqs, want)
	}
	mustContain(t, "log", r.log.String(), corp.URL+"/golang.org/toolchain/@v/list: 404 Not Found", "trying the next proxy in GOPROXY, "+srv.URL)
}

func TestProxyEmptyListMovesOn(t *testing.T) {
	// A mirror that answers the list with nothing for golang.org/toolchain
	// (and 404 for its zips).
	srv, _ := newProxy(t)
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/@v/list") {
			http.NotFound(w, r)
		}
	}))
	defer empty.Close()
	r := newRig(t, goproxySource(t, empty.URL+","+srv.URL), withSumDB(srv.GOSUMDB))
	if _, err := r.Fetch(context.Background(), "1.26.8", "amd64"); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "log", r.log.String(), "it lists no Windows build of golang.org/toolchain")
}

func TestProxyServerErrorStopsAtComma(t *testing.T) {
	srv, _ := newProxy(t)
	corp := newStatusProxy(t, http.StatusInternalServerError)
	r := newRig(t, goproxySource(t, corp.URL+","+srv.URL), withSumDB(srv.GOSUMDB), func(o *Options) { o.Attempts = 2 })
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("a proxy's 500 was passed over although GOPROXY separates it with a comma")
	}
	mustContain(t, "error", err.Error(), "list Go toolchains on the module proxy: GET "+corp.URL+"/golang.org/toolchain/@v/list: 500 Internal Server Error", "gave up after 2 attempts")
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("the second proxy was asked %q", reqs)
	}
	assertNoZip(t, r.cache)
}

func TestProxyServerErrorMovesOnAtPipe(t *testing.T) {
	srv, _ := newProxy(t)
	corp := newStatusProxy(t, http.StatusBadGateway)
	r := newRig(t, goproxySource(t, corp.URL+"|"+srv.URL), withSumDB(srv.GOSUMDB), func(o *Options) { o.Attempts = 1 })
	if _, err := r.Fetch(context.Background(), "1.26.8", "amd64"); err != nil {
		t.Fatal(err)
	}
	if n := len(corp.requests()); n != 2 {
		t.Errorf("the first proxy got %d requests, want the list and the zip", n)
	}
}

func TestProxyAllNotFound(t *testing.T) {
	a, b := newStatusProxy(t, http.StatusNotFound), newStatusProxy(t, http.StatusGone)
	r := newRig(t, goproxySource(t, a.URL+","+b.URL), func(o *Options) { o.SumDB = "off" })
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no proxy has the toolchain, yet Fetch succeeded")
	}
	mustContain(t, "error", err.Error(), "2 proxies in GOPROXY tried: GET "+a.URL+"/golang.org/toolchain/@v/list: 404 Not Found", "; then GET "+b.URL+"/golang.org/toolchain/@v/list: 410 Gone")
}

func TestProxyTamperedZipIsNotAskedElsewhere(t *testing.T) {
	// "|" moves on after any error of the download, but a zip that fails
	// its hash is refused: another proxy is not a second opinion.
	srv, _ := newProxy(t)
	evil, err := fakedl.ModuleZip(fakedl.DistZip("go1.26.8 evil"), "v0.0.1-go1.26.8.windows-amd64")
	if err != nil {
		t.Fatal(err)
	}
	srv.Tamper("v0.0.1-go1.26.8.windows-amd64", evil)
	next := newStatusProxy(t, http.StatusNotFound)
	r := newRig(t, goproxySource(t, srv.URL+"|"+next.URL), withSumDB(srv.GOSUMDB))
	_, err = r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("a tampered toolchain was accepted")
	}
	mustContain(t, "error", err.Error(), "SECURITY ERROR: module hash mismatch")
	if reqs := next.requests(); len(reqs) != 0 {
		t.Errorf("the next proxy was asked %q after a tampered zip", reqs)
	}
	assertNoZip(t, r.cache)
}

func TestSumDBThroughSecondProxy(t *testing.T) {
	// Without a database URL in GOSUMDB, the database is reached through
	// the first proxy that serves it, after others that answer 404.
	srv, _ := newProxy(t)
	srv.ProxySumDB(true)
	corp := newStatusProxy(t, http.StatusNotFound)
	vkey, _, _ := strings.Cut(srv.GOSUMDB, " ")
	r := newRig(t, goproxySource(t, corp.URL+","+srv.URL), withSumDB(vkey))
	if _, err := r.Fetch(context.Background(), "1.26.8", "amd64"); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(corp.requests(), "/sumdb/sum.test/supported") {
		t.Errorf("the first proxy was not asked for the database: %q", corp.requests())
	}
	if !slices.Contains(srv.Requests(), "proxy /sumdb/sum.test/supported") {
		t.Errorf("the second proxy was not asked for the database: %q", srv.Requests())
	}
}

func TestProxyListHidesCredentials(t *testing.T) {
	// Corporate proxies often carry a token in GOPROXY's URL; neither the
	// log of a fall-through nor the final error may show it.
	const secret = "s3cr3t-t0ken"
	a, b := newStatusProxy(t, http.StatusNotFound), newStatusProxy(t, http.StatusForbidden)
	withCreds := func(u string) string { return strings.Replace(u, "http://", "http://ci:"+secret+"@", 1) }
	r := newRig(t, goproxySource(t, withCreds(a.URL)+","+withCreds(b.URL)), func(o *Options) { o.SumDB = "off" })
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no proxy has the toolchain, yet Fetch succeeded")
	}
	mustContain(t, "error", err.Error(), "404 Not Found", "; then GET http://xxxxx@127.0.0.1:", "403 Forbidden")
	mustContain(t, "log", r.log.String(), "trying the next proxy in GOPROXY, http://xxxxx@127.0.0.1:")
	for what, s := range map[string]string{"error": err.Error(), "log": r.log.String()} {
		if strings.Contains(s, secret) {
			t.Errorf("the %s shows the proxy's password:\n%s", what, s)
		}
	}
}
