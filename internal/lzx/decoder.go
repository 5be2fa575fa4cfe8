package lzx

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Decoder decodes one LZX stream frame by frame, one CFDATA block's data at
// a time. It is strict where decoders differ: it refuses incomplete Huffman
// codes (libmspack does), matches that cross a frame boundary or reach
// before the stream (libmspack does), frames whose data does not end where
// the frame's bits end (gcab-like strictness, so no CFDATA carries
// garbage), and odd uncompressed blocks whose padding byte falls outside
// their frame (a decoder taking one CFDATA at a time, as cabinet.dll does,
// would not find it).
type Decoder struct {
	windowBits int
	window     []byte
	wpos       int   // next position in window
	offset     int64 // stream bytes decoded before this frame
	frame      int
	r          [3]uint32

	mainLens, lengthLens []uint8 // carried from block to block
	alignedLens          [alignedSymbols]uint8
	preLens              [pretreeSymbols]uint8
	main, length         decoder
	aligned, pre         decoder

	blockType      int
	blockRemaining int
	blockLength    int
	headerRead     bool
	e8Size         int32
	e8Started      bool
	out            []byte // a translated frame
}

// NewDecoder returns a decoder for a stream with a window of 2^windowBits.
func NewDecoder(windowBits int) (*Decoder, error) {
	if err := checkWindow(windowBits); err != nil {
		return nil, err
	}
	d := &Decoder{windowBits: windowBits, window: make([]byte, 1<<windowBits),
		mainLens: make([]uint8, mainSymbols(windowBits)), lengthLens: make([]uint8, lengthSymbols)}
	d.Reset()
	return d, nil
}

// Reset starts a new stream (a new folder).
func (d *Decoder) Reset() {
	d.wpos, d.offset, d.frame = 0, 0, 0
	d.r = [3]uint32{1, 1, 1}
	clear(d.mainLens)
	clear(d.lengthLens)
	d.blockType, d.blockRemaining, d.blockLength = 0, 0, 0
	d.headerRead, d.e8Size, d.e8Started = false, 0, false
}

// Frame decodes the next frame from its compressed bytes comp; size is
// its uncompressed size, FrameSize for every frame but the stream's last.
// The result is valid until the next call.
func (d *Decoder) Frame(comp []byte, size int) ([]byte, error) {
	if err := d.frameErr(comp, size); err != nil {
		return nil, fmt.Errorf("lzx: frame %d: %w", d.frame, err)
	}
	start := d.wpos - size
	d.wpos &= len(d.window) - 1
	out := d.window[start : start+size]
	if d.e8Started && d.e8Size != 0 && d.frame < e8Frames && size > e8Tail {
		d.out = append(d.out[:0], out...)
		e8Decode(d.out, d.offset, d.e8Size)
		out = d.out
	}
	d.offset += int64(size)
	d.frame++
	return out, nil
}

func (d *Decoder) frameErr(comp []byte, size int) error {
	if size <= 0 || size > FrameSize {
		return fmt.Errorf("frame size %d", size)
	}
	if len(comp) > MaxFrameBytes {
		return fmt.Errorf("%d compressed bytes, more than the %d a decoder accepts", len(comp), MaxFrameBytes)
	}
	r := &bitReader{in: comp}
	if !d.headerRead {
		if r.read(1) == 1 {
			hi := r.read(16)
			d.e8Size = int32(hi<<16 | r.read(16))
		}
		d.headerRead = true
	}
	raw := false // reading an uncompressed block's bytes: r.pos is exact
	end := d.wpos + size
	for d.wpos < end {
		if d.blockRemaining == 0 {
			if err := d.blockHeader(r); err != nil {
				return err
			}
			raw = d.blockType == blockUncompressed
		}
		run := min(d.blockRemaining, end-d.wpos)
		if raw {
			if r.pos+run > len(comp) {
				return errTruncated
			}
			copy(d.window[d.wpos:], comp[r.pos:r.pos+run])
			r.pos += run
			d.wpos += run
			d.blockRemaining -= run
		} else if err := d.symbols(r, run); err != nil {
			return err
		}
		if r.overrun() {
			return errTruncated
		}
		if raw && d.blockRemaining == 0 && d.blockLength&1 == 1 {
			if r.pos >= len(comp) {
				return errors.New("odd uncompressed block without its padding byte")
			}
			r.pos++
		}
	}
	used := r.pos
	if !raw {
		r.align()
		used = r.pos - int(r.n/8)
	}
	if r.overrun() || used != len(comp) {
		return fmt.Errorf("frame data is %d bytes, its bits end at byte %d", len(comp), used)
	}
	return nil
}

// blockHeader reads a block's type, size and trees.
func (d *Decoder) blockHeader(r *bitReader) error {
	d.blockType = int(r.read(3))
	hi := r.read(16)
	d.blockLength = int(hi<<8 | r.read(8))
	d.blockRemaining = d.blockLength
	if d.blockLength == 0 {
		return errors.New("empty block")
	}
	switch d.blockType {
	case blockAligned:
		for i := range d.alignedLens {
			d.alignedLens[i] = uint8(r.read(3))
		}
		if err := d.aligned.init(d.alignedLens[:], false); err != nil {
			return fmt.Errorf("aligned offset tree: %w", err)
		}
		fallthrough
	case blockVerbatim:
		if err := d.readLengths(r, d.mainLens, 0, numChars); err != nil {
			return fmt.Errorf("main tree: %w", err)
		}
		if err := d.readLengths(r, d.mainLens, numChars, len(d.mainLens)); err != nil {
			return fmt.Errorf("main tree: %w", err)
		}
		if err := d.main.init(d.mainLens, false); err != nil {
			return fmt.Errorf("main tree: %w", err)
		}
		if d.mainLens[0xE8] != 0 {
			d.e8Started = true
		}
		if err := d.readLengths(r, d.lengthLens, 0, lengthSymbols); err != nil {
			return fmt.Errorf("length tree: %w", err)
		}
		if err := d.length.init(d.lengthLens, true); err != nil {
			return fmt.Errorf("length tree: %w", err)
		}
	case blockUncompressed:
		d.e8Started = true
		// 1 to 16 bits of padding reach a 16-bit boundary.
		if pad := r.n & 15; pad != 0 {
			r.skip(pad)
		} else {
			r.read(16)
		}
		p := r.bytePos()
		if p+12 > len(r.in) {
			return errTruncated
		}
		for i := range d.r {
			d.r[i] = binary.LittleEndian.Uint32(r.in[p+4*i:])
		}
		r.pos = p + 12
	default:
		return fmt.Errorf("block type %d", d.blockType)
	}
	if r.overrun() {
		return errTruncated
	}
	return nil
}

// readLengths reads lens[first:last] as deltas from their previous values,
// coded with a pretree.
func (d *Decoder) readLengths(r *bitReader, lens []uint8, first, last int) error {
	for i := range d.preLens {
		d.preLens[i] = uint8(r.read(4))
	}
	if err := d.pre.init(d.preLens[:], false); err != nil {
		return fmt.Errorf("pretree: %w", err)
	}
	for x := first; x < last; {
		z, err := d.pre.decode(r)
		if err != nil {
			return err
		}
		run, val := 1, uint8(0)
		switch z {
		case 17:
			run = 4 + int(r.read(4))
		case 18:
			run = 20 + int(r.read(5))
		case 19:
			run = 4 + int(r.read(1))
			if z, err = d.pre.decode(r); err != nil {
				return err
			}
			if z > 16 {
				return fmt.Errorf("pretree symbol %d after a repeat", z)
			}
			val = uint8((int(lens[x]) - z + 17) % 17)
		default:
			val = uint8((int(lens[x]) - z + 17) % 17)
		}
		if x+run > last {
			return errors.New("code lengths run past the tree")
		}
		for range run {
			lens[x] = val
			x++
		}
	}
	return nil
}

// symbols decodes run bytes of a verbatim or aligned block into the window.
func (d *Decoder) symbols(r *bitReader, run int) error {
	win := d.window
	for run > 0 {
		sym, err := d.main.decode(r)
		if err != nil {
			return err
		}
		if sym < numChars {
			win[d.wpos] = byte(sym)
			d.wpos++
			run--
			d.blockRemaining--
			continue
		}
		sym -= numChars
		length := sym & primaryLengths
		if length == primaryLengths {
			footer, err := d.length.decode(r)
			if err != nil {
				return fmt.Errorf("length: %w", err)
			}
			length += footer
		}
		length += minMatch
		var off uint32
		switch slot := sym >> 3; slot {
		case 0:
			off = d.r[0]
		case 1:
			off = d.r[1]
			d.r[1], d.r[0] = d.r[0], off
		case 2:
			off = d.r[2]
			d.r[2], d.r[0] = d.r[0], off
		default:
			extra := uint(extraBits[slot])
			off = positionBase[slot] - 2
			if d.blockType == blockAligned && extra >= 3 {
				if extra > 3 {
					off += r.read(extra-3) << 3
				}
				a, err := d.aligned.decode(r)
				if err != nil {
					return fmt.Errorf("aligned offset: %w", err)
				}
				off += uint32(a)
			} else if extra > 0 {
				off += r.read(extra)
			}
			d.r[2], d.r[1], d.r[0] = d.r[1], d.r[0], off
		}
		if length > run {
			return fmt.Errorf("match of %d bytes crosses the frame or block end (%d left)", length, run)
		}
		if off == 0 || int(off) > len(win)-3 || int64(off) > d.streamPos() {
			return fmt.Errorf("match offset %d at stream position %d", off, d.streamPos())
		}
		src := d.wpos - int(off)
		if src < 0 {
			src += len(win)
		}
		if src+length <= d.wpos || (src > d.wpos && src+length <= len(win)) {
			// The source in one piece and either wholly before the
			// destination or after its start: a byte-wise copy would
			// then read no byte it wrote, so copy gives the same bytes.
			copy(win[d.wpos:d.wpos+length], win[src:src+length])
		} else {
			// An overlapping match repeats the bytes it writes; a source
			// wrapping past the window's end continues at its start.
			for i := range length {
				win[d.wpos+i] = win[src]
				src++
				if src == len(win) {
					src = 0
				}
			}
		}
		d.wpos += length
		run -= length
		d.blockRemaining -= length
	}
	return nil
}

// streamPos is the stream offset of the next byte to decode: a frame never
// straddles the end of the window, a multiple of the frame size.
func (d *Decoder) streamPos() int64 {
	frameStart := int(d.offset) & (len(d.window) - 1)
	return d.offset + int64(d.wpos-frameStart)
}
