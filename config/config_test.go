package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GoVersion != "latest" || strings.Join(cfg.Arch, ",") != "amd64" || cfg.Out != "_out" || cfg.Toolset != "auto" || cfg.Source != "" {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestFileThenEnvironment(t *testing.T) {
	p := writeConfig(t, `
go_version: "1.26"
arch: 386,arm64
source: dists/go.zip
exclude: ["*_test.go", "misc"]
upgrade_codes:
  amd64: "{11111111-2222-3333-4444-555555555555}"
`)
	cfg, err := Load(p, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GoVersion != "1.26" || strings.Join(cfg.Arch, ",") != "386,arm64" || cfg.Source != "dists/go.zip" || len(cfg.Exclude) != 2 {
		t.Errorf("from file: %+v", cfg)
	}
	if got := cfg.UpgradeCode("amd64"); got != "11111111-2222-3333-4444-555555555555" {
		t.Errorf("UpgradeCode(amd64) = %q", got)
	}
	cfg, err = Load(p, env(map[string]string{"GOMSI_ARCH": "amd64, arm64", "GOMSI_SOURCE": "x.zip", "GOMSI_OUT": "o", "GOMSI_GO_VERSION": "1.26.8", "GOMSI_TOOLSET": "wixl"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GoVersion != "1.26.8" || strings.Join(cfg.Arch, ",") != "amd64,arm64" || cfg.Source != "x.zip" || cfg.Out != "o" || cfg.Toolset != "wixl" {
		t.Errorf("environment did not override: %+v", cfg)
	}
	p = writeConfig(t, "arch: [amd64, arm64]\n")
	if cfg, err := Load(p, env(nil)); err != nil || strings.Join(cfg.Arch, ",") != "amd64,arm64" {
		t.Errorf("arch as a list: %v, %v", cfg.Arch, err)
	}
}

func TestInstallerEnvironment(t *testing.T) {
	p := writeConfig(t, "scope: perMachine\n")
	cfg, err := Load(p, env(map[string]string{"GOMSI_SCOPE": "perUser"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Scope != "perUser" {
		t.Errorf("environment did not override scope: %q", cfg.Scope)
	}
	// GOMSI_TEMP is a removed setting: set, it stops the build and says why.
	if _, err := Load(p, env(map[string]string{"GOMSI_TEMP": "pinned"})); err == nil || !strings.Contains(err.Error(), "GOMSI_TEMP") || !strings.Contains(err.Error(), "removed") {
		t.Errorf("GOMSI_TEMP: %v", err)
	}
	if _, err := Load(p, env(map[string]string{"GOMSI_SCOPE": "everyone"})); err == nil || !strings.Contains(err.Error(), "everyone") {
		t.Errorf("bad GOMSI_SCOPE: %v", err)
	}
}

func TestKeysDescendIntoSections(t *testing.T) {
	keys := strings.Join(Keys(), " ")
	for _, k := range []string{"go_version", "arch", "sign", "publish", "toolset"} {
		if !strings.Contains(" "+keys+" ", " "+k+" ") {
			t.Errorf("Keys() = %s, missing %s", keys, k)
		}
	}
}

func TestSignEnvFallsBackToFile(t *testing.T) {
	p := writeConfig(t, "sign:\n  digest: sha384\n  timestamp_urls: [http://a/, http://b/]\n  binaries: true\n")
	cfg, err := Load(p, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Sign.Binaries {
		t.Error("sign.binaries not read")
	}
	if got := cfg.Env.Sign.Digest; got != "sha384" {
		t.Errorf("digest from the file: %q", got)
	}
	cfg, err = Load(p, env(map[string]string{"GOMSI_SIGN_DIGEST": "sha512"}))
	if err != nil {
		t.Fatal(err)
	}
	get := cfg.Env.Sign
	if got := get.Digest; got != "sha512" {
		t.Errorf("environment must win: digest %q", got)
	}
	if got := strings.Join(get.TimestampURLs, ","); got != "http://a/,http://b/" {
		t.Errorf("timestamp URLs from the file: %q", got)
	}
	if got := get.AllowUnstamped; got != "" {
		t.Errorf("allow_unstamped defaults to off: %q", got)
	}
}

func TestBadConfig(t *testing.T) {
	tests := []struct {
		body string
		env  map[string]string
		want string
	}{
		{"go_version: latest\ntoolsett: wixl\n", nil, `line 2: unknown key "toolsett" (known keys: `},
		{"arch: [amd64, riscv64]\n", nil, `config: arch: unknown arch "riscv64": use one of 386, amd64, arm64`},
		{"", map[string]string{"GOMSI_ARCH": "x86_64"}, `unknown arch "x86_64"`},
		{"toolset: candle\n", nil, `config: toolset "candle": use one of`},
		{"upgrade_codes: {amd64: nope}\n", nil, `upgrade_codes: amd64: "nope" is not a GUID`},
		{"upgrade_codes: {mips: 11111111-2222-3333-4444-555555555555}\n", nil, `upgrade_codes: unknown arch "mips"`},
		{"arch: [\n", nil, "read config"},
	}
	for _, tt := range tests {
		p := writeConfig(t, tt.body)
		_, err := Load(p, env(tt.env))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q) = %v\nwant an error containing %s", tt.body, err, tt.want)
		}
	}
}

// gomsi.yaml is one mapping: anything the decoder would read only in part
// (a second document) or not as settings (a list, a scalar) is refused,
// while files that say nothing keep the defaults.
func TestConfigFileShape(t *testing.T) {
	bad := []struct{ body, want string }{
		{"arch: arm64\n---\nout: elsewhere\n", "line 2: a second YAML document starts here (---)"},
		{"---\narch: arm64\n---\narch: amd64\n", "line 3: a second YAML document starts here"},
		{"arch: arm64\n---\n", "line 2: a second YAML document starts here"},
		{"arch: arm64\n---\n# out: elsewhere\n", "a second YAML document"},
		{"arch: arm64\n...\n---\nout: x\n", "line 3: a second YAML document"},
		{"- arch: amd64\n- out: x\n", "line 1: the file is a list, not a mapping of keys"},
		{"amd64\n", `line 1: the file is the single value "amd64", not a mapping of keys`},
		{"# settings\n\"arch: amd64\"\n", `line 2: the file is the single value "arch: amd64"`},
		{"arch: amd64\narch: arm64\n", `line 2: key "arch" is set twice (also on line 1): keep one`},
		{"publish:\n  repo: a/b\n  repo: c/d\n", `line 3: key "repo" is set twice (also on line 2)`},
		{"arch: amd64\n---\nfoo: [\n", "read config"},
	}
	for _, tt := range bad {
		_, err := Load(writeConfig(t, tt.body), env(nil))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), FileName) {
			t.Errorf("Load(%q) = %v\nwant an error naming %s containing %q", tt.body, err, FileName, tt.want)
		}
	}
	for _, body := range []string{"", "\n\n", "# nothing set yet\n# arch: arm64\n", "---\n", "null\n", "~\n", "---\narch: amd64\n...\n"} {
		cfg, err := Load(writeConfig(t, body), env(nil))
		if err != nil || cfg.GoVersion != Default().GoVersion || strings.Join(cfg.Arch, ",") != "amd64" {
			t.Errorf("Load(%q) = %+v, %v; want the defaults", body, cfg, err)
		}
	}
}
