package native_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/testtool"
	"github.com/gomsi/gomsi/pipeline"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native"
)

// smallTree writes a tiny Go distribution with the shapes that matter:
// nested folders, an empty folder, names that are not 8.3 names, names with
// spaces and XML specials, an empty file.
func smallTree(t testing.TB, version string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "go")
	files := map[string]string{
		"VERSION":                          version + "\ntime 2026-08-28T16:20:06Z\n",
		"bin/go.exe":                       string(testtool.MinimalPE(0x8664)),
		"bin/gofmt.exe":                    "MZ not really gofmt",
		"src/fmt/print.go":                 "package fmt\n",
		"doc/Tom & Jerry's notes.txt":      "<&>",
		"doc/Tom & Jerry's notes (2).txt":  "<&&>",
		"lib/time/zoneinfo.zip":            strings.Repeat("zone", 10000),
		"misc/deeply/nested/a/b/c.txt":     "",
		"src/internal/abi/funcdata.go":     strings.Repeat("package abi // data\n", 3000),
		"src/cmd/compile/internal/ir/x.go": "package ir\n",
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(root, "pkg", "empty"), 0o755)
	return root
}

// newPipeline returns a pipeline that builds with the given toolsets
// (the first is configured).
func newPipeline(t testing.TB, source string, toolsets ...wix.Toolset) *pipeline.Pipeline {
	t.Helper()
	cfg := config.Default()
	cfg.Source = source
	cfg.Out = filepath.Join(t.TempDir(), "out")
	cfg.Toolset = toolsets[0].Name()
	log := &bytes.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("pipeline log:\n%s", log.String())
		}
	})
	return &pipeline.Pipeline{Config: cfg, Log: log, Env: func(string) string { return "" }, Toolsets: toolsets}
}

// buildMSI runs the pipeline's msi stage with the native toolset.
func buildMSI(t testing.TB, source string, edit func(*pipeline.Pipeline)) *pipeline.Build {
	t.Helper()
	p := newPipeline(t, source, &native.Toolset{Getenv: func(string) string { return "" }})
	if edit != nil {
		edit(p)
	}
	builds, err := p.MSI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 1 {
		t.Fatalf("built %d MSIs, want 1", len(builds))
	}
	return builds[0]
}

// assertExtractsTo extracts the MSI's payload with msiextract and compares
// it with the source tree, file by file and byte by byte.
func assertExtractsTo(t *testing.T, msi, root string) {
	t.Helper()
	msiextract := testtool.Require(t, "msiextract")
	dir := t.TempDir()
	if out, err := exec.Command(msiextract, "-C", dir, msi).CombinedOutput(); err != nil {
		t.Fatalf("msiextract: %v: %s", err, out)
	}
	want := treeHashes(t, root)
	got := treeHashes(t, filepath.Join(dir, "Go"))
	for name, h := range want {
		if got[name] != h {
			t.Errorf("%s: extracted %q, source %q", name, got[name], h)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: extracted but not in the source", name)
		}
	}
	if len(want) == 0 || t.Failed() {
		t.Fatalf("%d source files, %d extracted", len(want), len(got))
	}
}

func treeHashes(t testing.TB, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := sha256.Sum256(data)
		m[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:8])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func tail(s string) string {
	if len(s) > 4000 {
		return s[len(s)-4000:]
	}
	return s
}

// setEnv makes the pipeline's native toolset read its environment
// (SOURCE_DATE_EPOCH) from getenv.
func setEnv(p *pipeline.Pipeline, getenv func(string) string) {
	for _, ts := range p.Toolsets {
		if n, ok := ts.(*native.Toolset); ok {
			n.Getenv = getenv
		}
	}
}
