// Package msitest holds what the end-to-end tests of several packages share:
// a small Go distribution with the shapes that matter, and checks that an
// MSI's payload or an installed folder equals a source tree byte for byte.
package msitest

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// SmallTree writes a tiny Go distribution of version: nested folders, an
// empty folder, names that are not 8.3 names, names with spaces and XML
// specials, an empty file, a go.exe whose header says amd64.
func SmallTree(t testing.TB, version string) string {
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
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "pkg", "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// TreeHashes maps every file below root (slash-separated path) to a prefix
// of its SHA-256.
func TreeHashes(t testing.TB, root string) map[string]string {
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

// AssertSameFiles fails unless dir holds exactly the files of root, byte for byte.
func AssertSameFiles(t testing.TB, dir, root string) {
	t.Helper()
	want, got := TreeHashes(t, root), TreeHashes(t, dir)
	for name, h := range want {
		if got[name] != h {
			t.Errorf("%s: %q in %s, %q in the source", name, got[name], dir, h)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: in %s but not in the source", name, dir)
		}
	}
	if len(want) == 0 || t.Failed() {
		t.Fatalf("%d source files, %d in %s", len(want), len(got), dir)
	}
}

// AssertExtractsTo extracts the MSI's payload with msiextract and compares
// it with the source tree, file by file and byte by byte.
func AssertExtractsTo(t testing.TB, msi, root string) {
	t.Helper()
	msiextract := testtool.Require(t, "msiextract")
	dir := t.TempDir()
	if out, err := exec.Command(msiextract, "-C", dir, msi).CombinedOutput(); err != nil {
		t.Fatalf("msiextract: %v: %s", err, out)
	}
	AssertSameFiles(t, filepath.Join(dir, "Go"), root)
}

// Tail is the end of a long log, for error messages.
func Tail(s string) string {
	if len(s) > 4000 {
		return s[len(s)-4000:]
	}
	return s
}
