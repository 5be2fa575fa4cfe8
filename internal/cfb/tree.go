package cfb

import (
	"encoding/binary"
	"slices"
	"unicode"
)

// directory lays out the directory stream: the root entry first, then the
// entries of each storage in sibling order, linked as a balanced red-black
// tree, storages after the entries of their parent.
func (w *Writer) directory(root *entry) []byte {
	all := []*entry{root}
	var place func(c *container) uint32
	place = func(c *container) uint32 {
		sorted := slices.Clone(c.entries)
		slices.SortFunc(sorted, func(a, b *entry) int { return compareNames(a.name, b.name) })
		for _, e := range sorted {
			e.left, e.right, e.child, e.color = noStream, noStream, noStream, colorBlack
		}
		if len(sorted) == 0 {
			return noStream
		}
		base := uint32(len(all))
		all = append(all, sorted...)
		top := link(sorted, 0, len(sorted), 0, treeDepth(len(sorted)), base)
		for _, e := range sorted {
			if e.sub != nil {
				e.child = place(e.sub)
			}
		}
		return top
	}
	root.left, root.right, root.color = noStream, noStream, colorBlack
	root.child = place(&w.root)

	count := len(all)
	perSector := sectorSize / entrySize
	slots := (count + perSector - 1) / perSector * perSector
	b := make([]byte, slots*entrySize)
	for i, e := range all {
		putEntry(b[i*entrySize:], e)
	}
	for i := count; i < slots; i++ {
		// Unused entries: everything zero but the three links.
		off := i*entrySize + 68
		binary.LittleEndian.PutUint32(b[off:], noStream)
		binary.LittleEndian.PutUint32(b[off+4:], noStream)
		binary.LittleEndian.PutUint32(b[off+8:], noStream)
	}
	return b
}

// link builds a balanced search tree over sorted[lo:hi] and returns the id
// of its root. Splitting at the middle fills every level but the deepest, so
// colouring the nodes of an incomplete deepest level red and all others
// black keeps the red-black rules (equal black height, no red-red edge)
// that MS-CFB asks writers to maintain.
func link(sorted []*entry, lo, hi, level, depth int, base uint32) uint32 {
	if lo >= hi {
		return noStream
	}
	mid := lo + (hi-lo)/2
	e := sorted[mid]
	e.left = link(sorted, lo, mid, level+1, depth, base)
	e.right = link(sorted, mid+1, hi, level+1, depth, base)
	if level == depth-1 && len(sorted) != 1<<depth-1 {
		e.color = colorRed
	}
	return base + uint32(mid)
}

// treeDepth is the number of levels of a midpoint-split tree of n nodes.
func treeDepth(n int) int {
	d := 0
	for 1<<d-1 < n {
		d++
	}
	return d
}

func putEntry(b []byte, e *entry) {
	le := binary.LittleEndian
	for i, c := range e.name {
		le.PutUint16(b[i*2:], c)
	}
	le.PutUint16(b[64:], uint16((len(e.name)+1)*2))
	b[66] = e.typ
	b[67] = e.color
	le.PutUint32(b[68:], e.left)
	le.PutUint32(b[72:], e.right)
	le.PutUint32(b[76:], e.child)
	copy(b[80:96], e.clsid[:])
	// State bits and both FILETIMEs stay zero: reproducible output.
	le.PutUint32(b[116:], e.start)
	le.PutUint64(b[120:], e.size)
}

// compareNames orders sibling names as MS-CFB 2.6.4 requires: shorter names
// first, then code unit by code unit after simple upper-casing.
func compareNames(a, b []uint16) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	for i := range a {
		x, y := upper(a[i]), upper(b[i])
		if x != y {
			return int(x) - int(y)
		}
	}
	return 0
}

func upper(c uint16) uint16 {
	if c >= 0xD800 && c <= 0xDFFF {
		return c // surrogates compare as they are
	}
	u := unicode.ToUpper(rune(c))
	if u > 0xFFFF {
		return c
	}
	return uint16(u)
}

func upperKey(name []uint16) string {
	b := make([]byte, 0, len(name)*2)
	for _, c := range name {
		u := upper(c)
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}
