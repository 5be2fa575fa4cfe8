package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/wix"
)

// versionRunner answers the version probes of each toolset by program name.
type versionRunner map[string]string

func (v versionRunner) Run(ctx context.Context, cmd wix.Command) ([]byte, error) {
	base := strings.TrimSuffix(filepath.Base(cmd.Path), ".exe")
	out, ok := v[base]
	if !ok {
		return []byte(base + ": not expected"), errors.New("exit status 1")
	}
	return []byte(out), nil
}

// installs lays out fake wix, candle/light and wixl programs.
func installs(t *testing.T) (wix4, wix3, wixl string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "Program Files")
	for _, p := range []string{"wix/wix.exe", "WiX Toolset v3.14/bin/candle.exe", "WiX Toolset v3.14/bin/light.exe", "msitools/wixl"} {
		p = filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("#!"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "wix", "wix.exe"), filepath.Join(dir, "WiX Toolset v3.14", "bin"), filepath.Join(dir, "msitools", "wixl")
}

const (
	wix6Out   = "6.0.2+41e11442b2ca93e444b60213b5ae99dcbab787d8"
	candle314 = "Windows Installer XML Toolset Compiler version 3.14.1.8722"
	candle311 = "Windows Installer XML Toolset Compiler version 3.11.2.4516"
)

func TestChooseToolset(t *testing.T) {
	wix4, wix3, wixl := installs(t)
	nowhere := filepath.Join(t.TempDir(), "missing")
	cases := []struct {
		name, goos, toolset string
		arch                []string
		paths               config.Toolsets
		versions            versionRunner
		want, reason, err   string
	}{
		{name: "configured path first", goos: "windows", toolset: "auto",
			paths: config.Toolsets{Wix3Path: wix3}, versions: versionRunner{"wix": wix6Out, "candle": candle314},
			want: "wix3", reason: "wix3_path"},
		{name: "windows wix4 then wix3", goos: "windows", toolset: "auto",
			paths: config.Toolsets{Wix4Path: wix4, Wix3Path: wix3}, versions: versionRunner{"wix": wix6Out, "candle": candle314},
			want: "wix4", reason: "first usable of wix4 (wix4_path is set), wix3"},
		{name: "windows without wix4", goos: "windows", toolset: "auto",
			paths: config.Toolsets{Wix4Path: nowhere, Wix3Path: wix3}, versions: versionRunner{"candle": candle314},
			want: "wix3", reason: "wix4: detect wix4: toolset not found"},
		// native builds arm64: auto falls back to it, saying why WiX 3.11 and wixl were skipped.
		{name: "arm64 skips WiX 3.11", goos: "windows", toolset: "auto", arch: []string{"arm64"},
			paths: config.Toolsets{Wix3Path: wix3, WixlPath: wixl}, versions: versionRunner{"candle": candle311, "wixl": "0.101"},
			want: "native", reason: "cannot build arm64 packages (candle -arch arm64 arrived in 3.14)"},
		{name: "linux uses wixl", goos: "linux", toolset: "auto",
			paths: config.Toolsets{WixlPath: wixl}, versions: versionRunner{"wixl": "0.101"},
			want: "wixl", reason: "auto on linux"},
		{name: "explicit wix3", goos: "linux", toolset: "wix3",
			paths: config.Toolsets{Wix3Path: wix3, WixlPath: wixl}, versions: versionRunner{"candle": candle314, "wixl": "0.101"},
			want: "wix3", reason: "GOMSI_TOOLSET=wix3"},
		{name: "explicit wixl refuses arm64", goos: "linux", toolset: "wixl", arch: []string{"arm64"},
			paths: config.Toolsets{WixlPath: wixl}, versions: versionRunner{"wixl": "0.101"},
			err: "toolset wixl (GOMSI_TOOLSET): wixl: not supported by this toolset: wixl cannot build arm64"},
		{name: "explicit but missing", goos: "windows", toolset: "wix4",
			paths: config.Toolsets{Wix4Path: nowhere}, versions: versionRunner{},
			err: "toolset wix4 (GOMSI_TOOLSET): detect wix4: toolset not found: no wix program at wix4_path"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func(g string) { goos = g }(goos)
			goos = c.goos
			t.Setenv("PATH", t.TempDir())
			t.Setenv("WIX", "")
			t.Setenv("HOME", t.TempDir())
			t.Setenv("USERPROFILE", "")
			cfg := config.Default()
			cfg.Toolset = c.toolset
			if c.arch != nil {
				cfg.Arch = c.arch
			}
			cfg.Toolsets = c.paths
			p := &Pipeline{Config: cfg, Runner: c.versions}
			got, err := p.ChooseToolset(context.Background())
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("ChooseToolset = %v, %v; want error %s", got.Toolset, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Toolset.Name() != c.want || !strings.Contains(got.Reason, c.reason) {
				t.Errorf("chose %s (%s), want %s because %s", got.Toolset.Name(), got.Reason, c.want, c.reason)
			}
		})
	}
}

// The first case above relies on wix4 missing from PATH while wix3 has a
// configured path: configured paths go first in auto's order.
func TestCandidatesOrder(t *testing.T) {
	defer func(g string) { goos = g }(goos)
	for _, c := range []struct {
		goos  string
		paths config.Toolsets
		want  string
	}{
		// native (wix/native) is always installed: auto picks it when no WiX is.
		{"windows", config.Toolsets{}, "wix4 wix3 native"},
		{"linux", config.Toolsets{}, "native wixl"},
		{"linux", config.Toolsets{Wix4Path: "w"}, "wix4 native wixl"},
		{"windows", config.Toolsets{WixlPath: "l", Wix3Path: "c"}, "wix3 wixl wix4 native"},
	} {
		goos = c.goos
		cfg := config.Default()
		cfg.Toolsets = c.paths
		var names []string
		for _, t := range (&Pipeline{Config: cfg}).candidates() {
			names = append(names, t.Name())
		}
		if got := strings.Join(names, " "); got != c.want {
			t.Errorf("%s %+v: order %s, want %s", c.goos, c.paths, got, c.want)
		}
	}
}

func TestDialect(t *testing.T) {
	for _, tt := range []struct {
		t    wix.Toolset
		want string
	}{{&wix.Wix4{}, "wix4"}, {&wix.Wix3{}, "wix3"}, {&wix.Wixl{}, "wix3"}} {
		if got := tt.t.Dialect().Schema; got != tt.want {
			t.Errorf("Dialect(%s) = %s, want %s", tt.t.Name(), got, tt.want)
		}
	}
}

// TestCheckOnThisMachine: wixl is installed here (CI installs it), WiX
// cannot be: check reports wixl, the others as missing with install hints.
func TestCheckOnThisMachine(t *testing.T) {
	testtool.Require(t, "wixl")
	t.Setenv("WIX", "")
	t.Setenv("HOME", t.TempDir())
	cfg := config.Default()
	var out bytes.Buffer
	if err := (&Pipeline{Config: cfg}).Check(context.Background(), &out); err != nil {
		t.Fatalf("Check: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		`(?m)^wix4 +- +- +missing: install it with dotnet tool install --global wix`,
		`(?m)^wix3 +- +- +missing: install WiX 3.14`,
		`(?m)^wixl +\S+ +/\S+/wixl +ok$`,
		`(?m)^native +\S+ +ok$`,
		`GOMSI_TOOLSET=auto uses native \S+: auto on linux`, // native: gomsi's own compiler, before wixl
	} {
		if !regexp.MustCompile(want).MatchString(s) {
			t.Errorf("check output does not match %s:\n%s", want, s)
		}
	}
}

// TestToolsetNamesAreTheToolsets: config validates toolset: against its own
// list (config cannot import the toolsets); it must name exactly the
// toolsets the pipeline drives, and auto.
func TestToolsetNamesAreTheToolsets(t *testing.T) {
	p := &Pipeline{Config: config.Default()}
	known := []string{"auto"}
	for _, c := range p.configured() {
		known = append(known, c.toolset.Name())
	}
	slices.Sort(known)
	names := slices.Clone(config.ToolsetNames)
	slices.Sort(names)
	if !slices.Equal(known, names) {
		t.Errorf("config.ToolsetNames %v, the pipeline's toolsets and auto %v", names, known)
	}
}
