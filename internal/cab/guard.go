package cab

import (
	"errors"
	"fmt"
)

// The guard exists because compress/flate (and klauspost's fork) write a
// dynamic block whose distance code has a single symbol of length one when
// the block has no back-reference, or only references whose distances share
// one code (common with history: a block repeating data from the previous
// one, 24577 to 32768 bytes back, uses distance symbol 29 only). RFC 1951
// tolerates that incomplete code and zlib accepts it, but libmspack
// (cabextract) rejects the block, and Windows inflaters have rejected such
// codes elsewhere.
//
// The guard walks every block of the compressor's output and checks that
// each Huffman code is complete. A distance code with at most one symbol X
// is repaired: the block is re-sent with distance lengths {X:1, Y:1} (Y a
// neighbour of X), a complete code, each distance symbol re-encoded with
// its new one-bit code and every other bit copied. The header is rebuilt,
// reusing the block's code-length code when it covers the new header (see
// header.go). Any other defect is reported and the caller stores the block
// uncompressed.
//
// Walking the stream also proves what the compressor claims: that it
// inflates to exactly the block, refers back no further than the window,
// and ends where the CFDATA ends.

// errIncomplete marks output a strict inflater would refuse and the guard
// cannot repair.
var errIncomplete = errors.New("incomplete huffman code")

// Base values and extra bits of length symbols 257..285 and distance
// symbols 0..29 (RFC 1951 3.2.5).
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// guard holds decoding tables reused across blocks; each worker owns one.
type guard struct {
	cl, lit, dist       huffman
	fixedLit, fixedDist huffman
	lengths             [maxLit + maxDist]uint8
	clLengths           [19]uint8
	repairs             int        // blocks repaired by the last check
	w                   *bitWriter // non-nil while rewriting
	newDist             [maxDist]uint32
	rewrites            bool // re-encoding the distance codes of a block
	// What walk saw: the last two blocks, whether the last was final, and
	// whether it was an empty stored block (a flush marker).
	last, prev             span
	final, lastEmptyStored bool
	// produced counts the bytes the stream inflates to; history is the
	// window available before them.
	produced, history int
	// keepIncomplete leaves single-symbol distance codes as they are. Only
	// tests set it, to show that the strict oracles refuse what the guard
	// repairs.
	keepIncomplete bool
}

func newGuard() *guard {
	g := &guard{}
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	var d [30]uint8
	for i := range d {
		d[i] = 5
	}
	if g.fixedLit.init(l[:]) != nil || g.fixedDist.init(d[:]) != nil {
		panic("cab: fixed huffman codes")
	}
	return g
}

// check returns data if every block is acceptable to a strict inflater, a
// repaired copy if the only defects are distance codes with fewer than two
// symbols, or an error (wrapping errIncomplete for defects it cannot
// repair). The stream must inflate to exactly size bytes, its references
// reaching back at most history bytes before them (the MSZIP window carried
// from earlier blocks of the folder).
//
// It also ends the stream properly for a CFDATA: the compressor ends each
// block's stream with an empty stored block, non-final after a sync flush
// (when the compressor keeps its history for the next block) or final after
// a close. check drops that block and sets BFINAL on the one before, in
// place, which saves five bytes a block.
func (g *guard) check(data []byte, size, history int) ([]byte, error) {
	g.repairs, g.w, g.history = 0, nil, history
	if err := g.walk(data); err != nil {
		return nil, err
	}
	switch {
	case g.produced != size:
		return nil, fmt.Errorf("deflate stream: inflates to %d bytes, not %d", g.produced, size)
	case (g.last.end+7)/8 != len(data):
		// gcab insists the stream fills its CFDATA exactly.
		return nil, fmt.Errorf("deflate stream: %d bytes after the final block", len(data)-(g.last.end+7)/8)
	case !g.final && !g.lastEmptyStored:
		return nil, errors.New("deflate stream: no final block")
	case g.lastEmptyStored && g.prev.start >= 0:
		data[g.prev.start>>3] |= 1 << (g.prev.start & 7)
		n := (g.prev.end + 7) / 8
		if g.prev.end&7 != 0 {
			data[n-1] &= byte(1)<<(g.prev.end&7) - 1 // padding bits are zero
		}
		data = data[:n]
	}
	if g.repairs == 0 {
		return data, nil
	}
	g.w = &bitWriter{out: make([]byte, 0, len(data)+8)}
	defer func() { g.w = nil }()
	if err := g.walk(data); err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	g.w.alignByte()
	return g.w.out, nil
}

// span is a block's position in bits.
type span struct{ start, end int }

// walk parses the blocks of data up to the final one or the end of the
// data, recording the last two blocks; while rewriting it also writes the
// repaired stream to g.w.
func (g *guard) walk(data []byte) error {
	r := bitReader{b: data}
	g.last, g.prev = span{-1, -1}, span{-1, -1}
	g.final, g.lastEmptyStored, g.produced = false, false, 0
	for !g.final && r.pos < len(data)*8 {
		start := r.pos
		g.final = r.read(1) == 1
		var err error
		empty := false
		switch typ := r.read(2); typ {
		case 0:
			empty, err = g.stored(&r, start)
		case 1:
			err = g.codes(&r, &g.fixedLit, &g.fixedDist, start)
		case 2:
			err = g.dynamic(&r, start, g.final)
		default:
			err = errors.New("reserved block type 3")
		}
		if err == nil && r.overrun() {
			err = errors.New("stream ends inside a block")
		}
		if err != nil {
			return fmt.Errorf("deflate block at bit %d: %w", start, err)
		}
		g.prev, g.last = g.last, span{start, r.pos}
		g.lastEmptyStored = empty
	}
	return nil
}

func (g *guard) stored(r *bitReader, start int) (empty bool, err error) {
	r.alignByte()
	from := r.pos
	n, nn := r.read(16), r.read(16)
	if n != ^nn&0xffff {
		return false, errors.New("stored block length check fails")
	}
	r.pos += int(n) * 8
	g.produced += int(n)
	if g.w != nil {
		g.w.copyBits(r.b, start, start+3)
		g.w.alignByte()
		g.w.copyBits(r.b, from, r.pos)
	}
	return n == 0, nil
}

func (g *guard) dynamic(r *bitReader, start int, final bool) error {
	hlit, hdist, err := readLengths(r, &g.cl, &g.clLengths, g.lengths[:])
	if err != nil {
		return err
	}
	lit, dist := g.lengths[:hlit], g.lengths[hlit:hlit+hdist]
	if err := g.lit.init(lit); err != nil {
		return fmt.Errorf("literal/length code: %w", err)
	}
	if err := g.dist.init(dist); err != nil {
		return fmt.Errorf("distance code: %w", err)
	}
	if !g.lit.complete {
		return fmt.Errorf("literal/length code: %w", errIncomplete)
	}
	if g.dist.complete {
		return g.codes(r, &g.lit, &g.dist, start)
	}
	if g.dist.used > 1 {
		return fmt.Errorf("distance code: %w", errIncomplete)
	}
	if g.keepIncomplete {
		return g.codes(r, &g.lit, &g.dist, start)
	}
	if g.w == nil {
		g.repairs++
		return g.codes(r, &g.lit, &g.dist, -1)
	}
	// Rewrite: a complete two-symbol distance code around the used symbol.
	x := 0
	for sym, l := range dist {
		if l != 0 {
			x = sym
		}
	}
	y := x + 1
	if x == maxDist-1 {
		y = x - 1
	}
	var newLens [maxDist]uint8
	newLens[x], newLens[y] = 1, 1
	dlens := newLens[:max(x, y)+1]
	writeDynamicHeader(g.w, final, lit, dlens, &g.clLengths)
	g.newDist = [maxDist]uint32{}
	g.newDist[max(x, y)] = 1 // canonical: the smaller symbol gets "0"
	g.rewrites = true
	defer func() { g.rewrites = false }()
	return g.codes(r, &g.lit, &g.dist, -1)
}

// codes skips the compressed symbols of a block up to end-of-block, proving
// that each decodes and finding where the next block starts. While
// rewriting it copies the block from bit start, or, for a repaired block
// (g.rewrites), copies everything but the distance codes, which it
// re-encodes. This loop is most of the guard's cost, hence the local bit
// buffer: one load serves a whole length/distance pair (at most 48 bits).
func (g *guard) codes(r *bitReader, lit, dist *huffman, start int) error {
	from, pos, end := r.pos, r.pos, len(r.b)*8
	var v uint64
	avail := uint(0)
	for {
		if avail < 48 {
			r.pos = pos
			v, avail = r.peek(), 56
		}
		sym, n := lit.decodeBits(v)
		if n == 0 {
			return fmt.Errorf("literal/length: %w", errBadCode)
		}
		v, avail, pos = v>>n, avail-n, pos+int(n)
		if pos > end {
			return errors.New("stream ends inside a block")
		}
		if sym < 256 {
			g.produced++
			continue
		}
		if sym == 256 {
			break
		}
		if sym > 285 {
			return fmt.Errorf("invalid length symbol %d", sym)
		}
		n = uint(lengthExtra[sym-257])
		length := int(lengthBase[sym-257]) + int(v&(1<<n-1))
		v, avail, pos = v>>n, avail-n, pos+int(n)
		at := pos
		d, n := dist.decodeBits(v)
		if n == 0 {
			return fmt.Errorf("distance: %w", errBadCode)
		}
		if d >= maxDist {
			return fmt.Errorf("invalid distance symbol %d", d)
		}
		v, avail, pos = v>>n, avail-n, pos+int(n)
		if g.rewrites {
			g.w.copyBits(r.b, from, at)
			g.w.write(g.newDist[d], 1)
			from = pos
		}
		n = uint(distExtra[d])
		distance := int(distBase[d]) + int(v&(1<<n-1))
		v, avail, pos = v>>n, avail-n, pos+int(n)
		if pos > end {
			return errors.New("stream ends inside a block")
		}
		if distance > g.produced+g.history {
			return fmt.Errorf("distance %d reaches before the window", distance)
		}
		g.produced += length
	}
	r.pos = pos
	if g.w != nil {
		if g.rewrites {
			start = from
		}
		g.w.copyBits(r.b, start, r.pos)
	}
	return nil
}
