package fetch

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/fakedl"
	"github.com/gomsi/gomsi/internal/testing/fakeproxy"
	"golang.org/x/mod/sumdb/note"
)

// newProxy starts a module proxy and checksum database with a few
// toolchains. The module zips of go1.26.8 are returned by arch.
func newProxy(t *testing.T) (*fakeproxy.Server, map[string][]byte) {
	t.Helper()
	srv, err := fakeproxy.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	zips := map[string][]byte{}
	for _, v := range []string{
		"v0.0.1-go1.25.5.windows-amd64",
		"v0.0.1-go1.26.8.windows-386",
		"v0.0.1-go1.26.8.windows-amd64",
		"v0.0.1-go1.26.8.linux-amd64",
		"v0.0.1-go1.27rc1.windows-amd64",
	} {
		goVersion, _, _ := strings.Cut(strings.TrimPrefix(v, "v0.0.1-"), ".windows")
		z, err := fakedl.ModuleZip(fakedl.DistZip(goVersion+" "+v), v)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Add(v, z); err != nil {
			t.Fatal(err)
		}
		if arch, ok := strings.CutPrefix(v, "v0.0.1-go1.26.8.windows-"); ok {
			zips[arch] = z
		}
	}
	return srv, zips
}

func proxySource(srv *fakeproxy.Server) Source { return Source{Kind: SourceProxy, URL: srv.URL} }

func withSumDB(s string) func(*Options) { return func(o *Options) { o.SumDB = s } }

func TestProxyResolve(t *testing.T) {
	srv, _ := newProxy(t)
	r := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB))
	for spec, want := range map[string]string{"latest": "go1.26.8", "1.25": "go1.25.5", "1.27rc1": "go1.27rc1"} {
		rels, err := r.Resolve(context.Background(), spec, []string{"amd64"})
		if err != nil || len(rels) != 1 || rels[0].Version != want {
			t.Errorf("Resolve(%s) = %v, %v; want %s", spec, rels, err, want)
		}
	}
	_, err := r.Resolve(context.Background(), "1.26.9", []string{"amd64"})
	if err == nil || !strings.Contains(err.Error(), "go1.26.9 does not exist; nearest: go1.26.8, go1.27rc1") {
		t.Errorf("unknown version: %v", err)
	}
	_, err = r.Resolve(context.Background(), "1.25.5", []string{"386"})
	if err == nil || !strings.Contains(err.Error(), "no windows/386 zip, only amd64") {
		t.Errorf("missing arch: %v", err)
	}
}

func TestProxyFetchVerifiesWithChecksumDatabase(t *testing.T) {
	srv, zips := newProxy(t)
	r := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if got.Layout != LayoutModule || got.Prefix != "golang.org/toolchain@v0.0.1-go1.26.8.windows-amd64/" || got.Version != "go1.26.8" || got.Arch != "amd64" {
		t.Errorf("Fetch = %+v", got)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) || got.SHA256 != fmt.Sprintf("%x", sha256.Sum256(zips["amd64"])) {
		t.Error("the cached zip differs from the served one")
	}
	reqs := srv.Requests()
	for _, want := range []string{"proxy /golang.org/toolchain/@v/list", "sumdb /lookup/golang.org/toolchain@v0.0.1-go1.26.8.windows-amd64", "proxy /golang.org/toolchain/@v/v0.0.1-go1.26.8.windows-amd64.zip"} {
		if !slices.Contains(reqs, want) {
			t.Errorf("no request %q in %q", want, reqs)
		}
	}
	assertNoTemp(t, r.cache)

	// The next run finds the zip, the record and the tree in the cache: the
	// checksum database and the zip are not asked again.
	r2 := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB), func(o *Options) { o.CacheDir = r.cache })
	again, err := r2.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.SHA256 != got.SHA256 {
		t.Errorf("second fetch = %+v", again)
	}
	if extra := srv.Requests()[len(reqs):]; !slices.Equal(extra, []string{"proxy /golang.org/toolchain/@v/list"}) {
		t.Errorf("second fetch made requests %q, want only the version list", extra)
	}

	// A cached zip that changed is checked again and replaced.
	if err := os.WriteFile(got.Path, zips["386"], 0o644); err != nil {
		t.Fatal(err)
	}
	r3 := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB), func(o *Options) { o.CacheDir = r.cache })
	third, err := r3.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if third.Cached || !bytes.Equal(readFile(t, third.Path), zips["amd64"]) {
		t.Errorf("a changed cached zip was used: %+v", third)
	}
	mustContain(t, "log", r3.log.String(), "warning: the cached", "module hash h1:")
}

func TestProxyRefusesTamperedZip(t *testing.T) {
	srv, zips := newProxy(t)
	// The proxy serves the 386 zip's content under the amd64 name: a
	// well-formed module zip that is not the one the database vouches for.
	evil, err := fakedl.ModuleZip(fakedl.DistZip("go1.26.8 evil"), "v0.0.1-go1.26.8.windows-amd64")
	if err != nil {
		t.Fatal(err)
	}
	srv.Tamper("v0.0.1-go1.26.8.windows-amd64", evil)
	goodH1, _ := srv.H1("v0.0.1-go1.26.8.windows-amd64", zips["amd64"])
	evilH1, _ := srv.H1("v0.0.1-go1.26.8.windows-amd64", evil)
	r := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB))
	_, err = r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("a tampered toolchain was accepted")
	}
	mustContain(t, "error", err.Error(), "fetch golang.org/toolchain@v0.0.1-go1.26.8.windows-amd64: SECURITY ERROR: module hash mismatch: the proxy's zip has "+evilH1+" but the checksum database (or pin) says "+goodH1, "the download was deleted")
	assertNoZip(t, r.cache)
}

func TestProxyRefusesZipOutsideModule(t *testing.T) {
	srv, _ := newProxy(t)
	// A zip for another version: its files are outside the expected prefix.
	other, err := fakedl.ModuleZip(fakedl.DistZip("go1.26.8"), "v0.0.1-go1.26.7.windows-amd64")
	if err != nil {
		t.Fatal(err)
	}
	srv.Tamper("v0.0.1-go1.26.8.windows-amd64", other)
	r := newRig(t, proxySource(srv), func(o *Options) { o.SumDB = "off" })
	_, err = r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("a zip for another module version was accepted")
	}
	mustContain(t, "error", err.Error(), "not a valid module zip, refused and deleted", "golang.org/toolchain@v0.0.1-go1.26.7.windows-amd64/")
	assertNoZip(t, r.cache)
}

func TestProxyRefusesForgedDatabase(t *testing.T) {
	srv, _ := newProxy(t)
	// A key with the database's name but another secret: the real
	// database's signatures do not verify with it.
	_, vkey, err := note.GenerateKey(rand.Reader, srv.Name)
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, proxySource(srv), withSumDB(vkey+" "+srv.SumDBURL))
	_, err = r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("a database with the wrong key was trusted")
	}
	mustContain(t, "error", err.Error(), "verify with checksum database sum.test", "no verifiable signatures", "does not match the key in GOSUMDB")
	assertNoZip(t, r.cache)
	for _, f := range cacheFiles(t, r.cache) {
		if strings.HasPrefix(f, "sumdb/") {
			t.Errorf("an unverified tree was saved: %s", f)
		}
	}
}

func TestProxyUnknownToDatabase(t *testing.T) {
	srv, _ := newProxy(t)
	// The proxy lists a version the database has never heard of.
	r := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB))
	z, err := fakedl.ModuleZip(fakedl.DistZip("go1.26.9"), "v0.0.1-go1.26.9.windows-amd64")
	if err != nil {
		t.Fatal(err)
	}
	srv.AddUnsigned("v0.0.1-go1.26.9.windows-amd64", z)
	_, err = r.Fetch(context.Background(), "1.26.9", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "verify with checksum database sum.test", "404 Not Found")
	assertNoZip(t, r.cache)
}

func TestProxyChecksumDatabaseOff(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Options)
		warn string
	}{
		{"GOSUMDB=off", func(o *Options) { o.SumDB = "off" }, "warning: GOSUMDB=off: golang.org/toolchain@v0.0.1-go1.26.8.windows-amd64 is NOT checked against a checksum database"},
		{"GONOSUMDB", func(o *Options) { o.NoSumDB = "example.com,golang.org" }, "warning: GONOSUMDB=example.com,golang.org matches golang.org/toolchain"},
		{"GOPRIVATE", func(o *Options) { o.Private = "golang.org/toolchain" }, "warning: GOPRIVATE=golang.org/toolchain matches golang.org/toolchain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, zips := newProxy(t)
			r := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB), tc.edit)
			got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
				t.Error("content differs")
			}
			mustContain(t, "log", r.log.String(), tc.warn)
			for _, req := range srv.Requests() {
				if strings.HasPrefix(req, "sumdb ") {
					t.Errorf("the database was asked although the user turned it off: %s", req)
				}
			}
		})
	}
	// GONOSUMDB set to something else wins over GOPRIVATE, as in the go command.
	srv, _ := newProxy(t)
	r := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB), func(o *Options) { o.NoSumDB = "example.com"; o.Private = "golang.org" })
	if _, err := r.Fetch(context.Background(), "1.26.8", "amd64"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.log.String(), "NOT checked") {
		t.Errorf("GOPRIVATE turned the database off although GONOSUMDB is set:\n%s", r.log)
	}
}

func TestProxyChecksumDatabaseThroughProxy(t *testing.T) {
	srv, zips := newProxy(t)
	srv.ProxySumDB(true)
	// GOSUMDB without a URL: the database is reached through the proxy,
	// the only way out of many corporate networks.
	r := newRig(t, proxySource(srv), withSumDB(srv.VerifierKey))
	got, err := r.Fetch(context.Background(), "1.26.8", "386")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["386"]) {
		t.Error("content differs")
	}
	reqs := srv.Requests()
	for _, want := range []string{"proxy /sumdb/sum.test/supported", "proxy /sumdb/sum.test/lookup/golang.org/toolchain@v0.0.1-go1.26.8.windows-386"} {
		if !slices.Contains(reqs, want) {
			t.Errorf("no request %q in %q", want, reqs)
		}
	}
}

func TestProxyChecksumDatabaseUnreachable(t *testing.T) {
	srv, _ := newProxy(t)
	// No URL, and the proxy does not serve the database: the direct URL is
	// https://sum.test, which the test points at a closed port.
	r := newRig(t, proxySource(srv), withSumDB(srv.VerifierKey), func(o *Options) {
		o.Attempts = 1
		o.HTTPClient = clientResolving(t, "sum.test:443", "127.0.0.1:1")
	})
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "verify with checksum database sum.test", "https://sum.test/lookup/golang.org/toolchain@v0.0.1-go1.26.8.windows-amd64", "connection refused")
	assertNoZip(t, r.cache)
}

func TestProxyPinnedHash(t *testing.T) {
	srv, zips := newProxy(t)
	h1, err := srv.H1("v0.0.1-go1.26.8.windows-amd64", zips["amd64"])
	if err != nil {
		t.Fatal(err)
	}
	pins := map[string]string{
		"go1.26.8.windows-amd64": h1,
		"go1.26.8.windows-386":   h1, // wrong on purpose
	}
	r := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB), func(o *Options) { o.Pins = pins })
	if _, err := r.Fetch(context.Background(), "1.26.8", "amd64"); err != nil {
		t.Fatal(err)
	}
	_, err = r.Fetch(context.Background(), "1.26.8", "386")
	if err == nil {
		t.Fatal("a zip that does not match its pin was accepted")
	}
	mustContain(t, "error", err.Error(), "module hash mismatch", "says "+h1)
	for _, req := range srv.Requests() {
		if strings.HasPrefix(req, "sumdb ") {
			t.Errorf("the database was asked although the hash is pinned: %s", req)
		}
	}
	sum := fmt.Sprintf("%x", sha256.Sum256(zips["386"]))
	r2 := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB), func(o *Options) { o.Pins = map[string]string{"go1.26.8.windows-386": sum} })
	if _, err := r2.Fetch(context.Background(), "1.26.8", "386"); err != nil {
		t.Errorf("a correct SHA-256 pin: %v", err)
	}
}

func TestParseSumDB(t *testing.T) {
	for _, tc := range []struct{ in, name, url, error string }{
		{"", "sum.golang.org", "", ""},
		{"sum.golang.org", "sum.golang.org", "", ""},
		{"sum.golang.google.cn", "sum.golang.org", "https://sum.golang.google.cn", ""},
		{knownSumDBs["sum.golang.org"] + " https://mirror.example.com/sumdb/", "sum.golang.org", "https://mirror.example.com/sumdb", ""},
		{"sum.example.com", "", "", `"sum.example.com" is neither a known database`},
		{"a b c", "", "", "too many fields"},
		{"sum.golang.org ftp://x", "", "", "want an http:// or https:// URL"},
	} {
		c, err := parseSumDB(tc.in)
		if tc.error != "" {
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Errorf("parseSumDB(%q) error = %v, want %q", tc.in, err, tc.error)
			}
			continue
		}
		if err != nil || c.name != tc.name || c.url != tc.url {
			t.Errorf("parseSumDB(%q) = %+v, %v", tc.in, c, err)
		}
	}
}

func TestParseToolchainVersion(t *testing.T) {
	for in, want := range map[string]string{
		"v0.0.1-go1.26.8.windows-amd64":  "go1.26.8 amd64",
		"v0.0.1-go1.27rc1.windows-arm64": "go1.27rc1 arm64",
		"v0.0.1-go1.20.windows-386":      "go1.20 386",
		"v0.0.1-go1.26.8.linux-amd64":    "",
		"v0.0.2-go1.26.8.windows-amd64":  "",
		"v0.0.1-gox.windows-amd64":       "",
		"v0.0.1-go1.26.8.windows-":       "",
	} {
		v, arch, ok := parseToolchainVersion(in)
		got := ""
		if ok {
			got = v + " " + arch
		}
		if got != want {
			t.Errorf("parseToolchainVersion(%s) = %q, want %q", in, got, want)
		}
	}
}
