package dist

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/atomicfile"
)

// TestOpenZipRefusesUnholdableNames: a name Windows cannot hold is refused
// before extraction, naming the zip entry; before, it failed late (on
// Linux, with a temporary path) or not at all.
func TestOpenZipRefusesUnholdableNames(t *testing.T) {
	for _, tc := range []struct{ entry, want string }{
		{"go/src/" + strings.Repeat("a", 256) + ".go", "UTF-16 units long; Windows names hold at most 255"},
		{"go/src/" + strings.Repeat("😀", 130) + "/x.go", "260 UTF-16 units long"},
		{"go/src/latin1-\xe9t\xe9.go", "not valid UTF-8"},
		{"go/COM0.txt", "reserved device name"},
		{"go/src/lpt0", "reserved device name"},
		{"go/doc/COM².md", "reserved device name"},
		{"go/README.md/x", `"README.md" is a file and also a folder (of "README.md/x")`},
		{"go/src/fmt", `"src/fmt" is a file and also a folder`},
	} {
		work := t.TempDir()
		zipPath := writeZip(t, append(goodFiles(), zipFile{name: tc.entry, body: "x"}))
		_, err := Open(t.Context(), zipPath, Options{WorkDir: work, Arch: "amd64"})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "zip entry "+strconv.Quote(tc.entry)) {
			t.Errorf("entry %.50q: %v\nwant %q, naming the entry", tc.entry, err, tc.want)
		}
		assertOnly(t, work)
	}
}

// TestOpenZipNamesEntryOnLocalFailure: a name Windows holds but this file
// system cannot (200 two-byte characters are 400 bytes, past Linux's 255)
// fails naming the zip entry, not the temporary folder it was written to.
func TestOpenZipNamesEntryOnLocalFailure(t *testing.T) {
	for _, entry := range []string{
		"go/src/" + strings.Repeat("é", 200) + ".go",
		"go/src/" + strings.Repeat("é", 200) + "/inner.go",
	} {
		work := t.TempDir()
		_, err := Open(t.Context(), writeZip(t, append(goodFiles(), zipFile{name: entry, body: "x"})), Options{WorkDir: work, Arch: "amd64"})
		if err == nil {
			t.Skip("this file system holds 400-byte names")
		}
		msg := err.Error()
		if !strings.Contains(msg, "zip entry "+strconv.Quote(entry)) || strings.Contains(msg, atomicfile.TempMark) || strings.Contains(msg, work) {
			t.Errorf("entry %.40q: %v\nwant an error naming the entry and not the temporary folder", entry, err)
		}
		assertOnly(t, work)
	}
}

// TestOpenZipRefusesVersionSpellings: a VERSION with leading zeros or a
// number past an int is refused before extraction; go01.026.08 used to be
// extracted and built as go1.26.8.
func TestOpenZipRefusesVersionSpellings(t *testing.T) {
	for _, v := range []string{"go01.026.08", "go1.26.08", "go1.027rc1", "go1.26.99999999999999999999", "go99999999999999999999.1.0", "go1.27rc00"} {
		work := t.TempDir()
		files := append([]zipFile{{name: "go/VERSION", body: v + "\ntime 2026-08-28T16:20:06Z\n"}}, goodFiles()[1:]...)
		_, err := Open(t.Context(), writeZip(t, files), Options{WorkDir: work, Arch: "amd64"})
		if err == nil || !strings.Contains(err.Error(), "parse Go version "+strconv.Quote(v)) {
			t.Errorf("VERSION %s: %v", v, err)
		}
		assertOnly(t, work)
		root := t.TempDir()
		os.WriteFile(root+"/VERSION", []byte(v+"\n"), 0o644)
		if _, err := Open(t.Context(), root, Options{}); err == nil {
			t.Errorf("folder with VERSION %s opened", v)
		}
	}
}

// TestVersionSpecsRefuseSpellings: GOMSI_GO_VERSION follows the same
// syntax as VERSION files (fetch checks index versions the same way).
func TestVersionSpecsRefuseSpellings(t *testing.T) {
	for _, s := range []string{"01.26.8", "1.026", "go1.26.08", "1.27rc01", "1.99999999999999999999", "99999999999999999999.1"} {
		if _, err := ParseVersionSpecs(s); err == nil {
			t.Errorf("parseVersionSpecs(%q) accepted it", s)
		}
	}
}
