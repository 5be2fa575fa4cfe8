package config

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/http/httpproxy"
	"gopkg.in/yaml.v3"

	"github.com/gomsi/gomsi/dist"
	"github.com/gomsi/gomsi/fetch"
)

const (
	password = "pfx-pa55word-S3CRET"
	ghToken  = "github_pat_TOKEN-S3CRET"
)

// TestLoadReadsTheEnvironment: Load reads every variable a stage needs
// into the stage's part of Env.
func TestLoadReadsTheEnvironment(t *testing.T) {
	vars := map[string]string{
		"GOPROXY": "https://goproxy.corp", "GOSUMDB": "sum.corp", "GONOSUMDB": "corp.example", "GOPRIVATE": "corp.example/*",
		"GOENV": "/etc/go/env", "GOMSI_CACHE": "/var/cache/gomsi", "GOMSI_CA_FILE": "/etc/ca.pem", "GOMSI_RETRIES": "2",
		"GOMSI_IDLE_TIMEOUT": "90s", "HTTPS_PROXY": "http://proxy:3128", "http_proxy": "http://lower:3128", "NO_PROXY": "corp.example",
		"NETRC":             "/home/b/.netrc-ci",
		"GOMSI_MAX_EXTRACT": "8GiB", "GOMSI_MAX_EXTRACT_FILE": "2GiB", "GOMSI_MAX_EXTRACT_RATIO": "20",
		"GOMSI_SIGN_PFX": "k.pfx", "GOMSI_SIGN_PASSWORD": password, "GOMSI_SIGN_KEY": "k.pem", "GOMSI_SIGN_CERT": "c.pem",
		"GOMSI_VERIFY_ROOTS": "roots.pem", "GOMSI_TIMESTAMP_URLS": "http://a/,http://b/", "GOMSI_SIGN_DIGEST": "sha512", "GOMSI_SIGN_ALLOW_UNSTAMPED": "yes",
		"GOMSI_GITHUB_REPO": "acme/go", "GITHUB_REPOSITORY": "acme/ci", "GITHUB_TOKEN": ghToken, "GOMSI_TAG": "v1", "GITHUB_REF": "refs/tags/v0",
		"GOMSI_GITHUB_API_URL": "https://ghe/api/v3/", "GOMSI_GITHUB_UPLOAD_URL": "https://ghe/api/uploads/", "GITHUB_API_URL": "https://ghe/api/v3",
		"GOMSI_DRY_RUN": "1", "SOURCE_DATE_EPOCH": "1700000000",
	}
	cfg, err := Load(filepath.Join(t.TempDir(), "none.yaml"), env(vars))
	if err != nil {
		t.Fatal(err)
	}
	e := cfg.Env
	want := fetch.Env{GOPROXY: "https://goproxy.corp", GOSUMDB: "sum.corp", GONOSUMDB: "corp.example", GOPRIVATE: "corp.example/*",
		GoEnvFile: "/etc/go/env", Cache: "/var/cache/gomsi", CAFile: "/etc/ca.pem", Retries: "2", IdleTimeout: "90s",
		Proxy: httpproxy.Config{HTTPProxy: "http://lower:3128", HTTPSProxy: "http://proxy:3128", NoProxy: "corp.example"},
		Netrc: "/home/b/.netrc-ci"}
	if e.Fetch != want {
		t.Errorf("Fetch = %+v\nwant %+v", e.Fetch, want)
	}
	if e.Extract != (dist.ExtractEnv{Total: "8GiB", File: "2GiB", Ratio: "20"}) {
		t.Errorf("Extract = %+v", e.Extract)
	}
	s := e.Sign
	if s.PFX != "k.pfx" || s.Password.Reveal() != password || s.Key != "k.pem" || s.Cert != "c.pem" || e.VerifyRoots != "roots.pem" ||
		!slices.Equal(s.TimestampURLs, []string{"http://a/", "http://b/"}) || s.Digest != "sha512" || s.AllowUnstamped != "yes" {
		t.Errorf("Sign = %+v, VerifyRoots %q", s, e.VerifyRoots)
	}
	p := e.Publish
	if p.Repo != "acme/go" || p.GitHubRepository != "acme/ci" || p.Token.Reveal() != ghToken || p.Tag != "v1" || p.Ref != "refs/tags/v0" ||
		p.APIURL != "https://ghe/api/v3/" || p.UploadURL != "https://ghe/api/uploads/" || p.GitHubAPIURL != "https://ghe/api/v3" || p.DryRun != "1" {
		t.Errorf("Publish = %+v", p)
	}
	if got := e.Getenv("SOURCE_DATE_EPOCH"); got != "1700000000" {
		t.Errorf("Getenv(SOURCE_DATE_EPOCH) = %q", got)
	}
	if got := (Env{}).Getenv("SOURCE_DATE_EPOCH"); got != "" {
		t.Errorf("a Config not from Load has an environment: %q", got)
	}
}

// TestSecretsNeverPrint: a Config printed, marshalled or wrapped in an
// error shows no password or token.
func TestSecretsNeverPrint(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "none.yaml"), env(map[string]string{"GOMSI_SIGN_PFX": "k.pfx", "GOMSI_SIGN_PASSWORD": password, "GITHUB_TOKEN": ghToken}))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out = append(out, fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, cfg.Env), fmt.Sprintf(verb, cfg.Env.Sign), fmt.Sprintf(verb, cfg.Env.Publish),
			fmt.Sprintf(verb, cfg.Env.Sign.Password), fmt.Sprintf(verb, cfg.Env.Publish.Token))
	}
	out = append(out, fmt.Errorf("sign: %v: %w", cfg.Env.Sign, fmt.Errorf("publish %+v", cfg.Env.Publish)).Error())
	for _, v := range []any{cfg, cfg.Env} {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		y, err := yaml.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(j), string(y))
	}
	for _, o := range out {
		if strings.Contains(o, password) || strings.Contains(o, ghToken) {
			t.Errorf("a secret printed: %s", o)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", cfg.Env.Sign), "[REDACTED]") {
		t.Errorf("%%+v of the sign settings does not show the redaction: %+v", cfg.Env.Sign)
	}
}

// TestSecretsNotFromFile: gomsi.yaml has no key for a secret.
func TestSecretsNotFromFile(t *testing.T) {
	for _, body := range []string{"password: x\n", "sign:\n  password: x\n", "publish:\n  token: x\n", "env: {}\n", "github_token: x\n"} {
		if _, err := Load(writeConfig(t, body), env(nil)); err == nil || !strings.Contains(err.Error(), "unknown key") {
			t.Errorf("Load(%q) = %v, want an unknown key", body, err)
		}
	}
	if keys := Keys(); slices.Contains(keys, "-") {
		t.Errorf("Keys() lists the environment's settings: %q", keys)
	}
}

// TestProxyEitherCase: the upper-case name wins, as in net/http.
func TestProxyEitherCase(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "none.yaml"), env(map[string]string{"https_proxy": "http://lower", "HTTP_PROXY": "http://upper", "http_proxy": "http://lost", "no_proxy": "x"}))
	if err != nil {
		t.Fatal(err)
	}
	if p := cfg.Env.Fetch.Proxy; p.HTTPSProxy != "http://lower" || p.HTTPProxy != "http://upper" || p.NoProxy != "x" {
		t.Errorf("proxy = %+v", p)
	}
}

// TestGoEnvFileAndNetrcPaths: the files are found as the go command finds
// them, from the environment given, never the process's.
func TestGoEnvFileAndNetrcPaths(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the XDG layout is Linux's")
	}
	for _, tc := range []struct {
		env          map[string]string
		goenv, netrc string
	}{
		{env: nil},
		{env: map[string]string{"HOME": "/home/b"}, goenv: "/home/b/.config/go/env", netrc: "/home/b/.netrc"},
		{env: map[string]string{"HOME": "/home/b", "XDG_CONFIG_HOME": "/xdg"}, goenv: "/xdg/go/env", netrc: "/home/b/.netrc"},
		{env: map[string]string{"HOME": "/home/b", "XDG_CONFIG_HOME": "relative"}, netrc: "/home/b/.netrc"},
		{env: map[string]string{"HOME": "/home/b", "GOENV": "off", "NETRC": "/n"}, netrc: "/n"},
		{env: map[string]string{"GOENV": "/g"}, goenv: "/g"},
	} {
		cfg, err := Load(filepath.Join(t.TempDir(), "none.yaml"), env(tc.env))
		if err != nil {
			t.Fatal(err)
		}
		if f := cfg.Env.Fetch; f.GoEnvFile != tc.goenv || f.Netrc != tc.netrc {
			t.Errorf("%v: go settings %q, netrc %q; want %q, %q", tc.env, f.GoEnvFile, f.Netrc, tc.goenv, tc.netrc)
		}
	}
}

// TestOnlyConfigReadsTheEnvironment: no production package but config
// reads the environment; the exceptions say why.
func TestOnlyConfigReadsTheEnvironment(t *testing.T) {
	allowed := map[string]string{
		"magefile.go":          "the entry point: passes os.Getenv to config.Load, reads GOMSI_BENCH for the bench target",
		"setup/setup.go":       "hands the environment to the go build of the launcher",
		"setup/launch/":        "runs on the machine being installed",
		"setup/launcher/":      "runs on the machine being installed",
		"internal/testing/":    "test rigs",
		"wix/wix3.go":          "a library default: finds WiX v3 (WIX) when no Getenv is given; the pipeline gives it Env.Getenv",
		"wix/wix4.go":          "a library default: finds WiX v4 (~/.dotnet/tools) when no Getenv is given; the pipeline gives it Env.Getenv",
		"wix/native/native.go": "the compiler used alone (cmd/wixc) reads $(env.X); the pipeline gives it Env.Getenv",
		"cmd/wixc/":            "a command of its own",
	}
	readers := map[string]bool{"Getenv": true, "LookupEnv": true, "Environ": true}
	var found int
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "_out" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, ".."+string(filepath.Separator)))
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || !readers[sel.Sel.Name] {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || (id.Name != "os" && id.Name != "syscall") {
				return true
			}
			found++
			for prefix := range allowed {
				if rel == prefix || strings.HasSuffix(prefix, "/") && strings.HasPrefix(rel, prefix) {
					return true
				}
			}
			t.Errorf("%s reads the environment (%s.%s): read it in config.Load and hand the stage its setting", rel, sel.X, sel.Sel.Name)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 3 {
		t.Errorf("found only %d environment reads in the source; the scan is broken", found)
	}
}
