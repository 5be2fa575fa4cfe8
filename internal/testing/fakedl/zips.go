package fakedl

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"io"
	"slices"
	"strings"
	"time"
)

// DistZip returns a small go.dev-style zip (files under go/) of version:
// VERSION, go.mod files, docs and tests, enough to tell the layouts apart.
func DistZip(version string) []byte {
	files := map[string]string{
		"go/VERSION":                  version + "\ntime 2026-08-28T16:20:00Z\n",
		"go/LICENSE":                  "Copyright (c) 2009 The Go Authors.\n",
		"go/src/go.mod":               "module std\n\ngo 1.26\n",
		"go/src/cmd/go.mod":           "module cmd\n\ngo 1.26\n",
		"go/src/fmt/print.go":         "package fmt\n",
		"go/bin/gofmt.exe":            strings.Repeat("MZ gofmt ", 500),
		"go/bin/go.txt":               noise(version, 16<<10),
		"go/api/go1.txt":              "pkg fmt, func Println(...interface{}) (int, error)\n",
		"go/doc/go_spec.html":         "<h1>The Go Programming Language Specification</h1>\n",
		"go/misc/wasm/wasm_exec.js":   "// wasm\n",
		"go/test/helloworld.go":       "package main\n",
		"go/pkg/include/textflag.h":   "#define NOSPLIT 4\n",
		"go/lib/time/zoneinfo.zip":    strings.Repeat("z", 3000),
		"go/src/crypto/tls/common.go": strings.Repeat("// tls\n", 2000),
	}
	return writeZip(files)
}

// ModuleZip converts a go.dev-style zip into the golang.org/toolchain
// module layout, as cmd/distpack does: files under
// golang.org/toolchain@<modVersion>/, go.mod renamed _go.mod, and no api/,
// doc/, misc/ or test/.
func ModuleZip(distZip []byte, modVersion string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(distZip), int64(len(distZip)))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	prefix := "golang.org/toolchain@" + modVersion + "/"
	for _, f := range zr.File {
		rel, ok := strings.CutPrefix(f.Name, "go/")
		if !ok || strings.HasSuffix(rel, "/") || rel == "" {
			continue
		}
		top, _, _ := strings.Cut(rel, "/")
		if slices.Contains([]string{"api", "doc", "misc", "test"}, top) {
			continue
		}
		if rel == "go.mod" || strings.HasSuffix(rel, "/go.mod") {
			rel = strings.TrimSuffix(rel, "go.mod") + "_go.mod"
		}
		hdr := f.FileHeader
		hdr.Name = prefix + rel
		// Copy the compressed bytes: converting the 75 MB fixture stays fast.
		w, err := zw.CreateRaw(&hdr)
		if err != nil {
			return nil, err
		}
		r, err := f.OpenRaw()
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(w, r); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// noise is incompressible but reproducible content, so that zips have a
// few kB in which to fail, resume and corrupt.
func noise(seed string, n int) string {
	b := make([]byte, 0, n+sha256.Size)
	sum := sha256.Sum256([]byte(seed))
	for len(b) < n {
		b = append(b, sum[:]...)
		sum = sha256.Sum256(sum[:])
	}
	return string(b[:n])
}

func writeZip(files map[string]string) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Unix(1700000000, 0)})
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		io.WriteString(w, files[n])
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
