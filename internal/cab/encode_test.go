package cab

import (
	"bytes"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/payload"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

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
		var cll [19]uint8
		got := make([]uint8, maxLit+maxDist)
		hlit, hdist, err := readLengths(&br, &cl, &cll, got)
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
		if !strict(t, payload, data, dict) {
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
	data := payload.Text(3, blockSize)
	raw := rawDeflate(b, DefaultLevel, data, nil)
	buf := make([]byte, len(raw))
	g := newGuard()
	b.SetBytes(blockSize)
	for b.Loop() {
		copy(buf, raw)
		if _, err := g.check(buf, blockSize, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzGuardArbitrary feeds the guard any bytes: it must not panic, and a
// stream it accepts must inflate to the size it was told.
func FuzzGuardArbitrary(f *testing.F) {
	f.Add([]byte{0x01, 0x01, 0x00, 0xfe, 0xff, 'x'}, uint16(1))
	f.Add(rawDeflate(f, 6, payload.Text(5, 3000), nil), uint16(3000))
	f.Add(rawDeflate(f, 9, deBruijn(32)[:4000], nil), uint16(4000))
	f.Fuzz(func(t *testing.T, stream []byte, size uint16) {
		out, err := newGuard().check(bytes.Clone(stream), int(size), 0)
		if err != nil {
			return
		}
		if got := inflate(t, out, nil); len(got) != int(size) {
			t.Fatalf("accepted stream inflates to %d bytes, not %d", len(got), size)
		}
	})
}
