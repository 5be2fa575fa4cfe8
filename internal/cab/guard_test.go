package cab

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	kflate "github.com/klauspost/compress/flate"

	"github.com/gomsi/gomsi/internal/testtool"
)

// rawDeflate is the compressor's output before the guard.
func rawDeflate(t testing.TB, level int, data, dict []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := kflate.NewWriterDict(&b, level, dict)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// inflate uses the standard library's inflater, not the code under test.
func inflate(t testing.TB, stream, dict []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(flate.NewReaderDict(bytes.NewReader(stream), dict))
	if err != nil {
		t.Fatalf("inflate: %v", err)
	}
	return out
}

// strict reports whether every Huffman code in stream is complete.
func strict(t testing.TB, stream []byte) bool {
	t.Helper()
	g := newGuard()
	if _, err := g.check(bytes.Clone(stream)); err != nil {
		if errors.Is(err, errIncomplete) {
			return false
		}
		t.Fatalf("check: %v", err)
	}
	return g.repairs == 0
}

// encodeOne encodes a single block and returns its record and outcome.
func encodeOne(t testing.TB, e *encoder, data, dict []byte) ([]byte, outcome) {
	t.Helper()
	var counts [3]int
	rec, err := e.encode(nil, data, dict, &counts)
	if err != nil {
		t.Fatal(err)
	}
	for how, n := range counts {
		if n == 1 {
			return rec, outcome(how)
		}
	}
	t.Fatalf("outcomes %v for one block", counts)
	return nil, 0
}

// shifted returns rep rotated left by 1000 bytes: compressed with rep as
// history, every match is 31768 bytes back, all in distance symbol 29.
func shifted(rep []byte) []byte { return append(bytes.Clone(rep[1000:]), rep[:1000]...) }

func TestGuardRepairsSingleDistanceCodes(t *testing.T) {
	rep := randomBytes(9, blockSize)
	cases := []struct {
		name       string
		data, dict []byte
	}{
		{"no match at all", deBruijn(32), nil}, // traps levels 7-9; 1-6 store it
		{"one distance (3)", bytes.Repeat([]byte("abc"), 10000), nil},
		{"only distance symbol 29", shifted(rep), rep},
		{"short no-match block", deBruijn(32)[:5000], nil},
	}
	trapped := map[string]bool{}
	for _, c := range cases {
		for level := 1; level <= 9; level++ {
			raw := rawDeflate(t, level, c.data, c.dict)
			if strict(t, raw) {
				continue // this level happens to avoid the trap
			}
			trapped[c.name] = true
			e, err := newEncoder(level, true, false)
			if err != nil {
				t.Fatal(err)
			}
			rec, how := encodeOne(t, e, c.data, c.dict)
			if how != repaired {
				t.Errorf("%s, level %d: outcome %d, want repaired", c.name, level, how)
				continue
			}
			payload := rec[10:]
			if got := inflate(t, payload, c.dict); !bytes.Equal(got, c.data) {
				t.Errorf("%s, level %d: repaired stream inflates to different bytes", c.name, level)
			}
			if !strict(t, payload) {
				t.Errorf("%s, level %d: repaired stream still has an incomplete code", c.name, level)
			}
			if len(payload) > len(raw)+2 {
				t.Errorf("%s, level %d: repair grew the stream from %d to %d bytes", c.name, level, len(raw), len(payload))
			}
		}
	}
	// Every input must hit the trap at some level, and the default level
	// must hit it too, or the cases above test nothing.
	for _, c := range cases {
		if !trapped[c.name] {
			t.Errorf("%s no longer triggers a single-symbol distance code", c.name)
		}
	}
	if strict(t, rawDeflate(t, DefaultLevel, shifted(rep), rep)) || strict(t, rawDeflate(t, DefaultLevel, cases[1].data, nil)) {
		t.Error("the default level no longer hits the trap on these inputs")
	}
}

func TestGuardRepairsAnySingleSymbolDistanceCode(t *testing.T) {
	lit := make([]uint8, 258)
	lit['a'], lit[256], lit[257] = 1, 2, 2
	for _, dist := range [][]uint8{{2}, {0, 0, 0, 4}, {0}} {
		used := uint16(len(dist) - 1)
		// Four literals, then a length 3 copy from up to 4 bytes back.
		syms, want := []uint16{'a', 'a', 'a', 'a', 257, 'a'}, "aaaaaaaa"
		if dist[used] == 0 {
			syms, want = []uint16{'a', 'a'}, "aa" // no distance at all
		}
		stream := handmade(lit, dist, syms, []uint16{used})
		g := newGuard()
		out, err := g.check(stream)
		if err != nil || g.repairs != 1 {
			t.Fatalf("dist %v: check = %v with %d repairs", dist, err, g.repairs)
		}
		if got := inflate(t, out, nil); string(got) != want || !strict(t, out) {
			t.Errorf("dist %v: repaired stream inflates to %q", dist, got)
		}
	}
}

// TestUnguardedCabinetFailsCabextract shows both that the trap is real for
// libmspack and that the guard is what makes cabextract accept the cabinet.
func TestUnguardedCabinetFailsCabextract(t *testing.T) {
	cabextract := testtool.Require(t, "cabextract")
	src := t.TempDir()
	files, _ := writeCorpus(t, src)
	for _, unguarded := range []bool{true, false} {
		o, err := Options{Dir: t.TempDir()}.resolve()
		if err != nil {
			t.Fatal(err)
		}
		o.unguarded = unguarded
		p := planner{maxCab: o.MaxCabinetSize, maxFolder: o.MaxFolderSize, name: func(int) string { return "x.cab" }}
		plans, err := p.plan(files)
		if err != nil {
			t.Fatal(err)
		}
		cabs, err := newBuilder(o, files, plans).run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(cabextract, "-t", cabs[0].Path).CombinedOutput()
		if unguarded && err == nil {
			t.Fatalf("cabextract -t accepted a cabinet with single-symbol distance codes: %s", lastLines(out))
		}
		if !unguarded && err != nil {
			t.Fatalf("cabextract -t rejected the guarded cabinet: %v: %s", err, lastLines(out))
		}
	}
}

// handmade builds a one-block dynamic stream from code lengths and symbols
// coded with canonicalCodes; it may break rules a real compressor keeps.
func handmade(lit, dist []uint8, syms []uint16, dists []uint16) []byte {
	w := bitWriter{}
	writeDynamicHeader(&w, true, lit, dist, nil)
	lc, dc := canonicalCodes(lit), canonicalCodes(dist)
	di := 0
	for _, s := range syms {
		w.write(lc[s], uint(lit[s]))
		if s > 256 {
			d := dists[di]
			di++
			w.write(dc[d], uint(dist[d]))
		}
	}
	w.write(lc[256], uint(lit[256]))
	w.alignByte()
	return w.out
}

func TestGuardRefusesWhatItCannotRepair(t *testing.T) {
	lit := make([]uint8, 258)
	lit['a'], lit[256], lit[257] = 1, 2, 3 // incomplete: 1/2+1/4+1/8
	completeLit := make([]uint8, 258)
	completeLit['a'], completeLit[256], completeLit[257] = 1, 2, 2
	// Go's inflater refuses these codes too, so the expected bytes are
	// worked out by hand: 'a', then length 3 at distance 1.
	cases := map[string]struct {
		stream []byte
		data   string
	}{
		"incomplete literal code":        {handmade(lit, []uint8{1, 1}, []uint16{'a', 257, 'a'}, []uint16{0}), "aaaaa"},
		"incomplete two-symbol distance": {handmade(completeLit, []uint8{1, 2}, []uint16{'a', 257}, []uint16{0}), "aaaa"},
	}
	for name, c := range cases {
		if _, err := newGuard().check(c.stream); !errors.Is(err, errIncomplete) {
			t.Errorf("%s: check = %v, want errIncomplete", name, err)
		}
		// The encoder falls back to a stored block, which inflates to the data.
		e, _ := newEncoder(DefaultLevel, true, false)
		rec, how, err := e.record(nil, []byte(c.data), c.stream)
		if err != nil || how != stored {
			t.Fatalf("%s: record = %d, %v; want a stored block", name, how, err)
		}
		if got := inflate(t, rec[10:], nil); string(got) != c.data {
			t.Errorf("%s: stored record inflates to %q", name, got)
		}
	}
}

func TestGuardRejectsMalformedStreams(t *testing.T) {
	good := rawDeflate(t, 6, text(1, 5000), nil)
	cases := map[string][]byte{
		"trailing byte":  append(bytes.Clone(good), 0),
		"truncated":      good[:len(good)/2],
		"reserved type":  {0x07},
		"stored bad len": {0x01, 0x05, 0x00, 0x00, 0x00},
	}
	for name, stream := range cases {
		_, err := newGuard().check(stream)
		if err == nil || errors.Is(err, errIncomplete) {
			t.Errorf("%s: check = %v, want a parse error", name, err)
		}
		e, _ := newEncoder(DefaultLevel, true, false)
		if _, _, err := e.record(nil, text(1, 5000), stream); err == nil {
			t.Errorf("%s: record shipped a malformed stream", name)
		}
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		lit := make([]uint8, 257+r.IntN(30))
		dist := make([]uint8, 1+r.IntN(30))
		for _, l := range [][]uint8{lit, dist} {
			for k := range l {
				switch r.IntN(4) {
				case 0: // runs of zeros and of equal lengths exercise 16-18
				case 1:
					l[k] = uint8(1 + r.IntN(15))
				default:
					if k > 0 {
						l[k] = l[k-1]
					}
				}
			}
		}
		lit[256] = 7
		w := bitWriter{}
		writeDynamicHeader(&w, i%2 == 0, lit, dist, nil)
		w.alignByte()
		br := bitReader{b: w.out}
		if final := br.read(1) == 1; final != (i%2 == 0) || br.read(2) != 2 {
			t.Fatal("bad block header")
		}
		var cl huffman
		got := make([]uint8, maxLit+maxDist)
		hlit, hdist, err := readLengths(&br, &cl, got)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if hlit != len(lit) || hdist != len(dist) || !bytes.Equal(got[:hlit], lit) || !bytes.Equal(got[hlit:hlit+hdist], dist) {
			t.Fatalf("case %d: lengths do not round-trip", i)
		}
	}
}

func FuzzGuard(f *testing.F) {
	f.Add([]byte("hello hello hello"), uint8(5), true)
	f.Add(deBruijn(16), uint8(1), false)
	f.Add(bytes.Repeat([]byte{0}, 40000), uint8(9), true)
	f.Fuzz(func(t *testing.T, data []byte, level uint8, history bool) {
		if len(data) == 0 {
			return
		}
		data = data[:min(len(data), blockSize)]
		var dict []byte
		if history {
			// The block before is the data itself, shifted: references
			// into the dictionary at every distance.
			dict = append(bytes.Clone(data[len(data)/2:]), data[:len(data)/2]...)
		}
		lvl := 1 + int(level)%9
		e, err := newEncoder(lvl, history, false)
		if err != nil {
			t.Fatal(err)
		}
		rec, _ := encodeOne(t, e, data, dict)
		payload := rec[10:]
		if got := inflate(t, payload, dict); !bytes.Equal(got, data) {
			t.Fatal("record inflates to different bytes")
		}
		if !strict(t, payload) {
			t.Fatal("record has an incomplete code")
		}
		if checksum(rec[4:8], checksum(rec[8:], 0)) != uint32(rec[0])|uint32(rec[1])<<8|uint32(rec[2])<<16|uint32(rec[3])<<24 {
			t.Fatal("bad checksum")
		}
	})
}

// TestChecksumMatchesGcab reads cabinets gcab wrote; readCab verifies every
// CFDATA checksum with checksum, so this fails if the two disagree.
func TestChecksumMatchesGcab(t *testing.T) {
	gcab := testtool.Require(t, "gcab")
	src := t.TempDir()
	files, want := writeCorpus(t, src)
	var names []string
	for _, f := range files[:12] {
		names = append(names, f.Name)
	}
	cab := t.TempDir() + "/gcab.cab"
	cmd := exec.Command(gcab, append([]string{"-c", "-z", cab}, names...)...)
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcab: %v: %s", err, out)
	}
	p, err := readCab(cab)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !bytes.Equal(p.contents[n], want[n]) {
			t.Errorf("%s differs", n)
		}
	}
	if !strings.HasPrefix(p.files[0].name, "repeat") {
		t.Errorf("first file %q", p.files[0].name)
	}
}

// BenchmarkGuard measures the guard alone on compressed text blocks.
func BenchmarkGuard(b *testing.B) {
	data := text(3, blockSize)
	raw := rawDeflate(b, DefaultLevel, data, nil)
	buf := make([]byte, len(raw))
	g := newGuard()
	b.SetBytes(blockSize)
	for b.Loop() {
		copy(buf, raw)
		if _, err := g.check(buf); err != nil {
			b.Fatal(err)
		}
	}
}
