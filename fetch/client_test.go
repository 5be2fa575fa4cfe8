package fetch

import (
	"bytes"
	"context"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/fakedl"
	"github.com/gomsi/gomsi/internal/testing/fwdproxy"
	"golang.org/x/net/http/httpproxy"
)

// proxyEnv is the proxy setting package config reads from an environment
// holding the variables of m (either case).
func proxyEnv(m map[string]string) httpproxy.Config {
	either := func(k string) string {
		if v := m[k]; v != "" {
			return v
		}
		return m[strings.ToLower(k)]
	}
	return httpproxy.Config{HTTPProxy: either("HTTP_PROXY"), HTTPSProxy: either("HTTPS_PROXY"), NoProxy: either("NO_PROXY")}
}

// writeCA saves a certificate as a PEM bundle, as GOMSI_CA_FILE takes it.
func writeCA(t *testing.T, srv *fakedl.Server) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "corp-root.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func newTLSDL(t *testing.T) (*fakedl.Server, []byte) {
	t.Helper()
	srv := fakedl.NewTLS()
	t.Cleanup(srv.Close)
	data := fakedl.DistZip("go1.26.8")
	srv.AddZip("go1.26.8", true, "amd64", data)
	return srv, data
}

func TestCAFile(t *testing.T) {
	srv, data := newTLSDL(t)

	// Without the CA, as behind a TLS-inspecting proxy: a clear error, no retries.
	plain, err := NewHTTPClient(ClientOptions{Proxy: proxyEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, indexSource(srv), func(o *Options) { o.HTTPClient = plain })
	_, err = r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("an untrusted certificate was accepted")
	}
	mustContain(t, "error", err.Error(), "certificate", "set GOMSI_CA_FILE to a PEM file holding its root certificate")
	if s := r.slept(); len(s) != 0 {
		t.Errorf("a certificate error was retried (slept %v)", s)
	}

	// With it, the index and the redirected download both work.
	withCA, err := NewHTTPClient(ClientOptions{CAFile: writeCA(t, srv), Proxy: proxyEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	r2 := newRig(t, indexSource(srv), func(o *Options) { o.HTTPClient = withCA })
	got, err := r2.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), data) {
		t.Error("content differs")
	}
}

func TestCAFileWithoutCertificates(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(p, []byte("not a certificate\n"), 0o644)
	_, err := NewHTTPClient(ClientOptions{CAFile: p})
	if err == nil || !strings.Contains(err.Error(), "read GOMSI_CA_FILE "+p+": no PEM certificate in it") {
		t.Errorf("error = %v", err)
	}
}

func TestHTTPProxyFromEnvironment(t *testing.T) {
	srv, zips := newDL(t)
	main := strings.TrimSuffix(strings.TrimPrefix(srv.URL, "http://"), "/dl/")
	proxy := fwdproxy.New(map[string]string{"dl.example.test:80": main}, "", "")
	t.Cleanup(proxy.Close)
	client, err := NewHTTPClient(ClientOptions{Proxy: proxyEnv(map[string]string{"http_proxy": proxy.URL})})
	if err != nil {
		t.Fatal(err)
	}
	// dl.example.test does not resolve: only the proxy can reach it.
	r := newRig(t, Source{Kind: SourceIndex, URL: "http://dl.example.test/dl/"}, func(o *Options) { o.HTTPClient = client })
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Error("content differs")
	}
	want := []string{"GET http://dl.example.test/dl/?mode=json&include=all", "GET http://dl.example.test/dl/go1.26.8.windows-amd64.zip"}
	if seen := proxy.Seen(); !slices.Equal(seen, want) {
		t.Errorf("the proxy saw %q, want %q", seen, want)
	}
}

func TestHTTPSProxyWithCredentialsAndCA(t *testing.T) {
	srv, data := newTLSDL(t)
	main := strings.TrimSuffix(strings.TrimPrefix(srv.URL, "https://"), "/dl/")
	const secret = "pr0xy-s3cret"
	proxy := fwdproxy.New(map[string]string{"example.com:443": main}, "builder", secret)
	t.Cleanup(proxy.Close)
	u, _ := url.Parse(proxy.URL)
	u.User = url.UserPassword("builder", secret)
	env := map[string]string{"HTTPS_PROXY": u.String(), "NO_PROXY": "internal.example"}
	client, err := NewHTTPClient(ClientOptions{CAFile: writeCA(t, srv), Proxy: proxyEnv(env)})
	if err != nil {
		t.Fatal(err)
	}
	// example.com is in the test certificate; the proxy tunnels to the server.
	r := newRig(t, Source{Kind: SourceIndex, URL: "https://example.com/dl/"}, func(o *Options) { o.HTTPClient = client })
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), data) {
		t.Error("content differs")
	}
	if seen := proxy.Seen(); len(seen) == 0 || seen[0] != "CONNECT example.com:443" {
		t.Errorf("the proxy saw %q, want a CONNECT tunnel to example.com:443", seen)
	}

	// Wrong credentials: the error says so and shows neither password.
	u.User = url.UserPassword("builder", "wr0ng-"+secret)
	env["HTTPS_PROXY"] = u.String()
	bad, err := NewHTTPClient(ClientOptions{CAFile: writeCA(t, srv), Proxy: proxyEnv(env)})
	if err != nil {
		t.Fatal(err)
	}
	r2 := newRig(t, Source{Kind: SourceIndex, URL: "https://example.com/dl/"}, func(o *Options) { o.HTTPClient = bad; o.Attempts = 1 })
	_, err = r2.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error with wrong proxy credentials")
	}
	mustContain(t, "error", err.Error(), "Proxy Authentication Required")
	for _, out := range []string{err.Error(), r2.log.String(), r.log.String()} {
		if strings.Contains(out, secret) {
			t.Errorf("the proxy password leaked: %s", out)
		}
	}
}

func TestNoProxy(t *testing.T) {
	env := map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128", "HTTP_PROXY": "http://proxy.corp:3128", "NO_PROXY": "mirror.corp,.internal"}
	f := proxyFunc(proxyEnv(env))
	for target, want := range map[string]string{
		"https://go.dev/dl/":            "http://proxy.corp:3128",
		"http://go.dev/dl/":             "http://proxy.corp:3128",
		"https://mirror.corp/dl/":       "",
		"https://dl.build.internal/dl/": "",
	} {
		req, _ := http.NewRequest("GET", target, nil)
		u, err := f(req)
		got := ""
		if u != nil {
			got = u.String()
		}
		if err != nil || got != want {
			t.Errorf("proxy for %s = %q, %v; want %q", target, got, err, want)
		}
	}
}

func TestCredentialsInSourceURLNeverShown(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 404})
	const secret = "t0ken-abc123"
	u, _ := url.Parse(srv.URL)
	u.User = url.UserPassword("ci", secret)
	r := newRig(t, Source{Kind: SourceIndex, URL: u.String()})
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "404 Not Found")
	for _, out := range []string{err.Error(), r.log.String()} {
		if strings.Contains(out, secret) || strings.Contains(out, "ci:") {
			t.Errorf("credentials leaked: %s", out)
		}
	}

	// The same for a token in a module proxy URL and a closed port.
	r2 := newRig(t, Source{Kind: SourceProxy, URL: "http://ci:" + secret + "@127.0.0.1:1"}, func(o *Options) { o.Attempts = 2 })
	_, err = r2.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "connection refused", "http://xxxxx@127.0.0.1:1/golang.org/toolchain/@v/list")
	for _, out := range []string{err.Error(), r2.log.String()} {
		if strings.Contains(out, secret) {
			t.Errorf("credentials leaked: %s", out)
		}
	}
}
