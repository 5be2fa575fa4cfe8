package lzx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// Options configures an Encoder.
type Options struct {
	// WindowBits is the window size as a power of two, 15 to 21; cabinets
	// store it in the folder's compression type.
	WindowBits int
	// TranslationSize enables E8 call translation with this translation
	// size (the span of absolute targets translated); 0 disables it.
	TranslationSize int32
	// Chain is how many earlier positions the match finder tries at each
	// position, at most 32 (the positions a hash bucket keeps); 0 picks one
	// suited to the window (longer for larger ones).
	Chain int
}

// DefaultTranslationSize is the E8 translation size gomsi writes for a
// folder of n bytes: at least the 12,000,000 of Microsoft's encoder, and
// the whole folder when it is larger, so that calls keep one absolute
// form throughout it.
func DefaultTranslationSize(n int64) int32 {
	return int32(max(12_000_000, min(n, 1<<30)))
}

// framesPerGroup is how many frames are parsed before their blocks are
// written: a block's codes fit its frames better when it is short, but each
// block pays for its trees.
const framesPerGroup = 4

// Encoder compresses one stream at a time. It is not safe for concurrent use.
type Encoder struct {
	opts     Options
	wsize    int
	mainSize int
	chain    int // candidates tried at a position
	good     int // a match this long cuts the search to a quarter
	lazy     int // a match this long is taken without looking a byte later
	nice     int // a match this long ends the search
	skip     int // after 2^skip positions without a match, search every other one
	hashBits int // log2 of the number of hash buckets

	buf  []byte // translated stream bytes; buf[i] is stream byte base+i
	base int64
	end  int // bytes in buf
	// The match finder's hash table: bucket h holds the last bucketWays
	// positions whose 4 bytes hash to h, in slots
	// table[h*bucketWays:(h+1)*bucketWays], the newest at slot newest[h].
	// Unlike hash chains, a bucket's candidates are known at once and sit in
	// one cache line, so the memory reads of a search overlap instead of
	// following a chain one miss at a time. A slot's tag (see slotPosBits)
	// tells most other 4 bytes sharing the bucket apart without reading them.
	table  []uint32
	newest []uint8
	ins    int // buf positions below ins are in the hash table

	r          [3]uint32
	frames     []pending
	items      []item
	frameIndex int
	started    bool // the stream header is written
	stored     int  // frames stored

	prevMain, prevLength []uint8  // lengths the decoder holds
	costMain             []uint16 // estimated cost of each main symbol, in bits/16
	costLength           [lengthSymbols]uint16
	litCum               []int32 // cost of the literals of the frame being parsed before each byte
	fs                   int     // buf position of that frame

	w         bitWriter
	frameEnds []int // where each frame written ends in w.out
	blk       block
	scratch   []symFreq
	seq       []preSym
}

// pending is a parsed frame waiting for its block to be written.
type pending struct {
	pos   int64     // stream offset
	size  int       // bytes
	items int       // end index in Encoder.items
	r     [3]uint32 // repeated offsets after the frame
}

// item is a literal (length 0, off the byte) or a match (off the formatted
// offset: 0-2 for the repeated offsets, otherwise the offset plus 2).
type item struct {
	length uint16
	off    uint32
}

// NewEncoder returns an encoder.
func NewEncoder(opts Options) (*Encoder, error) {
	if err := checkWindow(opts.WindowBits); err != nil {
		return nil, err
	}
	if opts.TranslationSize < 0 {
		return nil, fmt.Errorf("lzx: translation size %d is negative", opts.TranslationSize)
	}
	e := &Encoder{opts: opts, wsize: 1 << opts.WindowBits, mainSize: mainSymbols(opts.WindowBits)}
	// Measured on the Go distribution with a 2 MiB window: 24 candidates
	// with these cut-offs; hash chains of 16 gave a file 0.3% larger in 25%
	// more time (the chain's reads wait on each other), nice 32 instead of
	// 128 costs 2%.
	e.chain, e.good, e.lazy, e.nice, e.skip = opts.Chain, 32, 64, 128, 6
	if e.chain == 0 {
		// Larger windows hold more candidates worth trying.
		e.chain = 4 + 20*(opts.WindowBits-MinWindowBits)/(MaxWindowBits-MinWindowBits)
	}
	e.chain = min(e.chain, bucketWays)
	// As many slots as window positions: 8 MiB for a 2 MiB window. Twice
	// as many saved 0.04% for 10% more time.
	e.hashBits = opts.WindowBits - bucketWaysBits
	n := 2*e.wsize + (framesPerGroup+1)*FrameSize
	e.buf = make([]byte, n)
	e.table = make([]uint32, bucketWays<<e.hashBits)
	e.newest = make([]uint8, 1<<e.hashBits)
	e.prevMain = make([]uint8, e.mainSize)
	e.costMain = make([]uint16, e.mainSize)
	e.prevLength = make([]uint8, lengthSymbols)
	e.blk.init(e.mainSize)
	e.Reset()
	return e, nil
}

// Reset starts a new stream.
func (e *Encoder) Reset() {
	e.base, e.end, e.ins = 0, 0, 0
	clear(e.table)
	clear(e.newest)
	e.r = [3]uint32{1, 1, 1}
	e.frames, e.items = e.frames[:0], e.items[:0]
	e.frameIndex, e.started, e.stored = 0, false, 0
	clear(e.prevMain)
	clear(e.prevLength)
	e.resetCosts()
	e.w = bitWriter{out: e.w.out[:0]}
}

// SetTranslationSize sets the E8 translation size of the next stream (the
// Options field), before its first Encode.
func (e *Encoder) SetTranslationSize(size int32) { e.opts.TranslationSize = max(size, 0) }

// Encode compresses data, the next bytes of the stream: a whole number of
// frames, unless final, which ends the stream. For each frame completed it
// calls emit, in order, with the frame's compressed bytes (valid only
// during the call) and its uncompressed size.
func (e *Encoder) Encode(data []byte, final bool, emit func(comp []byte, size int) error) error {
	if !final && len(data)%FrameSize != 0 {
		return fmt.Errorf("lzx: %d bytes is not a whole number of frames", len(data))
	}
	for len(data) > 0 {
		n := min(len(data), FrameSize)
		e.addFrame(data[:n])
		data = data[n:]
		if len(e.frames) == framesPerGroup {
			if err := e.flush(emit); err != nil {
				return err
			}
		}
	}
	if final && len(e.frames) > 0 {
		return e.flush(emit)
	}
	return nil
}

// addFrame appends a frame to the buffer, translates it and parses it.
func (e *Encoder) addFrame(data []byte) {
	if e.end+len(data) > len(e.buf) {
		e.slide()
	}
	start := e.end
	frame := e.buf[start : start+len(data)]
	copy(frame, data)
	e.end += len(data)
	pos := e.base + int64(start)
	if e.opts.TranslationSize != 0 && e.frameIndex < e8Frames {
		e8Encode(frame, pos, e.opts.TranslationSize)
	}
	e.frameIndex++
	e.parse(start, e.end)
	e.frames = append(e.frames, pending{pos: pos, size: len(data), items: len(e.items), r: e.r})
}

// slide drops the oldest bytes no longer in the window or waiting in a
// pending frame, moving the rest to the front of the buffer.
func (e *Encoder) slide() {
	keep := e.end - (e.wsize - 3)
	if len(e.frames) > 0 {
		keep = min(keep, int(e.frames[0].pos-e.base))
	}
	delta := max(keep, 0)
	copy(e.buf, e.buf[delta:e.end])
	d := uint32(delta)
	for i, v := range e.table {
		if v&slotPosMask > d {
			e.table[i] = v - d
		} else {
			e.table[i] = 0
		}
	}
	e.end -= delta
	e.ins -= delta
	e.base += int64(delta)
}

// hash returns the bucket of the 4 bytes at buf position p and their tag.
func (e *Encoder) hash(p int) (bucket int, tag uint32) {
	h := binary.LittleEndian.Uint32(e.buf[p:]) * 2654435761
	return int(h >> (32 - e.hashBits)), h >> (32 - e.hashBits - slotTagBits) & (1<<slotTagBits - 1)
}

// A table slot holds a buf position plus one in its low slotPosBits (0
// for an empty slot) and a tag, more bits of the hash, above them.
const (
	slotPosBits = 23 // buf is under 2^23 bytes: 2^22 plus a few frames
	slotPosMask = 1<<slotPosBits - 1
	slotTagBits = 32 - slotPosBits
)

// bucketWays is how many positions a hash bucket keeps: 32 slots, two
// 64-byte cache lines; 16 lost 0.3%.
const (
	bucketWaysBits = 5
	bucketWays     = 1 << bucketWaysBits
)

// insertTo adds the positions below p to the hash table, as far as four
// bytes are known after them.
func (e *Encoder) insertTo(p int) {
	stop := min(p, e.end-3)
	for ; e.ins < stop; e.ins++ {
		h, tag := e.hash(e.ins)
		k := (e.newest[h] + 1) & (bucketWays - 1)
		e.newest[h] = k
		e.table[h<<bucketWaysBits+int(k)] = uint32(e.ins+1) | tag<<slotPosBits
	}
}

// match is a candidate: its length and formatted offset, and the bits it
// saves over literals (in 1/16 bits).
type match struct {
	length int
	off    uint32
	gain   int
}

// matchLen returns how many bytes at a and b agree, up to max.
func (e *Encoder) matchLen(a, b, max int) int {
	n := 0
	for n+8 <= max {
		x := binary.LittleEndian.Uint64(e.buf[a+n:]) ^ binary.LittleEndian.Uint64(e.buf[b+n:])
		if x != 0 {
			return n + bits.TrailingZeros64(x)/8
		}
		n += 8
	}
	for n < max && e.buf[a+n] == e.buf[b+n] {
		n++
	}
	return n
}

// Symbol costs, in 1/16 bits, before the first block's codes are known.
const (
	literalCost = 8 * 16
	repCost     = 7 * 16
	matchCost   = 9 * 16
	footerCost  = 5 * 16
	unseenCost  = 12 * 16 // a symbol the last block did not use
)

// resetCosts sets the symbol costs of a new stream.
func (e *Encoder) resetCosts() {
	for s := range e.costMain {
		switch {
		case s < numChars:
			e.costMain[s] = literalCost
		case (s-numChars)>>3 < 3:
			e.costMain[s] = repCost
		default:
			e.costMain[s] = matchCost
		}
	}
	for s := range e.costLength {
		e.costLength[s] = footerCost
	}
}

// learnCosts takes the symbol costs from the codes of the last block:
// the next block's statistics are most likely alike.
func (e *Encoder) learnCosts() {
	for s, l := range e.blk.mainLens {
		e.costMain[s] = unseenCost
		if l > 0 {
			e.costMain[s] = uint16(l) * 16
		}
	}
	for s, l := range e.blk.lengthLens {
		e.costLength[s] = unseenCost
		if l > 0 {
			e.costLength[s] = uint16(l) * 16
		}
	}
}

// gain is what a match of length bytes at buf position p in position slot
// slot saves over coding those bytes as literals, in 1/16 bits.
func (e *Encoder) gain(p, length, slot int) int {
	lh, c := length-minMatch, int(extraBits[slot])*16
	if lh >= primaryLengths {
		c += int(e.costLength[lh-primaryLengths])
		lh = primaryLengths
	}
	c += int(e.costMain[numChars+slot<<3+lh])
	return int(e.litCum[p+length-e.fs]-e.litCum[p-e.fs]) - c
}

// best finds the most profitable match at buf position p, whose frame
// ends at fe.
func (e *Encoder) best(p, fe int) match {
	limit := min(maxMatch, fe-p)
	var m match
	if limit < minMatch {
		return m
	}
	stream := e.base + int64(p)
	maxDist := int(min(int64(e.wsize-3), stream))
	for i, d := range e.r {
		if int(d) > maxDist || d == 0 {
			continue
		}
		if n := e.matchLen(p, p-int(d), limit); n >= minMatch {
			if g := e.gain(p, n, i); g > m.gain {
				m = match{n, uint32(i), g}
			}
		}
	}
	if limit < 4 || p+4 > e.end {
		return m
	}
	e.insertTo(p)
	bestLen := max(m.length, 3)
	if bestLen >= limit {
		return m
	}
	chain := e.chain
	if bestLen >= e.good {
		chain >>= 2
	}
	h, tag := e.hash(p)
	bucket := e.table[h<<bucketWaysBits:][:bucketWays]
	k := e.newest[h]
	if p+5 <= e.end {
		// The next search is most often at p+1: fetching its bucket now
		// overlaps that memory read with this search.
		next, _ := e.hash(p + 1)
		prefetch(&e.table[next<<bucketWaysBits])
	}
	// Slots of other 4 bytes (another tag) are skipped without counting.
	for i, left := 0, chain; i < bucketWays && left > 0; i, k = i+1, k-1 {
		v := bucket[k&(bucketWays-1)]
		if v == 0 {
			break
		}
		if v>>slotPosBits != tag {
			continue
		}
		left--
		c := int(v&slotPosMask) - 1
		d := p - c
		if d > maxDist {
			break
		}
		if e.buf[int(c)+bestLen] != e.buf[p+bestLen] {
			continue
		}
		n := e.matchLen(p, int(c), limit)
		if n <= bestLen {
			continue
		}
		f := uint32(d) + 2
		if g := e.gain(p, n, slotOf(f)); g > m.gain {
			m = match{n, f, g}
			bestLen = n
			if n >= e.nice || n == limit {
				break
			}
			if n >= e.good && left >= chain>>2 {
				left = chain>>2 - 1
			}
		}
	}
	return m
}

// parse turns the frame buf[fs:fe] into items, lazily: a match is taken
// only if the one starting a byte later saves no more.
func (e *Encoder) parse(fs, fe int) {
	e.fs = fs
	e.litCum = append(e.litCum[:0], 0)
	sum := int32(0)
	for _, c := range e.buf[fs:fe] {
		sum += int32(e.costMain[c])
		e.litCum = append(e.litCum, sum)
	}
	var next match
	nextAt := -1
	misses := 0 // positions since the last match
	for p := fs; p < fe; {
		m := next
		if nextAt != p {
			m = e.best(p, fe)
		}
		if m.gain <= 0 {
			// In data that does not compress, search ever more rarely.
			step := 1 + misses>>e.skip
			for k := 0; k < step && p < fe; k++ {
				e.items = append(e.items, item{0, uint32(e.buf[p])})
				p++
			}
			misses++
			continue
		}
		misses = 0
		if m.length < e.lazy && p+1 < fe {
			next, nextAt = e.best(p+1, fe), p+1
			if next.gain > m.gain {
				e.items = append(e.items, item{0, uint32(e.buf[p])})
				p++
				continue
			}
		}
		e.items = append(e.items, item{uint16(m.length), m.off})
		switch m.off {
		case 0:
		case 1:
			e.r[0], e.r[1] = e.r[1], e.r[0]
		case 2:
			e.r[0], e.r[2] = e.r[2], e.r[0]
		default:
			e.r[2], e.r[1], e.r[0] = e.r[1], e.r[0], m.off-2
		}
		p += m.length
	}
	e.insertTo(fe)
}

var errFrameTooLarge = errors.New("frame too large")

// flush writes the pending frames as blocks and emits them. Frames that
// would not shrink are stored in uncompressed blocks; runs of the others
// share a compressed block.
func (e *Encoder) flush(emit func([]byte, int) error) error {
	if !e.started {
		if t := e.opts.TranslationSize; t != 0 {
			e.w.write(1, 1)
			e.w.write(uint32(t)>>16, 16)
			e.w.write(uint32(t)&0xFFFF, 16)
		} else {
			e.w.write(0, 1)
		}
		e.started = true
	}
	var stored [framesPerGroup]bool
	e.blk.count(e.items, &e.scratch)
	from := 0
	for i, f := range e.frames {
		bits := e.blk.cost(e.items[from:f.items])
		stored[i] = bits >= 8*f.size
		from = f.items
	}
	for a := 0; a < len(e.frames); {
		b := a + 1
		for b < len(e.frames) && stored[b] == stored[a] {
			b++
		}
		if stored[a] || !e.writeCompressed(a, b) {
			for i := a; i < b; i++ {
				e.writeStored(e.frames[i])
			}
		}
		start := 0
		for i := a; i < b; i++ {
			end := e.frameEnds[i-a]
			if err := emit(e.w.out[start:end], e.frames[i].size); err != nil {
				return err
			}
			start = end
		}
		e.w.out = e.w.out[:0]
		e.frameEnds = e.frameEnds[:0]
		a = b
	}
	e.frames, e.items = e.frames[:0], e.items[:0]
	return nil
}

// writeCompressed writes frames [a, b) as one verbatim or aligned offset
// block. It returns false, having written nothing, if a frame would take
// more than MaxFrameOverhead bytes beyond its size (so also never more
// than MaxFrameBytes).
func (e *Encoder) writeCompressed(a, b int) bool {
	from := 0
	if a > 0 {
		from = e.frames[a-1].items
	}
	if a > 0 || b < len(e.frames) {
		// Only a part of the group: flush built e.blk's codes for all of it.
		e.blk.count(e.items[from:e.frames[b-1].items], &e.scratch)
	}
	savedLen, savedAcc, savedN := len(e.w.out), e.w.acc, e.w.n
	size := 0
	for _, f := range e.frames[a:b] {
		size += f.size
	}
	typ := uint32(blockVerbatim)
	if e.blk.aligned {
		typ = blockAligned
	}
	w := &e.w
	w.write(typ, 3)
	w.write(uint32(size)>>8, 16)
	w.write(uint32(size)&0xFF, 8)
	if e.blk.aligned {
		for _, l := range e.blk.alignedLens {
			w.write(uint32(l), 3)
		}
	}
	e.seq = writeLengths(w, e.blk.mainLens[:numChars], e.prevMain[:numChars], &e.scratch, e.seq)
	e.seq = writeLengths(w, e.blk.mainLens[numChars:], e.prevMain[numChars:], &e.scratch, e.seq)
	e.seq = writeLengths(w, e.blk.lengthLens[:], e.prevLength, &e.scratch, e.seq)
	start := 0 // w.out holds this run only, and the stream header belongs to its first frame
	for _, f := range e.frames[a:b] {
		for _, it := range e.items[from:f.items] {
			e.blk.write(w, it)
		}
		from = f.items
		w.align()
		if len(w.out)-start > f.size+MaxFrameOverhead {
			e.w.out, e.w.acc, e.w.n = e.w.out[:savedLen], savedAcc, savedN
			e.frameEnds = e.frameEnds[:0]
			return false
		}
		e.frameEnds = append(e.frameEnds, len(w.out))
		start = len(w.out)
	}
	copy(e.prevMain, e.blk.mainLens)
	copy(e.prevLength, e.blk.lengthLens[:])
	e.learnCosts()
	return true
}

// writeStored writes a frame as an uncompressed block.
func (e *Encoder) writeStored(f pending) {
	w := &e.w
	w.write(blockUncompressed, 3)
	w.write(uint32(f.size)>>8, 16)
	w.write(uint32(f.size)&0xFF, 8)
	if w.n == 0 {
		w.write(0, 16)
	} else {
		w.align()
	}
	for _, r := range f.r {
		w.out = binary.LittleEndian.AppendUint32(w.out, r)
	}
	p := int(f.pos - e.base)
	w.out = append(w.out, e.buf[p:p+f.size]...)
	if f.size&1 == 1 {
		w.out = append(w.out, 0)
	}
	e.frameEnds = append(e.frameEnds, len(w.out))
	e.stored++
}

// StoredFrames is the number of frames of the stream so far written as
// uncompressed blocks.
func (e *Encoder) StoredFrames() int { return e.stored }
