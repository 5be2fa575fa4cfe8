package dist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWithGoEnvFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "env")
	os.WriteFile(file, []byte("GOFLAGS=-mod=mod\nGOPROXY=https://artifactory.corp.example/api/go/golang|https://proxy.golang.org\nGOSUMDB=sum.golang.org https://artifactory.corp.example/api/go/sumdb\nGONOSUMDB=\n"), 0o644)
	env := map[string]string{"GOENV": file, "GOPRIVATE": "corp.example/*", "GOMSI_CACHE": "/c"}
	getenv, err := WithGoEnvFile(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"GOPROXY":     "https://artifactory.corp.example/api/go/golang|https://proxy.golang.org", // from the file
		"GOSUMDB":     "sum.golang.org https://artifactory.corp.example/api/go/sumdb",
		"GOPRIVATE":   "corp.example/*", // the environment wins
		"GONOSUMDB":   "",
		"GOFLAGS":     "", // not a setting gomsi takes from the file
		"GOMSI_CACHE": "/c",
	} {
		if got := getenv(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	env["GOPROXY"] = "https://goproxy.example"
	if got := getenv("GOPROXY"); got != "https://goproxy.example" {
		t.Errorf("the environment's GOPROXY lost to the file: %q", got)
	}

	// The fetcher's options see the file's proxies and checksum database.
	delete(env, "GOPROXY")
	env["GOMSI_SOURCE"] = "proxy"
	opts, err := FetchOptionsFromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Source.URL != "https://artifactory.corp.example/api/go/golang" || len(opts.Source.Proxies) != 2 || !strings.HasPrefix(opts.SumDB, "sum.golang.org https://artifactory") {
		t.Errorf("options from go env -w settings: source %+v, sumdb %q", opts.Source, opts.SumDB)
	}
}

func TestWithGoEnvFileOffOrMissing(t *testing.T) {
	for _, goenv := range []string{"off", filepath.Join(t.TempDir(), "none")} {
		getenv, err := WithGoEnvFile(func(k string) string { return map[string]string{"GOENV": goenv}[k] })
		if err != nil || getenv("GOPROXY") != "" {
			t.Errorf("GOENV=%s: GOPROXY %q, %v", goenv, getenv("GOPROXY"), err)
		}
	}
	dir := t.TempDir() // a folder where the file should be: unreadable as a file
	if _, err := WithGoEnvFile(func(k string) string { return map[string]string{"GOENV": dir}[k] }); err == nil || !strings.Contains(err.Error(), "set GOENV=off") {
		t.Errorf("GOENV=<a folder>: %v", err)
	}
}
