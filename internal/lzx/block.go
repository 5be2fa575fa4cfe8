package lzx

// block holds the statistics and codes of the block being written.
type block struct {
	mainFreq    []uint32
	lengthFreq  [lengthSymbols]uint32
	alignedFreq [alignedSymbols]uint32
	mainLens    []uint8
	lengthLens  [lengthSymbols]uint8
	alignedLens [alignedSymbols]uint8
	mainCodes   []uint32
	lengthCodes [lengthSymbols]uint32
	alignedCode [alignedSymbols]uint32
	aligned     bool
}

func (b *block) init(mainSize int) {
	b.mainFreq = make([]uint32, mainSize)
	b.mainLens = make([]uint8, mainSize)
	b.mainCodes = make([]uint32, mainSize)
}

// symbols splits an item into its main symbol, its length footer (-1 for
// none) and its position slot (-1 for a literal).
func symbols(it item) (sym, footer, slot int) {
	if it.length == 0 {
		return int(it.off), -1, -1
	}
	lh, footer := int(it.length)-minMatch, -1
	if lh >= primaryLengths {
		lh, footer = primaryLengths, int(it.length)-minMatch-primaryLengths
	}
	slot = int(it.off)
	if slot >= 3 {
		slot = slotOf(it.off)
	}
	return numChars + slot<<3 + lh, footer, slot
}

// count gathers the statistics of items and builds the codes.
func (b *block) count(items []item, scratch *[]symFreq) {
	clear(b.mainFreq)
	b.lengthFreq = [lengthSymbols]uint32{}
	b.alignedFreq = [alignedSymbols]uint32{}
	for _, it := range items {
		sym, footer, slot := symbols(it)
		b.mainFreq[sym]++
		if footer >= 0 {
			b.lengthFreq[footer]++
		}
		if slot >= 3 && extraBits[slot] >= 3 {
			b.alignedFreq[it.off&7]++
		}
	}
	buildLengths(b.mainFreq, b.mainLens, maxCodeBits, scratch)
	buildLengths(b.lengthFreq[:], b.lengthLens[:], maxCodeBits, scratch)
	buildLengths(b.alignedFreq[:], b.alignedLens[:], maxAlignedBits, scratch)
	// Aligned offset blocks pay 24 bits for their tree and win when the
	// low three bits of offsets are skewed (x86 code, aligned records).
	saving := -24
	for s, f := range b.alignedFreq {
		saving += int(f) * (3 - int(b.alignedLens[s]))
	}
	b.aligned = saving > 0
	canonicalCodes(b.mainLens, b.mainCodes)
	canonicalCodes(b.lengthLens[:], b.lengthCodes[:])
	canonicalCodes(b.alignedLens[:], b.alignedCode[:])
}

// cost is the size in bits of items coded with the block's codes.
func (b *block) cost(items []item) int {
	n := 0
	for _, it := range items {
		sym, footer, slot := symbols(it)
		n += int(b.mainLens[sym])
		if footer >= 0 {
			n += int(b.lengthLens[footer])
		}
		if slot >= 3 {
			extra := int(extraBits[slot])
			if b.aligned && extra >= 3 {
				n += extra - 3 + int(b.alignedLens[it.off&7])
			} else {
				n += extra
			}
		}
	}
	return n
}

// write codes one item.
func (b *block) write(w *bitWriter, it item) {
	sym, footer, slot := symbols(it)
	w.write(b.mainCodes[sym], uint(b.mainLens[sym]))
	if footer >= 0 {
		w.write(b.lengthCodes[footer], uint(b.lengthLens[footer]))
	}
	if slot < 3 {
		return
	}
	extra := uint(extraBits[slot])
	v := it.off - positionBase[slot]
	if b.aligned && extra >= 3 {
		w.write(v>>3, extra-3)
		w.write(b.alignedCode[v&7], uint(b.alignedLens[v&7]))
	} else if extra > 0 {
		w.write(v, extra)
	}
}

// pretree codes: 0-16 are deltas, 17 and 18 runs of zeros, 19 a short run
// of one delta.
type preSym struct {
	sym, extra, bits uint8
}

// writeLengths writes lens, the new code lengths of a tree section whose
// decoder holds prev, with a pretree of its own.
func writeLengths(w *bitWriter, lens, prev []uint8, scratch *[]symFreq, seq []preSym) []preSym {
	seq = seq[:0]
	delta := func(x int) uint8 { return uint8((int(prev[x]) - int(lens[x]) + 17) % 17) }
	for x := 0; x < len(lens); {
		run := 1
		for x+run < len(lens) && lens[x+run] == lens[x] {
			run++
		}
		switch {
		case lens[x] == 0 && run >= 20:
			k := min(run, 51)
			seq = append(seq, preSym{18, uint8(k - 20), 5})
			x += k
		case lens[x] == 0 && run >= 4:
			seq = append(seq, preSym{17, uint8(run - 4), 4})
			x += run
		case run >= 4:
			// A run of one length costs one delta, from the first
			// position's previous length.
			k := min(run, 5)
			seq = append(seq, preSym{19, uint8(k - 4), 1}, preSym{delta(x), 0, 0})
			x += k
		default:
			seq = append(seq, preSym{delta(x), 0, 0})
			x++
		}
	}
	var freq [pretreeSymbols]uint32
	for _, s := range seq {
		freq[s.sym]++
	}
	var pl [pretreeSymbols]uint8
	var pc [pretreeSymbols]uint32
	buildLengths(freq[:], pl[:], maxPretreeBits, scratch)
	canonicalCodes(pl[:], pc[:])
	for _, l := range pl {
		w.write(uint32(l), 4)
	}
	for _, s := range seq {
		w.write(pc[s.sym], uint(pl[s.sym]))
		if s.bits > 0 {
			w.write(uint32(s.extra), uint(s.bits))
		}
	}
	return seq
}
