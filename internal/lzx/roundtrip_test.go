package lzx

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/payload"
)

// frameData is one compressed frame.
type frameData struct {
	comp []byte
	size int
}

// compress compresses data as one stream, feeding it in chunks of chunk
// bytes (a multiple of FrameSize).
func compress(t testing.TB, opts Options, data []byte, chunk int) []frameData {
	t.Helper()
	e, err := NewEncoder(opts)
	if err != nil {
		t.Fatal(err)
	}
	var frames []frameData
	emit := func(comp []byte, size int) error {
		if len(comp) > size+MaxFrameOverhead {
			t.Fatalf("frame %d: %d bytes for %d", len(frames), len(comp), size)
		}
		frames = append(frames, frameData{bytes.Clone(comp), size})
		return nil
	}
	for len(data) > chunk {
		if err := e.Encode(data[:chunk], false, emit); err != nil {
			t.Fatal(err)
		}
		data = data[chunk:]
	}
	if err := e.Encode(data, true, emit); err != nil {
		t.Fatal(err)
	}
	return frames
}

// decompress decodes frames with a new Decoder.
func decompress(windowBits int, frames []frameData) ([]byte, error) {
	d, err := NewDecoder(windowBits)
	if err != nil {
		return nil, err
	}
	var out []byte
	for _, f := range frames {
		b, err := d.Frame(f.comp, f.size)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}

func size(frames []frameData) int {
	n := 0
	for _, f := range frames {
		n += len(f.comp)
	}
	return n
}

func TestRoundTrip(t *testing.T) {
	for wb := MinWindowBits; wb <= MaxWindowBits; wb++ {
		for name, data := range testInputs() {
			t.Run(fmt.Sprintf("%d/%s", wb, name), func(t *testing.T) {
				frames := compress(t, Options{WindowBits: wb, TranslationSize: DefaultTranslationSize(int64(len(data)))}, data, 3*FrameSize)
				if want := (len(data) + FrameSize - 1) / FrameSize; len(frames) != want {
					t.Fatalf("%d frames, want %d", len(frames), want)
				}
				got, err := decompress(wb, frames)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("round trip differs")
				}
			})
		}
	}
}

// TestCompresses guards against an encoder that round-trips by storing:
// each input must shrink as far as its redundancy allows.
func TestCompresses(t *testing.T) {
	far := payload.Random(11, 1<<20)
	// Nearly a window of random bytes fills most hash buckets before
	// the repeat: it must still be found.
	edge := payload.Random(12, 1<<21-1<<15)
	for _, c := range []struct {
		name       string
		windowBits int
		data       []byte
		max        float64 // compressed/uncompressed at most
	}{
		{"text", 15, payload.Text(1, 500_000), 0.35},
		{"x86", 21, payload.X86(2, 1<<20), 0.75},
		{"zeros", 15, make([]byte, 1<<20), 0.01},
		// A repeat 1 MiB back: only a window that reaches it compresses.
		{"repeat in window", 21, append(far, far...), 0.51},
		{"repeat at the window's edge", 21, append(edge, edge...), 0.51},
		{"random", 21, payload.Random(3, 300_000), 1.001},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := size(compress(t, Options{WindowBits: c.windowBits}, c.data, FrameSize))
			if r := float64(n) / float64(len(c.data)); r > c.max {
				t.Errorf("%d -> %d bytes (%.3f), want at most %.3f", len(c.data), n, r, c.max)
			}
		})
	}
	// The same repeat is out of reach of a 2^18 window.
	n := size(compress(t, Options{WindowBits: 18}, append(far, far...), FrameSize))
	if n < 2*len(far) {
		t.Errorf("a repeat 1 MiB back compressed with a 256 KiB window: %d bytes", n)
	}
}

// TestTranslationHelpsCalls shows E8 translation is applied: x86 calls to
// a few functions compress better translated.
func TestTranslationHelpsCalls(t *testing.T) {
	data := payload.X86(4, 1<<20)
	plain := size(compress(t, Options{WindowBits: 21}, data, FrameSize))
	translated := size(compress(t, Options{WindowBits: 21, TranslationSize: DefaultTranslationSize(int64(len(data)))}, data, FrameSize))
	if translated >= plain*95/100 {
		t.Errorf("translated %d bytes, untranslated %d: translation should save at least 5%%", translated, plain)
	}
}

// TestReproducible: the same input gives the same bytes, however it is fed.
func TestReproducible(t *testing.T) {
	data := append(payload.X86(5, 400_000), payload.Text(6, 300_000)...)
	opts := Options{WindowBits: 17, TranslationSize: 12_000_000}
	first := compress(t, opts, data, FrameSize)
	for _, chunk := range []int{FrameSize, 7 * FrameSize, 64 * FrameSize} {
		again := compress(t, opts, data, chunk)
		if len(again) != len(first) {
			t.Fatalf("chunk %d: %d frames, want %d", chunk, len(again), len(first))
		}
		for i := range again {
			if !bytes.Equal(again[i].comp, first[i].comp) {
				t.Fatalf("chunk %d: frame %d differs", chunk, i)
			}
		}
	}
	// A reset encoder gives the same stream again.
	e, _ := NewEncoder(opts)
	for range 2 {
		e.Reset()
		i := 0
		err := e.Encode(data, true, func(comp []byte, _ int) error {
			if !bytes.Equal(comp, first[i].comp) {
				t.Fatalf("after Reset, frame %d differs", i)
			}
			i++
			return nil
		})
		if err != nil || i != len(first) {
			t.Fatalf("after Reset: %v, %d frames", err, i)
		}
	}
}

// TestTranslationStopsAt1GiB: frames from the 32768th on are never
// translated, by the encoder or the decoder.
func TestTranslationStopsAt1GiB(t *testing.T) {
	data := payload.X86(7, 2*FrameSize)
	e, _ := NewEncoder(Options{WindowBits: 15, TranslationSize: 1 << 30})
	e.frameIndex = e8Frames - 1
	var frames []frameData
	err := e.Encode(data, true, func(comp []byte, size int) error {
		frames = append(frames, frameData{bytes.Clone(comp), size})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(e.buf[:FrameSize], data[:FrameSize]) {
		t.Error("frame 32767 was not translated")
	}
	if !bytes.Equal(e.buf[FrameSize:2*FrameSize], data[FrameSize:]) {
		t.Error("frame 32768 was translated")
	}
	d, _ := NewDecoder(15)
	d.frame = e8Frames - 1
	var got []byte
	for _, f := range frames {
		b, err := d.Frame(f.comp, f.size)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b...)
	}
	if !bytes.Equal(got, data) {
		t.Error("round trip across frame 32768 differs")
	}
}

func TestE8IsABijection(t *testing.T) {
	for _, size := range []int32{1, 12_000_000, 1 << 30} {
		for _, pos := range []int64{0, 5, 1 << 20, 1 << 29} {
			data := payload.X86(uint64(pos)+uint64(size), FrameSize)
			copy(data[FrameSize-11:], []byte{0xE8, 0xFF, 0xFF, 0xFF, 0x7F, 0xE8, 0, 0, 0, 0x80, 0xE8})
			frame := bytes.Clone(data)
			e8Encode(frame, pos, size)
			if size > 1 && bytes.Equal(frame, data) {
				t.Errorf("size %d pos %d: nothing translated", size, pos)
			}
			e8Decode(frame, pos, size)
			if !bytes.Equal(frame, data) {
				t.Errorf("size %d pos %d: decode(encode(x)) != x", size, pos)
			}
		}
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options{{WindowBits: 14}, {WindowBits: 22}, {WindowBits: 21, TranslationSize: -1}} {
		if _, err := NewEncoder(o); err == nil {
			t.Errorf("NewEncoder(%+v) accepted", o)
		}
	}
	if _, err := NewDecoder(22); err == nil {
		t.Error("NewDecoder(22) accepted")
	}
	e, _ := NewEncoder(Options{WindowBits: 15})
	if err := e.Encode(make([]byte, 100), false, nil); err == nil {
		t.Error("Encode accepted a partial frame before the end")
	}
}

// FuzzRoundTrip compresses random inputs, repeated to reach across frames
// and windows, with every window size, and decodes them back.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello, hello, hello"), uint8(0), uint16(0))
	// Small seeds: the repeat count stretches them across frames, and the
	// fuzzer minimises every interesting input it finds.
	f.Add(payload.X86(1, 3000), uint8(6), uint16(40))
	f.Add(bytes.Repeat([]byte{0xE8, 0}, 300), uint8(3), uint16(300))
	// Encoders and decoders are reused, as in a cabinet build: a fresh
	// 2 MiB-window encoder per input would make fuzzing crawl.
	var mu sync.Mutex
	var encoders [MaxWindowBits + 1]*Encoder
	var decoders [MaxWindowBits + 1]*Decoder
	f.Fuzz(func(t *testing.T, data []byte, window uint8, rep uint16) {
		wb := MinWindowBits + int(window)%(MaxWindowBits-MinWindowBits+1)
		// A repeat count reaches across frames; the cap keeps each run short
		// enough for the fuzzer to try many.
		data = bytes.Repeat(data, 1+int(rep)%64)
		data = data[:min(len(data), 3*FrameSize+FrameSize/2)]
		mu.Lock()
		defer mu.Unlock()
		if encoders[wb] == nil {
			encoders[wb], _ = NewEncoder(Options{WindowBits: wb})
			decoders[wb], _ = NewDecoder(wb)
		}
		e, d := encoders[wb], decoders[wb]
		e.Reset()
		e.SetTranslationSize(int32(rep) * 1000)
		d.Reset()
		var got []byte
		err := e.Encode(data, true, func(comp []byte, size int) error {
			if len(comp) > size+MaxFrameOverhead {
				t.Fatalf("%d bytes for a frame of %d", len(comp), size)
			}
			b, err := d.Frame(comp, size)
			got = append(got, b...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatal("round trip differs")
		}
	})
}
