package fileinfo

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// TestVersionedPE builds a DLL with a version resource (mingw windres) and
// a Go-like executable without one: the first is versioned (1.2.3.4,
// language 1033) and not hashed, the second hashed.
func TestVersionedPE(t *testing.T) {
	gcc := testtool.Require(t, "x86_64-w64-mingw32-gcc")
	windres := testtool.Require(t, "x86_64-w64-mingw32-windres")
	dir := t.TempDir()
	rc := `1 VERSIONINFO
FILEVERSION 1,2,3,4
PRODUCTVERSION 1,2,3,4
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "FileVersion", "1.2.3.4"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
`
	os.WriteFile(filepath.Join(dir, "v.rc"), []byte(rc), 0o644)
	os.WriteFile(filepath.Join(dir, "d.c"), []byte("int f(void) { return 1; }\n"), 0o644)
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", name, err, out)
		}
	}
	run(windres, filepath.Join(dir, "v.rc"), "-O", "coff", "-o", filepath.Join(dir, "v.res"))
	dll := filepath.Join(dir, "v.dll")
	run(gcc, "-shared", "-o", dll, filepath.Join(dir, "d.c"), filepath.Join(dir, "v.res"))
	plain := filepath.Join(dir, "plain.dll")
	run(gcc, "-shared", "-o", plain, filepath.Join(dir, "d.c"))

	infos, err := ReadAll(context.Background(), []string{dll, plain})
	if err != nil {
		t.Fatal(err)
	}
	if infos[0].Version != "1.2.3.4" || infos[0].Language != "1033" || infos[0].Hash != [4]int32{} {
		t.Errorf("versioned DLL: %+v", infos[0])
	}
	data, _ := os.ReadFile(plain)
	if infos[1].Version != "" || infos[1].Hash != md5Parts(data) || infos[1].Size != int64(len(data)) {
		t.Errorf("unversioned DLL: %+v", infos[1])
	}
}

func md5Parts(b []byte) [4]int32 {
	sum := md5.Sum(b)
	var p [4]int32
	for i := range p {
		p[i] = int32(binary.LittleEndian.Uint32(sum[4*i:]))
	}
	return p
}

// TestNotPE: text, an "MZ" file that is not a PE file, truncated headers
// and an empty file are all unversioned and hashed, without a panic.
func TestNotPE(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]byte{
		"text":      []byte("package main\n"),
		"mz":        []byte("MZ not really gofmt"),
		"empty":     nil,
		"truncated": append([]byte("MZ"), bytes.Repeat([]byte{0xff}, 70)...),
	}
	hdr := make([]byte, 200)
	copy(hdr, "MZ")
	binary.LittleEndian.PutUint32(hdr[60:], 64)
	copy(hdr[64:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(hdr[64+6:], 1)    // one section
	binary.LittleEndian.PutUint16(hdr[64+20:], 240) // optional header runs past the end
	cases["badopt"] = hdr
	for name, data := range cases {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		info, err := Read(p)
		if err != nil || info.Version != "" || info.Hash != md5Parts(data) {
			t.Errorf("%s: %+v, %v", name, info, err)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("a missing file read without error")
	}
	if _, err := Read(dir); err == nil {
		t.Errorf("a folder read as a file")
	}
}

// FuzzPEVersion: the header walk never panics on hostile files.
func FuzzPEVersion(f *testing.F) {
	f.Add(testtool.MinimalPE(0x8664))
	f.Add([]byte("MZ"))
	f.Fuzz(func(t *testing.T, data []byte) {
		peVersion(bytes.NewReader(data), int64(len(data)))
	})
}
