package cab

import (
	"errors"
	"fmt"
	"math/bits"
	"sort"
)

const (
	maxLit  = 286 // literal/length symbols a block may declare (zlib's limit)
	maxDist = 30  // distance symbols a block may declare (zlib's limit)
)

// Order in which code-length code lengths are sent (RFC 1951 3.2.7).
var clOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// readLengths reads a dynamic block header after BFINAL and BTYPE: the
// literal/length and distance code lengths, into lengths. cl receives the
// code-length code, which must be complete, and cll its lengths.
func readLengths(r *bitReader, cl *huffman, cll *[19]uint8, lengths []uint8) (hlit, hdist int, err error) {
	hlit, hdist = int(r.read(5))+257, int(r.read(5))+1
	hclen := int(r.read(4)) + 4
	if hlit > maxLit || hdist > maxDist {
		// The fields allow more, but zlib refuses them.
		return 0, 0, fmt.Errorf("%d literal/length or %d distance codes", hlit, hdist)
	}
	*cll = [19]uint8{}
	for _, sym := range clOrder[:hclen] {
		cll[sym] = uint8(r.read(3))
	}
	if err := cl.init(cll[:]); err != nil {
		return 0, 0, fmt.Errorf("code length code: %w", err)
	}
	if !cl.complete {
		return 0, 0, fmt.Errorf("code length code: %w", errIncomplete)
	}
	lens := lengths[:hlit+hdist]
	for i := 0; i < len(lens); {
		sym, err := cl.decode(r)
		if err != nil {
			return 0, 0, fmt.Errorf("code lengths: %w", err)
		}
		var rep int
		var val uint8
		switch {
		case sym < 16:
			lens[i] = uint8(sym)
			i++
			continue
		case sym == 16:
			if i == 0 {
				return 0, 0, errors.New("code lengths: repeat with no previous length")
			}
			rep, val = 3+int(r.read(2)), lens[i-1]
		case sym == 17:
			rep = 3 + int(r.read(3))
		default:
			rep = 11 + int(r.read(7))
		}
		if i+rep > len(lens) {
			return 0, 0, errors.New("code lengths overflow the header")
		}
		for range rep {
			lens[i] = val
			i++
		}
	}
	if lens[256] == 0 {
		return 0, 0, errors.New("no end-of-block code")
	}
	return hlit, hdist, nil
}

// clSymbol is one code-length symbol with its extra bits.
type clSymbol struct {
	sym   uint8
	extra uint8
	n     uint8 // extra bit count
}

// writeDynamicHeader writes BFINAL, BTYPE 2 and a header sending the code
// lengths lit and dist. Its code-length code is prefer, the one of the block
// being repaired, when that has a code for every symbol needed; otherwise a
// balanced complete code over the symbols used. That is not optimal, but it
// costs only a few bytes and needs no length-limited Huffman construction.
func writeDynamicHeader(w *bitWriter, final bool, lit, dist []uint8, prefer *[19]uint8) {
	seq := runLengths(append(append(make([]uint8, 0, len(lit)+len(dist)), lit...), dist...))
	var freq [19]int
	for _, s := range seq {
		freq[s.sym]++
	}
	var cll [19]uint8
	if prefer != nil {
		cll = *prefer
		for sym, f := range freq {
			if f > 0 && cll[sym] == 0 {
				cll = balancedLengths(freq)
				break
			}
		}
	} else {
		cll = balancedLengths(freq)
	}
	codes := canonicalCodes(cll[:])
	hclen := len(clOrder)
	for hclen > 4 && cll[clOrder[hclen-1]] == 0 {
		hclen--
	}
	fin := uint32(0)
	if final {
		fin = 1
	}
	w.write(fin|2<<1, 3)
	w.write(uint32(len(lit)-257), 5)
	w.write(uint32(len(dist)-1), 5)
	w.write(uint32(hclen-4), 4)
	for _, sym := range clOrder[:hclen] {
		w.write(uint32(cll[sym]), 3)
	}
	for _, s := range seq {
		w.write(codes[s.sym], uint(cll[s.sym]))
		if s.n > 0 {
			w.write(uint32(s.extra), uint(s.n))
		}
	}
}

// runLengths encodes code lengths with the repeat symbols 16, 17 and 18.
func runLengths(lens []uint8) []clSymbol {
	var out []clSymbol
	for i := 0; i < len(lens); {
		v, run := lens[i], 1
		for i+run < len(lens) && lens[i+run] == v {
			run++
		}
		i += run
		if v == 0 {
			for run >= 11 {
				n := min(run, 138)
				out = append(out, clSymbol{18, uint8(n - 11), 7})
				run -= n
			}
			if run >= 3 {
				out = append(out, clSymbol{17, uint8(run - 3), 3})
				run = 0
			}
		} else {
			out = append(out, clSymbol{sym: v})
			run--
			for run >= 3 {
				n := min(run, 6)
				out = append(out, clSymbol{16, uint8(n - 3), 2})
				run -= n
			}
		}
		for range run {
			out = append(out, clSymbol{sym: v})
		}
	}
	return out
}

// balancedLengths gives the used symbols a complete code whose lengths
// differ by at most one, the shorter codes going to the most frequent
// symbols. A lone symbol gets a partner so the code stays complete.
func balancedLengths(freq [19]int) [19]uint8 {
	var used []int
	for sym, f := range freq {
		if f > 0 {
			used = append(used, sym)
		}
	}
	if len(used) < 2 {
		partner := 0
		if len(used) == 1 && used[0] == 0 {
			partner = 1
		}
		used = append(used, partner)
	}
	sort.SliceStable(used, func(i, j int) bool { return freq[used[i]] > freq[used[j]] })
	k := len(used)
	long := uint8(bits.Len(uint(k - 1))) // ceil(log2 k)
	short := 1<<long - k                 // codes one bit shorter
	var l [19]uint8
	for i, sym := range used {
		l[sym] = long
		if i < short {
			l[sym] = long - 1
		}
	}
	return l
}

// canonicalCodes returns each symbol's canonical code, bit-reversed as
// deflate writes it.
func canonicalCodes(lengths []uint8) []uint32 {
	var count [maxCodeBits + 1]uint16
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeBits + 1]uint16
	code := uint16(0)
	for l := 1; l <= maxCodeBits; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	codes := make([]uint32, len(lengths))
	for sym, l := range lengths {
		if l > 0 {
			codes[sym] = uint32(reverse(next[l], uint(l)))
			next[l]++
		}
	}
	return codes
}
