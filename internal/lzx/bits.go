package lzx

import "errors"

// LZX packs bits most-significant first into 16-bit little-endian words.

// bitWriter appends bits to out.
type bitWriter struct {
	out []byte
	acc uint64 // pending bits, the oldest highest
	n   uint   // pending bit count, below 16 between calls
}

// write appends the low n <= 32 bits of v.
func (w *bitWriter) write(v uint32, n uint) {
	w.acc = w.acc<<n | uint64(v)&(1<<n-1)
	w.n += n
	for w.n >= 16 {
		w.n -= 16
		word := uint16(w.acc >> w.n)
		w.out = append(w.out, byte(word), byte(word>>8))
	}
	w.acc &= 1<<w.n - 1
}

// align pads with zero bits to the next 16-bit boundary.
func (w *bitWriter) align() {
	if w.n > 0 {
		w.write(0, 16-w.n)
	}
}

// bits is the number of bits written so far.
func (w *bitWriter) bits() int { return len(w.out)*8 + int(w.n) }

var errTruncated = errors.New("lzx: frame data ends too early")

// bitReader reads one frame's data.
type bitReader struct {
	in  []byte
	pos int    // next byte of in to load
	buf uint64 // loaded bits, the next one at bit n-1
	n   uint   // loaded bit count
}

// fill loads words until at least 33 bits are available.
func (r *bitReader) fill() {
	for r.n <= 48 {
		var word uint64
		// Past the end the reader loads zeros; overrun tells.
		if r.pos+1 < len(r.in) {
			word = uint64(r.in[r.pos]) | uint64(r.in[r.pos+1])<<8
		} else if r.pos < len(r.in) {
			word = uint64(r.in[r.pos])
		}
		r.pos += 2
		r.buf = r.buf<<16 | word
		r.n += 16
	}
}

// peek returns the next n <= 32 bits without consuming them.
func (r *bitReader) peek(n uint) uint32 {
	if r.n < n {
		r.fill()
	}
	return uint32(r.buf>>(r.n-n)) & (1<<n - 1)
}

func (r *bitReader) skip(n uint) { r.n -= n }

func (r *bitReader) read(n uint) uint32 {
	v := r.peek(n)
	r.n -= n
	return v
}

// overrun reports whether more bits were consumed than the data holds.
func (r *bitReader) overrun() bool { return r.pos*8-int(r.n) > len(r.in)*8 }

// align drops the rest of the current 16-bit word.
func (r *bitReader) align() { r.n -= r.n & 15 }

// bytePos returns the offset of the next unread byte after align, giving
// back the whole words loaded ahead, so raw bytes can follow.
func (r *bitReader) bytePos() int {
	p := r.pos - int(r.n/8)
	r.pos, r.buf, r.n = p, 0, 0
	return p
}
