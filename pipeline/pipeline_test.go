package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/testing/fakedl"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/internal/testing/winetest"
)

func newTestPipeline(t *testing.T, source string) *Pipeline {
	t.Helper()
	cfg := config.Default()
	cfg.Source = source
	cfg.Out = filepath.Join(t.TempDir(), "out")
	cfg.Toolset = "wixl"
	log := &bytes.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("pipeline log:\n%s", log.String())
		}
	})
	return &Pipeline{Config: cfg, Log: log}
}

// withEnv gives cfg the environment env, as config.Load reads it.
func withEnv(t testing.TB, cfg config.Config, env map[string]string) config.Config {
	t.Helper()
	cfg, err := cfg.WithEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func buildMSI(t *testing.T, source string) *Build {
	t.Helper()
	return buildMSIWith(t, source, func(*Pipeline) {})
}

func buildMSIWith(t *testing.T, source string, edit func(*Pipeline)) *Build {
	t.Helper()
	p := newTestPipeline(t, source)
	edit(p)
	if p.Config.Toolset == "wixl" {
		testtool.Require(t, "wixl")
	}
	builds, err := p.MSI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 1 {
		t.Fatalf("built %d MSIs, want 1", len(builds))
	}
	b := builds[0]
	if want := filepath.Join(p.Config.Out, b.Product.MSIName()); b.MSI != want {
		t.Errorf("MSI at %s, want %s", b.MSI, want)
	}
	return b
}

func TestSmallTreeMSIExtractsByteForByte(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root)
	if filepath.Base(b.MSI) != "go1.26.8.windows-amd64.msi" {
		t.Errorf("MSI named %s", filepath.Base(b.MSI))
	}
	assertChecksumFile(t, b)
	for _, src := range b.Sources {
		if filepath.Dir(filepath.Dir(src)) != filepath.Join(filepath.Dir(b.MSI), "wxs") {
			t.Errorf("WiX source %s is not under <out>/wxs", src)
		}
	}
	msitest.AssertExtractsTo(t, b.MSI, root)
}

// TestFixtureMSIExtractsByteForByte builds the real go1.26.8 distribution
// (15,036 files) from its zip, as go run mage.go msi does, and again from a
// local go.dev/dl lookalike serving the same zip: both MSIs hold exactly the
// files of the zip.
func TestFixtureMSIExtractsByteForByte(t *testing.T) {
	zipPath := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	b := buildMSI(t, zipPath)
	if b.Tree.Files != 15036 {
		t.Errorf("harvested %d files, want 15036", b.Tree.Files)
	}
	assertChecksumFile(t, b)
	msitest.AssertExtractsTo(t, b.MSI, b.Dist.Root)

	p, _ := downloadPipeline(t, zipPath)
	builds, err := p.MSI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 1 || filepath.Base(builds[0].MSI) != "go1.26.8.windows-amd64.msi" {
		t.Fatalf("download source built %+v", builds)
	}
	msitest.AssertExtractsTo(t, builds[0].MSI, b.Dist.Root)
}

func assertChecksumFile(t *testing.T, b *Build) {
	t.Helper()
	data, err := os.ReadFile(b.MSI)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:]) + "  " + filepath.Base(b.MSI) + "\n"
	if got, _ := os.ReadFile(b.MSI + ".sha256"); string(got) != want {
		t.Errorf("%s.sha256 = %q, want %q", b.MSI, got, want)
	}
}

// TestInstallAndUninstallUnderWine installs a small tree's package with each
// toolset and uninstalls it (winetest.AssertRoundTrip).
func TestInstallAndUninstallUnderWine(t *testing.T) {
	forEachToolset(t, func(t *testing.T, toolset string) {
		root := msitest.SmallTree(t, "go1.26.8")
		b := buildMSIWith(t, root, func(p *Pipeline) { p.Config.Toolset = toolset })
		wine := winetest.NewWindows(t, "win10") // a new prefix says Windows 7, which Go 1.21+ refuses
		wine.AssertRoundTrip(t, b.MSI, root, `C:\Program Files\Go`)
	})
}

func TestFetchErrors(t *testing.T) {
	p := newTestPipeline(t, msitest.SmallTree(t, "go1.26.8"))
	p.Config.Arch = []string{"amd64", "arm64"}
	if _, err := p.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "2 arches were asked for") {
		t.Errorf("one local source, two arches: %v", err)
	}
	p.Config.Arch = []string{"amd64"}
	p.Config.GoVersion = "1.25.1" // the user asked for another release than the source holds
	if _, err := p.MSI(context.Background()); err == nil || !strings.Contains(err.Error(), "it holds go1.26.8, but GOMSI_GO_VERSION (go_version) is 1.25.1") {
		t.Errorf("local go1.26.8, GOMSI_GO_VERSION=1.25.1: %v", err)
	}
	if _, err := os.Stat(p.Config.Out); err == nil {
		if m, _ := filepath.Glob(filepath.Join(p.Config.Out, "*.msi")); len(m) > 0 {
			t.Errorf("a refused source left %v", m)
		}
	}
}

// downloadPipeline is a pipeline whose source is a fake go.dev/dl serving
// zip as go1.26.8 for amd64, with its own cache.
func downloadPipeline(t *testing.T, zipPath string) (*Pipeline, *fakedl.Server) {
	t.Helper()
	srv := fakedl.New()
	t.Cleanup(srv.Close)
	if _, err := srv.AddZipFile("go1.26.8", true, "amd64", zipPath); err != nil {
		t.Fatal(err)
	}
	p := newTestPipeline(t, srv.URL)
	p.Config.GoVersion = "1.26.8"
	cache := filepath.Join(t.TempDir(), "cache")
	p.Config = withEnv(t, p.Config, map[string]string{"GOMSI_CACHE": cache, "GOMSI_RETRIES": "1"})
	return p, srv
}

func TestCorruptDownloadIsRefused(t *testing.T) {
	zipPath := writeTreeZip(t, msitest.SmallTree(t, "go1.26.8"))
	p, srv := downloadPipeline(t, zipPath)
	srv.SetSHA256("go1.26.8.windows-amd64.zip", strings.Repeat("ab", 32))
	_, err := p.MSI(context.Background())
	if err == nil || !strings.Contains(err.Error(), "abababab") || !strings.Contains(strings.ToLower(err.Error()), "sha-256") && !strings.Contains(strings.ToLower(err.Error()), "sha256") {
		t.Fatalf("corrupt download: %v", err)
	}
	msis, _ := filepath.Glob(filepath.Join(p.Config.Out, "*.msi"))
	cached := msitest.TreeHashes(t, filepath.Dir(p.Config.Env.Fetch.Cache))
	for name := range cached {
		if strings.HasPrefix(path.Base(name), "index-") {
			delete(cached, name) // the release index is kept for offline runs
		}
	}
	if len(msis) != 0 || len(cached) != 0 {
		t.Errorf("a refused download left MSIs %v and cached files %v", msis, cached)
	}
}

// writeTreeZip zips a tree under go/, as go.dev/dl lays out its zips.
func writeTreeZip(t *testing.T, root string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name := range msitest.TreeHashes(t, root) {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create("go/" + name)
		w.Write(data)
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "go1.26.8.windows-amd64.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRelativeOut builds from a zip with the default, relative out folder
// (so the extracted tree is relative too), as the README's command does,
// with each Linux toolset: compilers resolve relative paths against
// different folders.
func TestRelativeOut(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	zipPath := writeTreeZip(t, root)
	for _, toolset := range []string{"native", "wixl"} {
		t.Run(toolset, func(t *testing.T) {
			if toolset == "wixl" {
				testtool.Require(t, "wixl")
			}
			t.Chdir(t.TempDir())
			p := newTestPipeline(t, zipPath)
			p.Config.Out = "_out"
			p.Config.Toolset = toolset
			builds, err := p.MSI(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if builds[0].MSI != filepath.Join("_out", "go1.26.8.windows-amd64.msi") {
				t.Errorf("MSI at %s", builds[0].MSI)
			}
			msitest.AssertExtractsTo(t, builds[0].MSI, root)
		})
	}
}
