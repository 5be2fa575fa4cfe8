package cab

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"io"
	"os/exec"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/payload"

	kflate "github.com/klauspost/compress/flate"

	"github.com/gomsi/gomsi/internal/testing/testtool"
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
// stream must inflate to data, with dict as its history.
func strict(t testing.TB, stream, data, dict []byte) bool {
	t.Helper()
	g := newGuard()
	if _, err := g.check(bytes.Clone(stream), len(data), len(dict)); err != nil {
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
	rep := payload.Random(9, blockSize)
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
			if strict(t, raw, c.data, c.dict) {
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
			if !strict(t, payload, c.data, c.dict) {
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
	if strict(t, rawDeflate(t, DefaultLevel, shifted(rep), rep), shifted(rep), rep) || strict(t, rawDeflate(t, DefaultLevel, cases[1].data, nil), cases[1].data, nil) {
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
		out, err := g.check(stream, len(want), 0)
		if err != nil || g.repairs != 1 {
			t.Fatalf("dist %v: check = %v with %d repairs", dist, err, g.repairs)
		}
		if got := inflate(t, out, nil); string(got) != want || !strict(t, out, []byte(want), nil) {
			t.Errorf("dist %v: repaired stream inflates to %q", dist, got)
		}
	}
}

// TestUnguardedCabinetFailsCabextract shows that the trap is real for
// libmspack, that zlib (gcab) does not see it, and that the guard's repair
// is what makes cabextract accept the cabinet.
func TestUnguardedCabinetFailsCabextract(t *testing.T) {
	cabextract := testtool.Require(t, "cabextract")
	gcab := testtool.Require(t, "gcab")
	src := t.TempDir()
	files, want := writeCorpus(t, src)
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
		if unguarded {
			t.Logf("cabextract -t on the unguarded cabinet: %s", lastLines(out))
		}
		dir := t.TempDir()
		if out, err := exec.Command(gcab, "-x", "-C", dir, cabs[0].Path).CombinedOutput(); err != nil {
			t.Fatalf("gcab -x (unguarded %v): %v: %s", unguarded, err, lastLines(out))
		}
		compareDir(t, "gcab", dir, want)
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
		if _, err := newGuard().check(c.stream, len(c.data), 0); !errors.Is(err, errIncomplete) {
			t.Errorf("%s: check = %v, want errIncomplete", name, err)
		}
		// The encoder falls back to a stored block, which inflates to the data.
		e, _ := newEncoder(DefaultLevel, true, false)
		rec, how, err := e.record(nil, []byte(c.data), c.stream, 0)
		if err != nil || how != stored {
			t.Fatalf("%s: record = %d, %v; want a stored block", name, how, err)
		}
		if got := inflate(t, rec[10:], nil); string(got) != c.data {
			t.Errorf("%s: stored record inflates to %q", name, got)
		}
	}
}

func TestGuardRejectsMalformedStreams(t *testing.T) {
	data := payload.Text(1, 5000)
	good := rawDeflate(t, 6, data, nil)
	prev := payload.Text(2, blockSize)
	withHistory := rawDeflate(t, 6, data, prev)
	cases := []struct {
		name          string
		stream        []byte
		size, history int
	}{
		{"trailing byte", append(bytes.Clone(good), 0), len(data), 0},
		{"truncated", good[:len(good)/2], len(data), 0},
		{"reserved type", []byte{0x07}, len(data), 0},
		{"stored bad len", []byte{0x01, 0x05, 0x00, 0x00, 0x00}, len(data), 0},
		{"no final block", []byte{0x00, 0x01, 0x00, 0xfe, 0xff, 'x'}, 1, 0},
		{"wrong size", good, len(data) + 1, 0},
		{"reaches before the window", withHistory, len(data), 0},
	}
	for _, c := range cases {
		_, err := newGuard().check(bytes.Clone(c.stream), c.size, c.history)
		if err == nil || errors.Is(err, errIncomplete) {
			t.Errorf("%s: check = %v, want a parse error", c.name, err)
		}
		// Where the encoder would ship the stream, it must fail instead.
		if c.size == len(data) && len(c.stream) < len(data)+5 {
			e, _ := newEncoder(DefaultLevel, true, false)
			if _, _, err := e.record(nil, data, bytes.Clone(c.stream), c.history); err == nil {
				t.Errorf("%s: record shipped a malformed stream", c.name)
			}
		}
	}
	if _, err := newGuard().check(bytes.Clone(withHistory), len(data), len(prev)); err != nil {
		t.Errorf("stream with history: %v", err)
	}
}
