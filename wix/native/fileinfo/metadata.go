package fileinfo

// The layout of the CLI metadata tables (ECMA-335 II.22), as far as it is
// needed to find the Assembly table: the size of a row of every table
// before it depends on the row counts of the tables its columns index and
// on the sizes of the heaps.

const (
	tableAssembly = 0x20
	numTables     = 64
)

// column kinds; a table index or coded index is a *codedIndex.
type column struct {
	fixed int         // a constant of this many bytes
	heap  byte        // 's' #Strings, 'g' #GUID, 'b' #Blob index
	index *codedIndex // a table index (one table, no tag) or coded index
}

type codedIndex struct {
	tables []int // -1 for unused tags
	bits   int
}

func u16() column                { return column{fixed: 2} }
func u32() column                { return column{fixed: 4} }
func str() column                { return column{heap: 's'} }
func guid() column               { return column{heap: 'g'} }
func blob() column               { return column{heap: 'b'} }
func idx(table int) column       { return column{index: &codedIndex{tables: []int{table}}} }
func coded(c *codedIndex) column { return column{index: c} }

var (
	typeDefOrRef       = &codedIndex{[]int{0x02, 0x01, 0x1B}, 2}
	hasConstant        = &codedIndex{[]int{0x04, 0x08, 0x17}, 2}
	hasCustomAttribute = &codedIndex{[]int{0x06, 0x04, 0x01, 0x02, 0x08, 0x09, 0x0A, 0x00, 0x0E, 0x17, 0x14, 0x11, 0x1A, 0x1B, 0x20, 0x23, 0x26, 0x27, 0x28, 0x2A, 0x2C, 0x2B}, 5}
	hasFieldMarshal    = &codedIndex{[]int{0x04, 0x08}, 1}
	hasDeclSecurity    = &codedIndex{[]int{0x02, 0x06, 0x20}, 2}
	memberRefParent    = &codedIndex{[]int{0x02, 0x01, 0x1A, 0x06, 0x1B}, 3}
	hasSemantics       = &codedIndex{[]int{0x14, 0x17}, 1}
	methodDefOrRef     = &codedIndex{[]int{0x06, 0x0A}, 1}
	memberForwarded    = &codedIndex{[]int{0x04, 0x06}, 1}
	resolutionScope    = &codedIndex{[]int{0x00, 0x1A, 0x23, 0x01}, 2}
	customAttrType     = &codedIndex{[]int{-1, -1, 0x06, 0x0A, -1}, 3}
)

// tableColumns are the columns of tables 0x00 (Module) to 0x20 (Assembly).
var tableColumns = [tableAssembly + 1][]column{
	0x00: {u16(), str(), guid(), guid(), guid()},                           // Module
	0x01: {coded(resolutionScope), str(), str()},                           // TypeRef
	0x02: {u32(), str(), str(), coded(typeDefOrRef), idx(0x04), idx(0x06)}, // TypeDef
	0x03: {idx(0x04)},                                                      // FieldPtr
	0x04: {u16(), str(), blob()},                                           // Field
	0x05: {idx(0x06)},                                                      // MethodPtr
	0x06: {u32(), u16(), u16(), str(), blob(), idx(0x08)},                  // MethodDef
	0x07: {idx(0x08)},                                                      // ParamPtr
	0x08: {u16(), u16(), str()},                                            // Param
	0x09: {idx(0x02), coded(typeDefOrRef)},                                 // InterfaceImpl
	0x0A: {coded(memberRefParent), str(), blob()},                          // MemberRef
	0x0B: {u16(), coded(hasConstant), blob()},                              // Constant (type byte and padding)
	0x0C: {coded(hasCustomAttribute), coded(customAttrType), blob()},       // CustomAttribute
	0x0D: {coded(hasFieldMarshal), blob()},                                 // FieldMarshal
	0x0E: {u16(), coded(hasDeclSecurity), blob()},                          // DeclSecurity
	0x0F: {u16(), u32(), idx(0x02)},                                        // ClassLayout
	0x10: {u32(), idx(0x04)},                                               // FieldLayout
	0x11: {blob()},                                                         // StandAloneSig
	0x12: {idx(0x02), idx(0x14)},                                           // EventMap
	0x13: {idx(0x14)},                                                      // EventPtr
	0x14: {u16(), str(), coded(typeDefOrRef)},                              // Event
	0x15: {idx(0x02), idx(0x17)},                                           // PropertyMap
	0x16: {idx(0x17)},                                                      // PropertyPtr
	0x17: {u16(), str(), blob()},                                           // Property
	0x18: {u16(), idx(0x06), coded(hasSemantics)},                          // MethodSemantics
	0x19: {idx(0x02), coded(methodDefOrRef), coded(methodDefOrRef)},        // MethodImpl
	0x1A: {str()},                                                          // ModuleRef
	0x1B: {blob()},                                                         // TypeSpec
	0x1C: {u16(), coded(memberForwarded), str(), idx(0x1A)},                // ImplMap
	0x1D: {u32(), idx(0x04)},                                               // FieldRVA
	0x1E: {u32(), u32()},                                                   // ENCLog
	0x1F: {u32()},                                                          // ENCMap
	// Assembly: HashAlgId, Major, Minor, Build, Revision, Flags, PublicKey, Name, Culture
	0x20: {u32(), u16(), u16(), u16(), u16(), u32(), blob(), str(), str()},
}

// tableLayout sizes the columns for one metadata stream.
type tableLayout struct {
	rows      [numTables]uint32
	heapSizes byte // bit 0: #Strings, 1: #GUID, 2: #Blob indexes are 4 bytes
}

func (l *tableLayout) size(c column) uint64 {
	switch {
	case c.fixed > 0:
		return uint64(c.fixed)
	case c.heap == 's':
		return l.heapIndex(0x01)
	case c.heap == 'g':
		return l.heapIndex(0x02)
	case c.heap == 'b':
		return l.heapIndex(0x04)
	}
	var most uint32
	for _, t := range c.index.tables {
		if t >= 0 {
			most = max(most, l.rows[t])
		}
	}
	if uint64(most) < 1<<(16-c.index.bits) {
		return 2
	}
	return 4
}

func (l *tableLayout) heapIndex(bit byte) uint64 {
	if l.heapSizes&bit != 0 {
		return 4
	}
	return 2
}

func (l *tableLayout) rowSize(table int) uint64 {
	var n uint64
	for _, c := range tableColumns[table] {
		n += l.size(c)
	}
	return n
}

// assemblyOffset is where the Assembly table starts, counted from the
// first table; the tables before it must all be known.
func (l *tableLayout) assemblyOffset() uint64 {
	var off uint64
	for t := 0; t < tableAssembly; t++ {
		off += uint64(l.rows[t]) * l.rowSize(t)
	}
	return off
}
