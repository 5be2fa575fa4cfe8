package cab

import "encoding/binary"

// bitReader reads a raw deflate stream least-significant bit first, at an
// explicit bit position, so the guard can remember where header fields are
// and copy bit ranges verbatim.
type bitReader struct {
	b   []byte
	pos int // next bit to read
}

// peek returns the next bits (at least 56 when that many remain), zero
// beyond the end of the input; overrun reports whether a read went past it.
func (r *bitReader) peek() uint64 {
	i := r.pos >> 3
	var v uint64
	if i+8 <= len(r.b) {
		v = binary.LittleEndian.Uint64(r.b[i:])
	} else {
		for k := 0; i+k < len(r.b); k++ {
			v |= uint64(r.b[i+k]) << (8 * k)
		}
	}
	return v >> (r.pos & 7)
}

// read consumes n <= 32 bits.
func (r *bitReader) read(n uint) uint32 {
	v := uint32(r.peek() & (1<<n - 1))
	r.pos += int(n)
	return v
}

func (r *bitReader) overrun() bool { return r.pos > len(r.b)*8 }

// alignByte skips to the next byte boundary, as a stored block header does.
func (r *bitReader) alignByte() { r.pos = (r.pos + 7) &^ 7 }

// bitWriter builds a deflate stream least-significant bit first.
type bitWriter struct {
	out []byte
	acc uint64
	n   uint
}

// write appends the low n <= 32 bits of v.
func (w *bitWriter) write(v uint32, n uint) {
	w.acc |= uint64(v) << w.n
	w.n += n
	for w.n >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

// alignByte pads with zero bits to the next byte boundary.
func (w *bitWriter) alignByte() {
	if w.n > 0 {
		w.out = append(w.out, byte(w.acc))
		w.acc, w.n = 0, 0
	}
}

// copyBits appends the bits [from, to) of src.
func (w *bitWriter) copyBits(src []byte, from, to int) {
	r := bitReader{b: src, pos: from}
	for r.pos < to {
		n := uint(min(32, to-r.pos))
		w.write(r.read(n), n)
	}
}
