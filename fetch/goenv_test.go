package fetch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWithGoEnvFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "env")
	os.WriteFile(file, []byte("GOFLAGS=-mod=mod\nGOPROXY=https://artifactory.corp.example/api/go/golang|https://proxy.golang.org\nGOSUMDB=sum.golang.org https://artifactory.corp.example/api/go/sumdb\nGONOSUMDB=\n"), 0o644)
	e, err := withGoEnvFile(Env{GoEnvFile: file, GOPRIVATE: "corp.example/*", Cache: "/c"})
	if err != nil {
		t.Fatal(err)
	}
	for k, got := range map[string]struct{ got, want string }{
		"GOPROXY":     {e.GOPROXY, "https://artifactory.corp.example/api/go/golang|https://proxy.golang.org"}, // from the file
		"GOSUMDB":     {e.GOSUMDB, "sum.golang.org https://artifactory.corp.example/api/go/sumdb"},
		"GOPRIVATE":   {e.GOPRIVATE, "corp.example/*"}, // the environment wins
		"GONOSUMDB":   {e.GONOSUMDB, ""},
		"GOMSI_CACHE": {e.Cache, "/c"},
	} {
		if got.got != got.want {
			t.Errorf("%s = %q, want %q", k, got.got, got.want)
		}
	}
	e, err = withGoEnvFile(Env{GoEnvFile: file, GOPROXY: "https://goproxy.example"})
	if err != nil || e.GOPROXY != "https://goproxy.example" {
		t.Errorf("the environment's GOPROXY lost to the file: %q, %v", e.GOPROXY, err)
	}

	// The fetcher's options see the file's proxies and checksum database.
	opts, err := NewOptions("proxy", Env{GoEnvFile: file, Cache: "/c"})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Source.URL != "https://artifactory.corp.example/api/go/golang" || len(opts.Source.Proxies) != 2 || !strings.HasPrefix(opts.SumDB, "sum.golang.org https://artifactory") {
		t.Errorf("options from go env -w settings: source %+v, sumdb %q", opts.Source, opts.SumDB)
	}
}

func TestWithGoEnvFileOffOrMissing(t *testing.T) {
	for _, file := range []string{"", filepath.Join(t.TempDir(), "none")} { // "": GOENV=off (package config)
		e, err := withGoEnvFile(Env{GoEnvFile: file})
		if err != nil || e.GOPROXY != "" {
			t.Errorf("settings file %q: GOPROXY %q, %v", file, e.GOPROXY, err)
		}
	}
	dir := t.TempDir() // a folder where the file should be: unreadable as a file
	if _, err := NewOptions("proxy", Env{GoEnvFile: dir, Cache: "/c"}); err == nil || !strings.Contains(err.Error(), "set GOENV=off") {
		t.Errorf("GOENV=<a folder>: %v", err)
	}
}
