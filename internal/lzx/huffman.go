package lzx

import (
	"errors"
	"slices"
)

// buildLengths sets lengths[i] to the code length of symbol i, at most
// limit, for a code minimising the total size of freq. The code is always
// complete and has at least two symbols (strict decoders refuse anything
// else), so unused symbols may get a code when fewer than two are used.
func buildLengths(freq []uint32, lengths []uint8, limit int, scratch *[]symFreq) {
	clear(lengths)
	syms := (*scratch)[:0]
	for s, f := range freq {
		if f > 0 {
			syms = append(syms, symFreq{uint16(s), f})
		}
	}
	for s := 0; len(syms) < 2; s++ {
		if freq[s] == 0 {
			syms = append(syms, symFreq{uint16(s), 1})
		}
	}
	*scratch = syms
	for {
		slices.SortFunc(syms, func(a, b symFreq) int {
			if a.freq != b.freq {
				return int(int64(a.freq) - int64(b.freq))
			}
			return int(a.sym) - int(b.sym)
		})
		var depthBuf [656]int // the largest alphabet: the main tree of a 2 MiB window
		depth := depthBuf[:len(syms)]
		for i, s := range syms {
			depth[i] = int(s.freq)
		}
		minimumRedundancy(depth)
		if depth[0] <= limit { // depth[0] is the longest
			for i, s := range syms {
				lengths[s.sym] = uint8(depth[i])
			}
			return
		}
		// Too deep: flatten the distribution and try again. The loss is
		// tiny and the codes stay complete.
		for i := range syms {
			syms[i].freq = syms[i].freq>>1 | 1
		}
	}
}

type symFreq struct {
	sym  uint16
	freq uint32
}

// minimumRedundancy replaces the ascending weights in a (at least two)
// with Huffman code lengths, in place (Moffat and Katajainen, 1995).
func minimumRedundancy(a []int) {
	n := len(a)
	a[0] += a[1]
	root, leaf := 0, 2
	for next := 1; next < n-1; next++ {
		if leaf >= n || a[root] < a[leaf] {
			a[next] = a[root]
			a[root] = next
			root++
		} else {
			a[next] = a[leaf]
			leaf++
		}
		if leaf >= n || (root < next && a[root] < a[leaf]) {
			a[next] += a[root]
			a[root] = next
			root++
		} else {
			a[next] += a[leaf]
			leaf++
		}
	}
	a[n-2] = 0
	for next := n - 3; next >= 0; next-- {
		a[next] = a[a[next]] + 1
	}
	avail, used, depth := 1, 0, 0
	root, next := n-2, n-1
	for avail > 0 {
		for root >= 0 && a[root] == depth {
			used++
			root--
		}
		for avail > used {
			a[next] = depth
			next--
			avail--
		}
		avail, depth, used = 2*used, depth+1, 0
	}
}

// canonicalCodes fills codes with the canonical code of each symbol: codes
// of one length are consecutive in symbol order, shorter codes first.
func canonicalCodes(lengths []uint8, codes []uint32) {
	var count, next [maxCodeBits + 2]uint32
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	code := uint32(0)
	for l := 1; l <= maxCodeBits; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for s, l := range lengths {
		if l > 0 {
			codes[s] = next[l]
			next[l]++
		}
	}
}

const tableBits = 10 // codes up to this length decode with one lookup

var (
	errOversubscribed = errors.New("over-subscribed huffman code")
	errIncomplete     = errors.New("incomplete huffman code")
	errBadCode        = errors.New("bit pattern matches no huffman code")
)

// decoder decodes one canonical code.
type decoder struct {
	table  [1 << tableBits]uint16 // next tableBits bits -> sym<<5 | length, 0 if longer
	count  [maxCodeBits + 1]uint16
	first  [maxCodeBits + 1]uint32 // first code of each length
	offset [maxCodeBits + 1]uint16 // index in symbol of that code
	symbol []uint16
	empty  bool // no symbol has a code
}

// init builds the decoder. Like libmspack, it refuses incomplete codes,
// but accepts an empty one when allowEmpty (the length tree of a block
// without long matches); decoding from an empty code then fails.
func (d *decoder) init(lengths []uint8, allowEmpty bool) error {
	d.count = [maxCodeBits + 1]uint16{}
	for _, l := range lengths {
		if l > maxCodeBits {
			return errOversubscribed
		}
		d.count[l]++
	}
	d.count[0] = 0
	left := 1
	for l := 1; l <= maxCodeBits; l++ {
		left = left<<1 - int(d.count[l])
		if left < 0 {
			return errOversubscribed
		}
	}
	d.empty = left == 1<<maxCodeBits
	switch {
	case d.empty && allowEmpty:
		return nil
	case left != 0:
		return errIncomplete
	}
	code, index := uint32(0), uint16(0)
	for l := 1; l <= maxCodeBits; l++ {
		d.first[l], d.offset[l] = code, index
		code = (code + uint32(d.count[l])) << 1
		index += d.count[l]
	}
	d.symbol = slices.Grow(d.symbol[:0], int(index))[:index]
	clear(d.table[:])
	next := d.offset
	for s, l := range lengths {
		if l == 0 {
			continue
		}
		i := next[l]
		next[l]++
		d.symbol[i] = uint16(s)
		if l <= tableBits {
			c := (d.first[l] + uint32(i-d.offset[l])) << (tableBits - l)
			for k := range uint32(1) << (tableBits - l) {
				d.table[c+k] = uint16(s)<<5 | uint16(l)
			}
		}
	}
	return nil
}

// decode reads one symbol.
func (d *decoder) decode(r *bitReader) (int, error) {
	if d.empty {
		return 0, errors.New("a symbol from an empty code")
	}
	v := r.peek(maxCodeBits)
	if e := d.table[v>>(maxCodeBits-tableBits)]; e != 0 {
		r.skip(uint(e & 31))
		return int(e >> 5), nil
	}
	for l := tableBits + 1; l <= maxCodeBits; l++ {
		code := v >> (maxCodeBits - l)
		if i := code - d.first[l]; i < uint32(d.count[l]) { // wraps when code < first
			r.skip(uint(l))
			return int(d.symbol[d.offset[l]+uint16(i)]), nil
		}
	}
	return 0, errBadCode
}
