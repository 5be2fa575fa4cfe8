package cfb_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/cfb"
	"github.com/richardlehane/mscfb"
	"github.com/sassoftware/relic/v7/lib/comdoc"
)

// msiCLSID is {000C1084-0000-0000-C000-000000000046} in on-disk order.
var msiCLSID = [16]byte{0x84, 0x10, 0x0C, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46}

// payload is a deterministic pseudo-random stream that is never held whole
// in memory, so the big-stream tests exercise the streaming path.
func payload(seed uint64, size int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}), size)
}

func digest(r io.Reader) ([32]byte, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, n, err
}

type spec struct {
	name string
	size int64
	seed uint64
}

// mixedSpecs covers the mini stream (many tiny streams, sizes around the
// 64-byte mini sector), the 4096-byte cutoff, and plain sectors.
func mixedSpecs() []spec {
	var specs []spec
	sizes := []int64{0, 1, 63, 64, 65, 511, 512, 513, 4095, 4096, 4097, 70000}
	for i, s := range sizes {
		specs = append(specs, spec{fmt.Sprintf("edge%02d", i), s, uint64(i + 1)})
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 700 {
		specs = append(specs, spec{fmt.Sprintf("tiny.%d", i), r.Int64N(300), uint64(1000 + i)})
	}
	// Names as installer databases store them: mangled CJK-range runes.
	specs = append(specs, spec{"\u4840\u3f7f\u4164\u422f\u4836", 24, 9}, spec{"\x05SummaryInformation", 400, 10})
	return specs
}

func writeFile(t testing.TB, path string, specs []spec) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := cfb.NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	w.SetRootCLSID(msiCLSID)
	for _, s := range specs {
		if err := w.AddStream(s.name, s.size, payload(s.seed, s.size)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkWithMscfb reads every stream back with an independent reader.
func checkWithMscfb(t *testing.T, path string, specs []spec) {
	t.Helper()
	want := map[string]spec{}
	for _, s := range specs {
		want[s.name] = s
	}
	root, _ := readWithMscfb(t, path, want)
	if want := "000C1084-0000-0000-C000-000000000046"; !strings.EqualFold(root, want) {
		t.Errorf("root CLSID = %s, want %s", root, want)
	}
}

// readWithMscfb reads the file with an independent reader, checks every
// stream against want (keyed by its path, storage names joined by "/"),
// and returns the root's CLSID and every storage's path and CLSID.
func readWithMscfb(t *testing.T, path string, want map[string]spec) (root string, storages map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := mscfb.New(f)
	if err != nil {
		t.Fatalf("mscfb rejects the file: %v", err)
	}
	storages = map[string]string{}
	seen := 0
	for entry, err := r.Next(); err == nil; entry, err = r.Next() {
		name := entry.Name
		if entry.Initial < 0x20 {
			name = string(rune(entry.Initial)) + name // mscfb strips control prefixes
		}
		full := strings.Join(append(append([]string{}, entry.Path...), name), "/")
		if entry.FileInfo().IsDir() {
			storages[full] = strings.Trim(entry.ID(), "{}")
			continue
		}
		s, ok := want[full]
		if !ok {
			t.Errorf("unexpected stream %q", full)
			continue
		}
		seen++
		got, n, err := digest(entry)
		if err != nil {
			t.Fatalf("read %q: %v", full, err)
		}
		wantSum, _, _ := digest(payload(s.seed, s.size))
		if n != s.size || got != wantSum {
			t.Errorf("stream %q: read %d bytes (want %d), content matches: %v", full, n, s.size, got == wantSum)
		}
	}
	if seen != len(want) {
		t.Errorf("mscfb listed %d streams, want %d", seen, len(want))
	}
	return strings.Trim(r.ID(), "{}"), storages
}

// checkWithComdoc reads the file with relic's reader (the one gomsi signs
// with) and checks the directory tree: sibling order and red-black rules.
func checkWithComdoc(t *testing.T, path string, specs []spec) *comdoc.ComDoc {
	t.Helper()
	doc, err := comdoc.ReadPath(path)
	if err != nil {
		t.Fatalf("relic comdoc rejects the file: %v", err)
	}
	t.Cleanup(func() { doc.Close() })
	entries, err := doc.ListDir(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(specs) {
		t.Fatalf("comdoc lists %d streams, want %d", len(entries), len(specs))
	}
	sizes := map[string]int64{}
	for _, s := range specs {
		sizes[s.name] = s.size
	}
	for _, e := range entries {
		if int64(e.StreamSize) != sizes[e.Name()] {
			t.Errorf("stream %q size %d, want %d", e.Name(), e.StreamSize, sizes[e.Name()])
		}
		if e.CreateTime != 0 || e.ModifyTime != 0 {
			t.Errorf("stream %q has timestamps; want zero for reproducible output", e.Name())
		}
		r, err := doc.ReadStream(e)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := digest(r)
		if err != nil {
			t.Fatal(err)
		}
		var s spec
		for _, c := range specs {
			if c.name == e.Name() {
				s = c
			}
		}
		if want, _, _ := digest(payload(s.seed, s.size)); got != want {
			t.Errorf("comdoc: stream %q content differs", e.Name())
		}
	}
	root := doc.RootStorage()
	checkTree(t, doc.Files, int(root.StorageRoot))
	return doc
}

// checkTree verifies the in-order walk is sorted the MS-CFB way (length,
// then upper-case), the root is black, no red node has a red child and
// every path has the same number of black nodes.
func checkTree(t *testing.T, files []comdoc.DirEnt, root int) {
	t.Helper()
	if root >= 0 && files[root].Color != comdoc.Black {
		t.Errorf("tree root %q is red", files[root].Name())
	}
	var names []string
	var walk func(i int, parentRed bool) int
	walk = func(i int, parentRed bool) int {
		if i < 0 {
			return 1
		}
		e := files[i]
		red := e.Color == comdoc.Red
		if red && parentRed {
			t.Errorf("red node %q has a red parent", e.Name())
		}
		lh := walk(int(e.LeftChild), red)
		names = append(names, e.Name())
		rh := walk(int(e.RightChild), red)
		if lh != rh {
			t.Errorf("black height differs under %q: %d vs %d", e.Name(), lh, rh)
		}
		if red {
			return lh
		}
		return lh + 1
	}
	walk(root, false)
	for i := 1; i < len(names); i++ {
		a, b := []rune(names[i-1]), []rune(names[i])
		if len(a) > len(b) || (len(a) == len(b) && strings.ToUpper(string(a)) >= strings.ToUpper(string(b))) {
			t.Errorf("siblings out of order: %q before %q", names[i-1], names[i])
		}
	}
}

func TestMixedStreamsReadBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mixed.cfb")
	specs := mixedSpecs()
	writeFile(t, path, specs)
	checkWithMscfb(t, path, specs)
	checkWithComdoc(t, path, specs)
}

// A stream above ~7 MB needs more than the header's 109 FAT sectors, so the
// file must carry DIFAT sectors.
func TestBigStreamNeedsDIFAT(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.cfb")
	specs := []spec{{"big", 9<<20 + 123, 7}, {"small", 100, 8}, {"mid", 20000, 9}}
	writeFile(t, path, specs)
	checkWithMscfb(t, path, specs)
	doc := checkWithComdoc(t, path, specs)
	if doc.Header.MSATSectorCount == 0 || doc.Header.SATSectors <= 109 {
		t.Errorf("header: %d FAT sectors, %d DIFAT sectors; want > 109 and > 0",
			doc.Header.SATSectors, doc.Header.MSATSectorCount)
	}
}

// Around the DIFAT boundaries the FAT must also map its own sectors.
func TestFATBoundaries(t *testing.T) {
	for _, sectors := range []int64{109*128 - 111, 109*128 - 110, 109*128 - 109, 109*128 + 1, (109+127)*128 - 2, (109 + 127) * 128} {
		t.Run(fmt.Sprint(sectors), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "b.cfb")
			specs := []spec{{"data", sectors * 512, uint64(sectors)}}
			writeFile(t, path, specs)
			checkWithMscfb(t, path, specs)
			checkWithComdoc(t, path, specs)
		})
	}
}

func TestEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.cfb")
	writeFile(t, path, nil)
	// relic's reader panics on a root without children, so only mscfb here;
	// installer databases always hold streams.
	checkWithMscfb(t, path, nil)
}

func TestTreeShapes(t *testing.T) {
	for n := 1; n <= 17; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.cfb")
			var specs []spec
			for i := range n {
				specs = append(specs, spec{strings.Repeat("x", 1+i%3) + fmt.Sprint(n-i), int64(i), uint64(i)})
			}
			writeFile(t, path, specs)
			checkWithComdoc(t, path, specs)
		})
	}
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	specs := append(mixedSpecs(), spec{"big", 300000, 3})
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	writeFile(t, a, specs)
	writeFile(t, b, specs)
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Fatal("two writes of the same streams differ")
	}
}

func BenchmarkStream100MB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.cfb")
	const size = 100 << 20
	b.SetBytes(size)
	for b.Loop() {
		writeFile(b, path, []spec{{"cab1.cab", size, 1}})
	}
}
