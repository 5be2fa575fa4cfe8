// Package lzx compresses and decompresses LZX as Microsoft cabinets carry
// it (MS-CAB folders of type LZX; the format is documented in [MS-PATCH],
// "LZX DELTA Compression and Decompression", less the DELTA extensions).
//
// A folder is one LZX stream cut into frames of 32 KiB of uncompressed data,
// one frame per CFDATA block. The stream starts with the E8 call translation
// header; each frame ends on a 16-bit boundary so that a decoder can take
// the frames one CFDATA at a time; the window (2^15 to 2^21 bytes) and the
// Huffman code lengths carry from frame to frame through the whole folder.
//
// Encoder compresses with a bucketed hash table, lazy evaluation and the three
// repeated offsets, choosing per block between verbatim, aligned offset and
// uncompressed blocks. Decoder is a strict decoder: it accepts only what
// libmspack (cabextract) and cabinet.dll accept, so it serves as the guard
// that checks every frame the encoder writes.
package lzx

import (
	"fmt"
	"math/bits"
)

// FrameSize is the uncompressed size of every frame but a stream's last.
const FrameSize = 32768

// MaxFrameBytes is the most compressed bytes a frame may take: cabinet.dll
// sizes its input buffer for 32 KiB plus 6 KiB of LZX expansion.
const MaxFrameBytes = FrameSize + 6144

// MaxFrameOverhead is the most bytes the Encoder writes for a frame beyond
// its uncompressed size: a frame that would take more is stored.
const MaxFrameOverhead = 32

// Window sizes, as the power of two cabinets store in the folder type.
const (
	MinWindowBits = 15
	MaxWindowBits = 21
)

const (
	minMatch       = 2
	maxMatch       = 257
	numChars       = 256
	primaryLengths = 7   // length headers 0..6 in the main symbol; 7 means "see the length tree"
	lengthSymbols  = 249 // length tree: lengths 9..257
	alignedSymbols = 8
	pretreeSymbols = 20
	maxCodeBits    = 16 // main and length trees
	maxAlignedBits = 7  // 3-bit length fields
	maxPretreeBits = 15 // 4-bit length fields

	blockVerbatim     = 1
	blockAligned      = 2
	blockUncompressed = 3

	// e8Frames is how many frames from a stream's start get E8
	// translation: the first 1 GiB (32768 frames), as libmspack and
	// cabinet.dll apply it.
	e8Frames = 32768
	// e8Tail is how many bytes at the end of a frame are never translated.
	e8Tail = 10
)

// slotsFor is the number of position slots for a window of 2^bits bytes.
var slotsFor = [MaxWindowBits + 1]int{15: 30, 16: 32, 17: 34, 18: 36, 19: 38, 20: 42, 21: 50}

// positionBase and extraBits describe each position slot: a formatted
// offset (the real offset plus 2; 0-2 name the repeated offsets) in slot s
// is positionBase[s] plus extraBits[s] bits.
var (
	positionBase [51]uint32
	extraBits    [50]uint8
)

func init() {
	for s := range extraBits {
		switch {
		case s < 4:
			extraBits[s] = 0
		case s < 36:
			extraBits[s] = uint8(s/2 - 1)
		default:
			extraBits[s] = 17
		}
		positionBase[s+1] = positionBase[s] + 1<<extraBits[s]
	}
}

// slotOf returns the position slot of formatted offset f (f >= 3).
func slotOf(f uint32) int {
	if f < 4 {
		return int(f)
	}
	if f < 262144 {
		hb := bits.Len32(f) - 1
		return 2*hb + int(f>>(hb-1)&1)
	}
	return 36 + int((f-262144)>>17)
}

// checkWindow validates a window size given as a power of two.
func checkWindow(windowBits int) error {
	if windowBits < MinWindowBits || windowBits > MaxWindowBits {
		return fmt.Errorf("lzx: window 2^%d: want 2^%d to 2^%d bytes", windowBits, MinWindowBits, MaxWindowBits)
	}
	return nil
}

// mainSymbols is the size of the main tree for a window.
func mainSymbols(windowBits int) int { return numChars + 8*slotsFor[windowBits] }
