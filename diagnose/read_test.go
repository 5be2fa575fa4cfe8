package diagnose

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"
)

// encodings are the ways a log reaches diagnose: Windows writes UTF-16LE
// with a byte order mark; copies and converters drop the mark or write
// UTF-8 with one; Wine writes plain UTF-8.
var encodings = map[string]func(string) []byte{
	"utf-8":         func(s string) []byte { return []byte(s) },
	"utf-8 bom":     func(s string) []byte { return append([]byte("\xEF\xBB\xBF"), s...) },
	"utf-16le bom":  utf16LE,
	"utf-16le":      func(s string) []byte { return utf16LE(s)[2:] },
	"utf-16be bom":  utf16BE,
	"utf-16le crlf": func(s string) []byte { return utf16LE(strings.ReplaceAll(s, "\n", "\r\n")) },
}

func utf16BE(s string) []byte {
	b := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

// A line longer than any buffer (Windows logs whole property values and
// SQL on one line) must neither stop the reading nor hide what follows.
func TestLongLines(t *testing.T) {
	failure := windowsLogs["1310 file in use"].log // 5 lines, error on line 2
	for name, long := range map[string]string{
		"over 4 MiB":       strings.Repeat("x", 4<<20+1),
		"MaxLine+1":        strings.Repeat("y", MaxLine+1),
		"256 KiB of runes": strings.Repeat("é€😀", 256<<10/9),
	} {
		for _, place := range []string{"before", "inside", "after"} {
			var log string
			wantLine := 3
			switch place {
			case "before":
				log = "MSI (s) (B4:C8) [10:07:00:000]: PROPERTY CHANGE: Adding BIG property. Its value is '" + long + "'.\n" + failure
			case "inside":
				first, rest, _ := strings.Cut(failure, "\n")
				log = first + "\n" + long + "\n" + rest
			case "after":
				log = failure + long // and no line ending at the end
				wantLine = 2
			}
			for enc, encode := range encodings {
				r := Parse(bytes.NewReader(encode(log)))
				if r.Failed == nil || r.Failed.Code != 1310 || r.Failed.Action != "InstallFiles" || r.Failed.Line != wantLine {
					t.Errorf("%s line %s the failure (%s): %+v", name, place, enc, r.Failed)
				}
				if r.Lines != 6 || r.Truncated != 1 {
					t.Errorf("%s line %s (%s): %d lines, %d truncated; want 6 and 1", name, place, enc, r.Lines, r.Truncated)
				}
			}
		}
	}
}

func TestLongLinesInASuccessfulLog(t *testing.T) {
	long, longer := strings.Repeat("z", MaxLine+1), strings.Repeat("z", 4<<20+1)
	log := "Action start 10:00:00: CostInitialize.\r\n" + long + "\r\n" + longer + "\r\nAction ended 10:00:00: CostInitialize. Return value 1.\r\nMSI (s) (B4:C8) [10:00:02:000]: MainEngineThread is returning 0\r\n"
	for enc, encode := range encodings {
		r := Parse(bytes.NewReader(encode(log)))
		if r.Failed != nil || r.Lines != 5 || r.Truncated != 2 {
			t.Errorf("%s: failure %+v, %d lines, %d truncated; want none, 5, 2", enc, r.Failed, r.Lines, r.Truncated)
		}
		var out bytes.Buffer
		r.Write(&out)
		for _, want := range []string{"no failure found in 5 lines", "2 lines longer than 64 KiB were read only in their first 64 KiB"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: report lacks %q:\n%s", enc, want, out.String())
			}
		}
	}
}

// Every Windows excerpt is diagnosed the same in each encoding.
func TestEncodings(t *testing.T) {
	for name, tt := range windowsLogs {
		for enc, encode := range encodings {
			r := Parse(bytes.NewReader(encode(tt.log)))
			if r.Failed == nil || r.Failed.Code != tt.code || r.Failed.Action != tt.action {
				t.Errorf("%s (%s): %+v, want %d in %q", name, enc, r.Failed, tt.code, tt.action)
			}
		}
	}
	// Characters outside the BMP (surrogate pairs in UTF-16) survive.
	log := "MSI (s) (B4:C8) [10:04:00:001]: Product: Go 😀 amd64 -- Error 1625. This installation is forbidden by system policy.\n"
	for enc, encode := range encodings {
		if r := Parse(bytes.NewReader(encode(log))); r.Product != "Go 😀 amd64" || r.Failed == nil || r.Failed.Code != 1625 {
			t.Errorf("%s: product %q, %+v", enc, r.Product, r.Failed)
		}
	}
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	log := write("install.log", utf16LE(strings.ReplaceAll(windowsLogs["1925 not elevated"].log, "\n", "\r\n")))
	r, err := ParseFile(log)
	if err != nil || r.Failed == nil || r.Failed.Code != 1925 {
		t.Fatalf("ParseFile(%s) = %+v, %v", log, r.Failed, err)
	}

	msi := write("go1.26.8.windows-amd64.msi", append(append([]byte{}, cfbSignature...), make([]byte, 504)...))
	bad := []struct{ path, want string }{
		{dir, dir + " is a folder: pass the file written by msiexec /l*v"},
		{filepath.Join(dir, "sub") + string(filepath.Separator), "is a folder"},
		{filepath.Join(dir, "missing.log"), "missing.log: no such file or directory (pass the file written by msiexec /l*v)"},
		{msi, msi + ": this is a Windows Installer package, not a log: install it with msiexec /i " + msi},
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		bad = append(bad, struct{ path, want string }{os.DevNull, os.DevNull + " is not a regular file"})
	}
	for _, tt := range bad {
		if _, err := ParseFile(tt.path); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseFile(%s) = %v\nwant an error containing %q", tt.path, err, tt.want)
		}
	}

	for _, empty := range [][]byte{nil, {0xFF, 0xFE}, []byte("\xEF\xBB\xBF")} {
		r, err := ParseFile(write("empty.log", empty))
		var out bytes.Buffer
		r.Write(&out)
		if err != nil || r.Lines != 0 || !strings.Contains(out.String(), "the log is empty") {
			t.Errorf("empty log %q: %v\n%s", empty, err, out.String())
		}
	}
}

// endless is a log of one line of n bytes (UTF-16LE with a byte order mark)
// followed by a failure, produced as it is read so it never sits in memory.
type endless struct {
	n    int64
	head []byte
	tail *bytes.Reader
}

func newEndless(n int64) *endless {
	return &endless{n: n, head: []byte{0xFF, 0xFE}, tail: bytes.NewReader(utf16LE("\r\n" + windowsLogs["1310 file in use"].log)[2:])}
}

func (e *endless) Read(p []byte) (int, error) {
	if len(e.head) > 0 {
		n := copy(p, e.head)
		e.head = e.head[n:]
		return n, nil
	}
	if e.n > 0 {
		n := min(int64(len(p)), e.n) &^ 1
		for i := 0; i < int(n); i += 2 {
			p[i], p[i+1] = 'x', 0
		}
		e.n -= n
		return int(n), nil
	}
	return e.tail.Read(p)
}

func TestEndlessLineIsRead(t *testing.T) {
	r := Parse(newEndless(64 << 20))
	if r.Failed == nil || r.Failed.Code != 1310 || r.Lines != 6 || r.Truncated != 1 {
		t.Errorf("after a 32 Mi-character line: %+v, %d lines, %d truncated", r.Failed, r.Lines, r.Truncated)
	}
}

// BenchmarkParseLongLine reads a 64 MiB line: memory must not grow with it.
// Allocations per run are checked against a bound of 1 MiB (the old
// reader held the whole log, several times over).
func BenchmarkParseLongLine(b *testing.B) {
	const size = 64 << 20
	b.ReportAllocs()
	b.SetBytes(size)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range b.N {
		if r := Parse(newEndless(size)); r.Failed == nil {
			b.Fatal("failure after the long line not found")
		}
	}
	runtime.ReadMemStats(&after)
	if perRun := (after.TotalAlloc - before.TotalAlloc) / uint64(b.N); perRun > 1<<20 {
		b.Fatalf("parsing allocated %d bytes per run; want at most 1 MiB whatever the line length", perRun)
	}
}

var _ io.Reader = (*endless)(nil)
