package lzx

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/payload"
)

// craft writes a stream (window 2^15, no translation) of one verbatim
// block of blockSize bytes holding items, cut into frames after the item
// counts in cuts; lens, if set, replaces the main tree's lengths.
func craft(items []item, blockSize int, cuts []int, lens func([]uint8)) [][]byte {
	var b block
	b.init(mainSymbols(15))
	var scratch []symFreq
	b.count(items, &scratch)
	if lens != nil {
		lens(b.mainLens)
		canonicalCodes(b.mainLens, b.mainCodes)
	}
	b.aligned = false
	w := &bitWriter{}
	w.write(0, 1)
	w.write(blockVerbatim, 3)
	w.write(uint32(blockSize)>>8, 16)
	w.write(uint32(blockSize)&0xFF, 8)
	prevMain, prevLen := make([]uint8, len(b.mainLens)), make([]uint8, lengthSymbols)
	writeLengths(w, b.mainLens[:numChars], prevMain[:numChars], &scratch, nil)
	writeLengths(w, b.mainLens[numChars:], prevMain[numChars:], &scratch, nil)
	writeLengths(w, b.lengthLens[:], prevLen, &scratch, nil)
	var frames [][]byte
	start := 0
	for i, it := range items {
		b.write(w, it)
		for _, c := range cuts {
			if c == i+1 {
				w.align()
				frames = append(frames, bytes.Clone(w.out[start:]))
				start = len(w.out)
			}
		}
	}
	w.align()
	if start < len(w.out) {
		frames = append(frames, bytes.Clone(w.out[start:]))
	}
	return frames
}

func literals(s string) []item {
	var items []item
	for i := range len(s) {
		items = append(items, item{0, uint32(s[i])})
	}
	return items
}

func TestDecoderRefuses(t *testing.T) {
	valid := craft(literals("abcab"), 5, nil, nil)
	if got, err := decompressSizes(valid, 5); err != nil || string(got) != "abcab" {
		t.Fatalf("the crafted valid stream: %q, %v", got, err)
	}
	good := compress(t, Options{WindowBits: 15}, payload.Text(1, 3*FrameSize), FrameSize)
	for _, c := range []struct {
		name   string
		frames [][]byte
		sizes  []int
		want   string
	}{
		{"truncated frame", [][]byte{good[0].comp[:len(good[0].comp)-2]}, []int{FrameSize}, ""},
		{"garbage after the frame", [][]byte{append(bytes.Clone(good[0].comp), 0, 0)}, []int{FrameSize}, "its bits end"},
		{"frame shorter than its data", [][]byte{good[0].comp}, []int{FrameSize - 1}, ""},
		{"incomplete main tree", craft(literals("aaaa"), 4, nil, func(l []uint8) {
			clear(l)
			l['a'], l['b'] = 1, 2
		}), []int{4}, "incomplete"},
		{"over-subscribed main tree", craft(literals("ab"), 2, nil, func(l []uint8) {
			l['a'], l['b'], l['c'] = 1, 1, 1
		}), []int{2}, "over-subscribed"},
		{"offset before the stream", craft([]item{{3, 0}}, 3, nil, nil), []int{3}, "match offset"},
		{"match across frames", append(craft(append(literals("x"), matchesTo(FrameSize+4)...), FrameSize+4, nil, nil), nil), []int{FrameSize, 4}, "crosses"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := decompressSizes(c.frames, c.sizes...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// matchesTo returns rep-0 matches (offset 1 after a first literal) making
// a stream of n bytes with one literal before them.
func matchesTo(n int) []item {
	var items []item
	for left := n - 1; left > 0; {
		k := min(left, maxMatch)
		if left-k == 1 {
			k-- // no match of length 1
		}
		items = append(items, item{uint16(k), 0})
		left -= k
	}
	return items
}

func decompressSizes(frames [][]byte, sizes ...int) ([]byte, error) {
	if len(frames) != len(sizes) {
		return nil, errors.New("frames and sizes differ in number")
	}
	var fs []frameData
	for i := range frames {
		fs = append(fs, frameData{frames[i], sizes[i]})
	}
	return decompress(15, fs)
}
