package cab

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/payload"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// deBruijn returns the de Bruijn sequence B(k, 3): k^3 bytes over k letters
// in which no 3-byte string repeats, so deflate finds no match at all yet the
// small alphabet compresses: the input that makes compress/flate write a
// single-symbol distance code.
func deBruijn(k int) []byte {
	a := make([]int, 3*k)
	var seq []byte
	var db func(t, p int)
	db = func(t, p int) {
		if t > 3 {
			if 3%p == 0 {
				for _, v := range a[1 : p+1] {
					seq = append(seq, byte('A'+v))
				}
			}
			return
		}
		a[t] = a[t-p]
		db(t+1, p)
		for j := a[t-p] + 1; j < k; j++ {
			a[t] = j
			db(t+1, t)
		}
	}
	db(1, 1)
	return seq
}

// corpus is the test payload: every shape the format and the guard care
// about. Its first three files start on block boundaries so that the trap
// inputs land in blocks of their own.
func corpus() []struct {
	name string
	data []byte
} {
	rep := payload.Random(7, blockSize)
	periodic := bytes.Repeat([]byte("abc"), 40000/3)
	type entry = struct {
		name string
		data []byte
	}
	c := []entry{
		{"repeat.bin", append(slices.Clone(rep), shifted(rep)...)}, // block 1: distance symbol 29 only
		{"debruijn.txt", deBruijn(32)},                             // no match at all
		{"exact32k.bin", payload.Random(1, blockSize)},
		{"empty.txt", nil},
		{"periodic.txt", periodic}, // one distance only
		{"text.txt", payload.Text(2, 300_000)},
		{"random.bin", payload.Random(3, 100_000)}, // incompressible: stored blocks
		{"span.bin", append(payload.Text(4, 70_000), payload.Random(5, 70_000)...)},
	}
	for i := range 300 {
		c = append(c, entry{fmt.Sprintf("small%03d.txt", i), payload.Text(uint64(100+i), i%257)})
	}
	return c
}

// writeCorpus writes the corpus under dir and returns it as Files and as
// the expected contents by name.
func writeCorpus(t testing.TB, dir string) ([]File, map[string][]byte) {
	t.Helper()
	var files []File
	want := map[string][]byte{}
	for _, e := range corpus() {
		p := filepath.Join(dir, e.name)
		if err := os.WriteFile(p, e.data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: e.name, Path: p, Size: int64(len(e.data))})
		want[e.name] = e.data
	}
	return files, want
}

// checkWithTools runs the strict oracles on a cabinet: cabextract -t
// (libmspack), extraction by cabextract and by gcab (zlib), and the Go
// reader, each of which must give back want exactly.
func checkWithTools(t *testing.T, cab string, want map[string][]byte) {
	t.Helper()
	cabextract := testtool.Require(t, "cabextract")
	gcab := testtool.Require(t, "gcab")
	out, err := exec.Command(cabextract, "-t", cab).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "All done, no errors") {
		t.Fatalf("cabextract -t %s: %v: %s", cab, err, lastLines(out))
	}
	for tool, args := range map[string][]string{
		cabextract: {"-q", "-d"},
		gcab:       {"-x", "-C"},
	} {
		dir := t.TempDir()
		cmd := exec.Command(tool, append(args, dir, cab)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v: %s", tool, cab, err, lastLines(out))
		}
		compareDir(t, tool, dir, want)
	}
	p, err := readCab(cab)
	if err != nil {
		t.Fatalf("read %s: %v", cab, err)
	}
	if len(p.contents) != len(want) {
		t.Fatalf("go reader: %d files, want %d", len(p.contents), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(p.contents[name], data) {
			t.Errorf("go reader: %s differs", name)
		}
	}
}

func compareDir(t *testing.T, tool, dir string, want map[string][]byte) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%s extracted %d files, want %d", tool, len(entries), len(want))
	}
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", tool, err)
			continue
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s: %s differs (%d bytes, want %d)", tool, name, len(got), len(data))
		}
	}
}

func lastLines(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-5):], "\n")
}
