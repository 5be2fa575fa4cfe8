package cab

import "errors"

const (
	maxCodeBits = 15
	tableBits   = 11 // codes up to this length decode with one table lookup
)

var (
	errOversubscribed = errors.New("over-subscribed huffman code")
	errBadCode        = errors.New("bit pattern matches no huffman code")
)

// huffman decodes one canonical deflate code (RFC 1951 section 3.2.2). It
// also says whether the code is complete: libmspack, the inflater behind
// cabextract, refuses any code that leaves bit patterns unassigned.
type huffman struct {
	count  [maxCodeBits + 1]uint16 // number of codes of each length
	symbol []uint16                // symbols in canonical code order
	first  [maxCodeBits + 1]uint16 // first canonical code of each length
	offset [maxCodeBits + 1]uint16 // index in symbol of that code
	// table maps the next tableBits input bits to sym<<4 | length; 0 means
	// the code is longer than tableBits (or the pattern is unassigned).
	table    [1 << tableBits]uint16
	used     int  // symbols with a code
	complete bool // every bit pattern decodes to a symbol
}

// init builds the decoder for lengths (0 = symbol unused).
func (h *huffman) init(lengths []uint8) error {
	*h = huffman{symbol: h.symbol[:0]}
	for _, l := range lengths {
		h.count[l]++
	}
	h.count[0] = 0
	left := 1 // bit patterns not yet assigned, at the current length
	for l := 1; l <= maxCodeBits; l++ {
		left = left<<1 - int(h.count[l])
		if left < 0 {
			return errOversubscribed
		}
	}
	h.complete = left == 0
	code, index := uint16(0), uint16(0)
	for l := 1; l <= maxCodeBits; l++ {
		h.first[l], h.offset[l] = code, index
		code = (code + h.count[l]) << 1
		index += h.count[l]
	}
	h.used = int(index)
	if cap(h.symbol) < h.used {
		h.symbol = make([]uint16, h.used)
	}
	h.symbol = h.symbol[:h.used]
	next := h.offset
	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		h.symbol[next[l]] = uint16(sym)
		c := h.first[l] + next[l] - h.offset[l]
		next[l]++
		if l > tableBits {
			continue
		}
		// Deflate sends codes most-significant bit first, so the table is
		// indexed by the bit-reversed code.
		rev := reverse(c, uint(l))
		for i := int(rev); i < len(h.table); i += 1 << l {
			h.table[i] = uint16(sym)<<4 | uint16(l)
		}
	}
	return nil
}

// decode reads one symbol.
func (h *huffman) decode(r *bitReader) (uint16, error) {
	sym, n := h.decodeBits(r.peek())
	if n == 0 {
		return 0, errBadCode
	}
	r.pos += int(n)
	return sym, nil
}

// decodeBits decodes the symbol at the low bits of v, which must hold at
// least maxCodeBits valid bits, returning it and its code length, or length
// 0 if the bits match no code.
func (h *huffman) decodeBits(v uint64) (uint16, uint) {
	if e := h.table[v&(1<<tableBits-1)]; e != 0 {
		return e >> 4, uint(e & 15)
	}
	// Canonical decoding one bit at a time, for the rare long codes.
	code := uint16(0)
	for l := 1; l <= maxCodeBits; l++ {
		code |= uint16(v & 1)
		v >>= 1
		if i := code - h.first[l]; i < h.count[l] { // wraps when code < first
			return h.symbol[h.offset[l]+i], uint(l)
		}
		code <<= 1
	}
	return 0, 0
}

func reverse(c uint16, n uint) uint16 {
	var r uint16
	for range n {
		r = r<<1 | c&1
		c >>= 1
	}
	return r
}
