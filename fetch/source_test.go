package fetch

import (
	"strings"
	"testing"
	"time"
)

func TestParseSource(t *testing.T) {
	for _, tc := range []struct {
		in, goproxy string
		kind        SourceKind
		url, path   string
		error       string
	}{
		{in: "", kind: SourceIndex, url: "https://go.dev/dl/"},
		{in: "https://go.dev/dl/", kind: SourceIndex, url: "https://go.dev/dl/"},
		{in: "http://127.0.0.1:8080/dl", kind: SourceIndex, url: "http://127.0.0.1:8080/dl/"},
		{in: "https://mirror.example.com/golang/", kind: SourceIndex, url: "https://mirror.example.com/golang/"},
		{in: "https://go.dev/dl/go1.26.8.windows-amd64.zip", error: "a zip URL is not a source"},
		{in: "proxy", kind: SourceProxy, url: "https://proxy.golang.org"},
		{in: "proxy", goproxy: "https://goproxy.example.com/|https://proxy.golang.org", kind: SourceProxy, url: "https://goproxy.example.com"},
		{in: "proxy", goproxy: "direct", kind: SourceProxy, url: "https://go.dev/dl/mod"},
		{in: "proxy", goproxy: "off", error: `parse GOPROXY "off": it allows no module download`},
		{in: "proxy", goproxy: "file:///srv/goproxy", error: "parse GOPROXY file:///srv/goproxy: want an http:// or https:// URL"},
		{in: "proxy:https://athens.example.com/", kind: SourceProxy, url: "https://athens.example.com"},
		{in: "proxy:athens", error: "parse GOMSI_SOURCE=proxy:<url> athens: want an http:// or https:// URL"},
		{in: "../shared/fixtures/go1.26.8.windows-amd64.zip", kind: SourceLocal, path: "../shared/fixtures/go1.26.8.windows-amd64.zip"},
		{in: `C:\go`, kind: SourceLocal, path: `C:\go`},
		{in: `C:/Go dists/go.zip`, kind: SourceLocal, path: `C:/Go dists/go.zip`},
		{in: "ftp://mirror.example.com/golang/", error: "parse GOMSI_SOURCE ftp://mirror.example.com/golang/: ftp:// is not a source; use an http:// or https://"},
		{in: "file:///srv/go.zip", error: "file:// is not a source"},
		{in: "s3://builder:s3cr3t@bucket/go/", error: "parse GOMSI_SOURCE s3://xxxxx@bucket/go/: s3:// is not a source"},
	} {
		src, err := ParseSource(tc.in, tc.goproxy)
		if tc.error != "" {
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Errorf("ParseSource(%q, GOPROXY=%q) error = %v, want %q", tc.in, tc.goproxy, err, tc.error)
			}
			continue
		}
		if err != nil || src.Kind != tc.kind || src.URL != tc.url || src.Path != tc.path {
			t.Errorf("ParseSource(%q, GOPROXY=%q) = %+v, %v; want %v %q %q", tc.in, tc.goproxy, src, err, tc.kind, tc.url, tc.path)
		}
	}
}

func TestSourceStringHidesCredentials(t *testing.T) {
	src, err := ParseSource("proxy", "https://builder:s3cr3t-t0ken@goproxy.corp.example/")
	if err != nil {
		t.Fatal(err)
	}
	if s := src.String(); strings.Contains(s, "s3cr3t") || strings.Contains(s, "builder") || !strings.Contains(s, "goproxy.corp.example") {
		t.Errorf("String() = %q", s)
	}
	// A URL that does not parse still loses its user information.
	_, err = ParseSource("proxy:https://builder:s3cr3t@bad host/", "")
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("error = %v", err)
	}
}

// optionsEnv is the source and Env package config reads from an
// environment holding the variables of m.
func optionsEnv(m map[string]string) (string, Env) {
	return m["GOMSI_SOURCE"], Env{GOPROXY: m["GOPROXY"], GOSUMDB: m["GOSUMDB"], GONOSUMDB: m["GONOSUMDB"], GOPRIVATE: m["GOPRIVATE"],
		Cache: m["GOMSI_CACHE"], CAFile: m["GOMSI_CA_FILE"], Retries: m["GOMSI_RETRIES"], IdleTimeout: m["GOMSI_IDLE_TIMEOUT"],
		Proxy: proxyEnv(m), Netrc: m["NETRC"]}
}

func TestNewOptions(t *testing.T) {
	env := map[string]string{
		"GOMSI_SOURCE":       "proxy",
		"GOPROXY":            "https://goproxy.example.com",
		"GOMSI_CACHE":        "/var/cache/gomsi",
		"GOMSI_RETRIES":      "0",
		"GOMSI_IDLE_TIMEOUT": "5m",
		"GOSUMDB":            "sum.golang.google.cn",
		"GONOSUMDB":          "corp.example",
		"GOPRIVATE":          "corp.example/*",
	}
	o, err := NewOptions(optionsEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	if o.Source.Kind != SourceProxy || o.Source.URL != "https://goproxy.example.com" || o.CacheDir != "/var/cache/gomsi" ||
		o.Attempts != 1 || o.IdleTimeout != 5*time.Minute || o.SumDB != "sum.golang.google.cn" || o.NoSumDB != "corp.example" ||
		o.Private != "corp.example/*" || o.HTTPClient == nil {
		t.Errorf("options = %+v", o)
	}

	for k, v := range map[string]string{
		"GOMSI_RETRIES":      "many",
		"GOMSI_IDLE_TIMEOUT": "60",
		"GOMSI_CA_FILE":      "/nonexistent/ca.pem",
		"GOMSI_SOURCE":       "proxy:ftp://x",
	} {
		_, err := NewOptions(optionsEnv(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: error = %v, want one naming %s", k, v, err, k)
		}
	}
}
