package dist

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// deflated returns data compressed as a zip entry stores it.
func deflated(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawZip writes a zip whose entries carry the given headers and already
// deflated data: a header may say anything about its sizes.
func rawZip(t *testing.T, entries []rawEntry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: e.crc, UncompressedSize64: e.size, CompressedSize64: uint64(len(e.data))}
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return writeBytes(t, buf.Bytes())
}

type rawEntry struct {
	name string
	data []byte // deflated
	size uint64 // declared uncompressed size
	crc  uint32
}

func honest(t *testing.T, name string, body []byte) rawEntry {
	return rawEntry{name, deflated(t, body), uint64(len(body)), crc32.ChecksumIEEE(body)}
}

func writeBytes(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "go1.26.8.windows-amd64.zip")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// overlapBomb builds a zip whose central directory lists n entries that all
// point at one local entry's data (the overlapping-files zip bomb): each
// entry is honest about its size and CRC, but the zip holds the data once.
func overlapBomb(t *testing.T, n int, body []byte) string {
	t.Helper()
	data := deflated(t, body)
	crc := crc32.ChecksumIEEE(body)
	var out bytes.Buffer
	le := func(v ...any) {
		for _, x := range v {
			binary.Write(&out, binary.LittleEndian, x)
		}
	}
	version := "go/VERSION"
	vbody := []byte("go1.26.8\n")
	// Local headers: VERSION, then the shared data once.
	local := func(name string, d []byte, crc uint32, size int) uint32 {
		off := uint32(out.Len())
		le(uint32(0x04034b50), uint16(20), uint16(0), uint16(8), uint16(0), uint16(0), crc, uint32(len(d)), uint32(size), uint16(len(name)), uint16(0))
		out.WriteString(name)
		out.Write(d)
		return off
	}
	vdata := deflated(t, vbody)
	vcrc := crc32.ChecksumIEEE(vbody)
	voff := local(version, vdata, vcrc, len(vbody))
	shared := local("go/f0", data, crc, len(body))
	cdStart := out.Len()
	central := func(name string, d []byte, crc uint32, size int, off uint32) {
		le(uint32(0x02014b50), uint16(20), uint16(20), uint16(0), uint16(8), uint16(0), uint16(0), crc, uint32(len(d)), uint32(size),
			uint16(len(name)), uint16(0), uint16(0), uint16(0), uint16(0), uint32(0), off)
		out.WriteString(name)
	}
	central(version, vdata, vcrc, len(vbody), voff)
	for i := range n {
		central(fmt.Sprintf("go/f%03d", i), data, crc, len(body), shared)
	}
	cdSize := out.Len() - cdStart
	le(uint32(0x06054b50), uint16(0), uint16(0), uint16(n+1), uint16(n+1), uint32(cdSize), uint32(cdStart), uint16(0))
	return writeBytes(t, out.Bytes())
}

// TestOpenZipRefusesBombs: a zip that expands past a limit is refused
// before anything is written, with an error naming the zip, the entry,
// the limit and the setting that raises it. Before the limits, each was
// extracted in full (the first report: 10 MB that became 2 GiB).
func TestOpenZipRefusesBombs(t *testing.T) {
	version := honest(t, "go/VERSION", []byte("go1.26.8\n"))
	zeros := func(n int) []byte { return make([]byte, n) }
	for _, tc := range []struct {
		name   string
		zip    func(t *testing.T) string
		limits ExtractLimits
		want   []string
	}{
		{"one file past the file limit", func(t *testing.T) string {
			return rawZip(t, []rawEntry{version, honest(t, "go/big.bin", zeros(2<<20))})
		}, ExtractLimits{File: 1 << 20}, []string{`zip entry "go/big.bin" expands to 2.0 MiB, more than the 1.0 MiB one file may`, "raise GOMSI_MAX_EXTRACT_FILE"}},
		{"files past the total", func(t *testing.T) string {
			return rawZip(t, []rawEntry{version, honest(t, "go/a.bin", zeros(1<<20)), honest(t, "go/b.bin", zeros(1<<20)), honest(t, "go/c.bin", zeros(1<<20))})
		}, ExtractLimits{Total: 2 << 20}, []string{`zip entry "go/b.bin" takes the files past 2.0 MiB, the most a zip may expand to`, "raise GOMSI_MAX_EXTRACT"}},
		{"a header declaring 8 EiB", func(t *testing.T) string {
			return rawZip(t, []rawEntry{version, {"go/huge.bin", deflated(t, []byte("x")), 1 << 63, 0}})
		}, ExtractLimits{}, []string{`zip entry "go/huge.bin" expands to`, "GOMSI_MAX_EXTRACT_FILE"}},
		{"the default ratio: 65 MiB of zeros", func(t *testing.T) string {
			return rawZip(t, []rawEntry{version, honest(t, "go/zeros.bin", zeros(65<<20))})
		}, ExtractLimits{}, []string{`zip entry "go/zeros.bin" takes the files past 100 times the zip's`, "raise GOMSI_MAX_EXTRACT_RATIO"}},
		{"overlapping entries", func(t *testing.T) string {
			return overlapBomb(t, 200, zeros(1<<20))
		}, ExtractLimits{}, []string{"takes the files past 100 times the zip's", "GOMSI_MAX_EXTRACT_RATIO"}},
		{"overlapping entries under a higher ratio", func(t *testing.T) string {
			return overlapBomb(t, 200, zeros(1<<20))
		}, ExtractLimits{Ratio: 1 << 20, Total: 100 << 20}, []string{"the most a zip may expand to", "GOMSI_MAX_EXTRACT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			zipPath := tc.zip(t)
			_, err := Open(t.Context(), zipPath, Options{WorkDir: work, Limits: tc.limits})
			if err == nil {
				t.Fatal("Open extracted a zip bomb")
			}
			mustContain(t, "error", err.Error(), append(tc.want, "open Go distribution "+zipPath)...)
			assertOnly(t, work) // refused before extraction: not even a temporary folder
		})
	}
}

// TestOpenZipLyingHeader: a header that declares fewer bytes than its
// entry holds is stopped at the declared size, naming the entry; nothing
// larger was written and nothing stays.
func TestOpenZipLyingHeader(t *testing.T) {
	body := make([]byte, 4<<20)
	for _, declared := range []uint64{0, 1, 1 << 10, 4<<20 - 1} {
		work := t.TempDir()
		lie := rawEntry{"go/lie.bin", deflated(t, body), declared, crc32.ChecksumIEEE(body[:declared])}
		zipPath := rawZip(t, []rawEntry{honest(t, "go/VERSION", []byte("go1.26.8\n")), lie})
		_, err := Open(t.Context(), zipPath, Options{WorkDir: work})
		if err == nil {
			t.Fatalf("declared %d: extracted", declared)
		}
		mustContain(t, "error", err.Error(), `zip entry "go/lie.bin" holds more than the`, "bytes its header declares", zipPath)
		assertOnly(t, work)
	}
}

// TestExtractCountsWrittenBytes: the budget counts the bytes written, not
// the headers: with a limit below what the headers declare (as if they
// lied), extraction stops before writing past it.
func TestExtractCountsWrittenBytes(t *testing.T) {
	files := append(goodFiles(), zipFile{name: "go/a.bin", body: strings.Repeat("a", 300<<10)}, zipFile{name: "go/b.bin", body: strings.Repeat("b", 300<<10)})
	zr, err := zip.OpenReader(writeZip(t, files))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	entries, err := zipEntries(&zr.Reader, "go/", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, limits := range []ExtractLimits{{Total: 400 << 10}, {File: 200 << 10}} {
		dir := t.TempDir()
		b := &budget{limits: limits.orDefaults(), zipSize: 1 << 40}
		err = extract(t.Context(), entries, dir, b)
		if err == nil || !strings.Contains(err.Error(), "GOMSI_MAX_EXTRACT") {
			t.Fatalf("limits %+v: extract = %v, want a limit error", limits, err)
		}
		var written int64
		filepath.WalkDir(dir, func(_ string, d fs.DirEntry, _ error) error {
			if info, err := d.Info(); err == nil && !d.IsDir() {
				written += info.Size()
			}
			return nil
		})
		if limit := min(limits.orDefaults().Total, 2*limits.orDefaults().File) + 1<<10; written > limit { // 1 kB: goodFiles
			t.Errorf("limits %+v: %d bytes written, more than %d", limits, written, limit)
		}
	}
}

// TestExtractLimitsFitGo: the defaults leave a Go distribution an order of
// magnitude of room on every limit (measured on the fixture: 225 MiB from
// 71.5 MiB, largest file 25 MiB).
func TestExtractLimitsFitGo(t *testing.T) {
	p := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	info, _ := os.Stat(p)
	var total, largest int64
	for _, f := range zr.File {
		total += int64(f.UncompressedSize64)
		largest = max(largest, int64(f.UncompressedSize64))
	}
	l := DefaultExtractLimits()
	if total*10 > l.Total || largest*10 > l.File || total*10 > l.Ratio*info.Size() {
		t.Errorf("the fixture (%d bytes from %d, largest file %d) has less than 10 times room in %+v", total, info.Size(), largest, l)
	}
}

func TestExtractEnvLimits(t *testing.T) {
	env := func(kv ...string) ExtractEnv {
		get := func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
		return ExtractEnv{Total: get("GOMSI_MAX_EXTRACT"), File: get("GOMSI_MAX_EXTRACT_FILE"), Ratio: get("GOMSI_MAX_EXTRACT_RATIO")}
	}
	l, err := env().Limits()
	if err != nil || l != DefaultExtractLimits() {
		t.Errorf("no settings: %+v, %v", l, err)
	}
	l, err = env("GOMSI_MAX_EXTRACT", "8GiB", "GOMSI_MAX_EXTRACT_FILE", "500 MiB", "GOMSI_MAX_EXTRACT_RATIO", "20").Limits()
	if err != nil || l != (ExtractLimits{Total: 8 << 30, File: 500 << 20, Ratio: 20}) {
		t.Errorf("settings: %+v, %v", l, err)
	}
	if l, err = env("GOMSI_MAX_EXTRACT", "123456").Limits(); err != nil || l.Total != 123456 {
		t.Errorf("bytes: %+v, %v", l, err)
	}
	for _, bad := range [][]string{
		{"GOMSI_MAX_EXTRACT", "lots"}, {"GOMSI_MAX_EXTRACT", "0"}, {"GOMSI_MAX_EXTRACT", "-1GiB"}, {"GOMSI_MAX_EXTRACT", "1.5GiB"},
		{"GOMSI_MAX_EXTRACT_FILE", "9999999999TiB"}, {"GOMSI_MAX_EXTRACT_RATIO", "0"}, {"GOMSI_MAX_EXTRACT_RATIO", "ten"},
	} {
		if _, err := env(bad...).Limits(); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%s: %v, want an error naming the variable", bad[0], bad[1], err)
		}
	}
}

// mustContain fails unless s mentions every one of wants.
func mustContain(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s does not mention %q:\n%s", what, w, s)
		}
	}
}
