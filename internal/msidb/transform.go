package msidb

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/internal/cfb"
)

// transformCLSID is {000C1082-0000-0000-C000-000000000046}, the class of
// an installer transform (a .mst file, or a storage embedded in a .msi).
var transformCLSID = [16]byte{0x82, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}

// Transform is a database transform under construction: row insertions,
// deletions and updates against tables of a base database, which must have
// the same schema for them. Only standard tables without binary columns are
// supported, which is what instance transforms need.
//
// Its streams are those Windows Installer writes: one per changed table,
// holding the changes row by row (a 16-bit column mask, then the cells),
// with a string pool of its own, and the summary information of a
// transform (TransformSummary).
type Transform struct {
	// CodePage is the string pool's code page: the base database's.
	CodePage int
	Summary  TransformSummary

	tables map[string]*transformTable
}

type transformTable struct {
	*table
	ops  []transformOp
	keys map[string]bool
}

// transformOp is one row change: mask 0 deletes, mask&1 inserts the whole
// row, other masks update the columns whose bits are set (keys are always
// present).
type transformOp struct {
	mask  uint16
	cells []any // a cell per column; only keys and masked columns count
}

// NewTransform returns an empty transform whose string pool uses codePage.
func NewTransform(codePage int) *Transform {
	return &Transform{CodePage: codePage, tables: map[string]*transformTable{}}
}

func (t *Transform) table(name string) (*transformTable, error) {
	if tt, ok := t.tables[name]; ok {
		return tt, nil
	}
	s, ok := StandardSchema(name)
	if !ok {
		return nil, fmt.Errorf("transform: table %s is not a standard table", name)
	}
	tb, err := newTable(s)
	if err != nil {
		return nil, err
	}
	for i, ct := range tb.types {
		if ct.kind == kindBinary {
			return nil, fmt.Errorf("transform: table %s has binary column %s, which transforms here do not support", name, tb.cols[i].Name)
		}
	}
	tt := &transformTable{table: tb, keys: map[string]bool{}}
	t.tables[name] = tt
	return tt, nil
}

// Update sets the columns named in set on the row of table whose primary
// key is key; the base database must have that row.
func (t *Transform) Update(table string, key []any, set map[string]any) error {
	tt, err := t.table(table)
	if err != nil {
		return err
	}
	if len(set) == 0 {
		return fmt.Errorf("transform: update of table %s row %s changes nothing", table, describeKey(key))
	}
	cells := make([]any, len(tt.cols))
	copy(cells, key)
	var mask uint16
	for name, v := range set {
		i := slices.IndexFunc(tt.cols, func(c Column) bool { return c.Name == name })
		switch {
		case i < 0:
			return fmt.Errorf("transform: table %s has no column %s", table, name)
		case i < tt.nkeys:
			return fmt.Errorf("transform: column %s of table %s is part of the key; delete the row and insert another", name, table)
		case i >= 16:
			// The mask of an update has 16 bits, the lowest meaning insert.
			return fmt.Errorf("transform: column %s of table %s is past the 15 an update can reach", name, table)
		}
		cells[i] = v
		mask |= 1 << i
	}
	return tt.addOp(key, transformOp{mask: mask, cells: cells})
}

// Insert adds a row (values in column order, as Table.AddRow takes them).
func (t *Transform) Insert(table string, values ...any) error {
	tt, err := t.table(table)
	if err != nil {
		return err
	}
	if len(values) != len(tt.cols) {
		return fmt.Errorf("transform: table %s: row has %d values, the table has %d columns (%s)", table, len(values), len(tt.cols), columnNames(tt.cols))
	}
	return tt.addOp(values[:tt.nkeys], transformOp{mask: uint16(len(values))<<8 | 1, cells: slices.Clone(values)})
}

// Delete removes the row of table whose primary key is key.
func (t *Transform) Delete(table string, key ...any) error {
	tt, err := t.table(table)
	if err != nil {
		return err
	}
	cells := make([]any, len(tt.cols))
	copy(cells, key)
	return tt.addOp(key, transformOp{mask: 0, cells: cells})
}

// addOp checks the cells present under op's mask and records the change;
// one change per row and table.
func (tt *transformTable) addOp(key []any, op transformOp) error {
	if len(key) != tt.nkeys {
		return fmt.Errorf("transform: table %s: key has %d values, want %d", tt.name, len(key), tt.nkeys)
	}
	for i := range op.cells {
		if !op.has(i, tt.nkeys) {
			continue
		}
		v, err := tt.cell(i, op.cells[i])
		if err != nil {
			return fmt.Errorf("transform: table %s column %s: %w", tt.name, tt.cols[i].Name, err)
		}
		op.cells[i] = v
	}
	k := keyString(op.cells[:tt.nkeys])
	if tt.keys[k] {
		return fmt.Errorf("transform: table %s row %s changed twice", tt.name, describeKey(op.cells[:tt.nkeys]))
	}
	tt.keys[k] = true
	tt.ops = append(tt.ops, op)
	return nil
}

// has reports whether column i is stored in the op's record.
func (op transformOp) has(i, nkeys int) bool {
	if op.mask&1 != 0 {
		return i < int(op.mask>>8)
	}
	return i < nkeys || op.mask&(1<<i) != 0
}

// Tables lists the tables the transform changes, sorted.
func (t *Transform) Tables() []string {
	var names []string
	for n, tt := range t.tables {
		if len(tt.ops) > 0 {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// namedBytes is a stream of a transform, its name already encoded.
type namedBytes struct {
	name string
	data []byte
}

// streams encodes the transform: one stream per changed table, the string
// pool and the summary information. Rows go in key order, and strings
// get pool ids in the order the rows first use them, as msi.dll does.
func (t *Transform) streams() ([]namedBytes, error) {
	if len(t.Tables()) == 0 {
		return nil, fmt.Errorf("transform: no changes")
	}
	enc, err := encoder(t.CodePage)
	if err != nil {
		return nil, fmt.Errorf("transform: %w", err)
	}
	p := &pool{ids: map[string]uint32{}, refSize: 2}
	intern := func(s string, where func() string) error {
		if id, ok := p.ids[s]; ok {
			p.refs[id-1]++
			return nil
		}
		b, err := enc(s)
		if err != nil {
			return fmt.Errorf("transform: %s value %q: %w", where(), s, err)
		}
		if len(b) > maxPoolString {
			return fmt.Errorf("transform: %s: value of %d bytes, the limit is %d", where(), len(b), maxPoolString)
		}
		p.data = append(p.data, b)
		p.refs = append(p.refs, 1)
		p.ids[s] = uint32(len(p.data))
		return nil
	}
	names := t.Tables()
	for _, name := range names {
		tt := t.tables[name]
		slices.SortStableFunc(tt.ops, func(a, b transformOp) int { return compareKeys(a.cells[:tt.nkeys], b.cells[:tt.nkeys]) })
		for _, op := range tt.ops {
			for i, c := range op.cells {
				s, ok := c.(string)
				if !ok || !op.has(i, tt.nkeys) {
					continue
				}
				where := func() string {
					return fmt.Sprintf("table %s row %s column %s", name, describeKey(op.cells[:tt.nkeys]), tt.cols[i].Name)
				}
				if err := intern(s, where); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(p.data) > 0xFFFF {
		p.refSize = 3
	}
	var out []namedBytes
	for _, name := range names {
		mangled, err := mangle(name, true)
		if err != nil {
			return nil, err
		}
		out = append(out, namedBytes{mangled, t.tables[name].encodeOps(p)})
	}
	poolData, strData := p.streams(t.CodePage)
	for _, s := range []namedBytes{{"_StringPool", poolData}, {"_StringData", strData}} {
		mangled, _ := mangle(s.name, true)
		out = append(out, namedBytes{mangled, s.data})
	}
	info, err := t.Summary.encode(t.CodePage)
	if err != nil {
		return nil, err
	}
	return append(out, namedBytes{summaryStream, info}), nil
}

// encodeOps lays the changes out row by row: the mask, then each present
// cell at its table width (strings at the pool's reference size).
func (tt *transformTable) encodeOps(p *pool) []byte {
	var b []byte
	for _, op := range tt.ops {
		b = binary.LittleEndian.AppendUint16(b, op.mask)
		for i, c := range op.cells {
			if !op.has(i, tt.nkeys) {
				continue
			}
			b = appendCell(b, tt.types[i].width(p.refSize), tt.raw(p, i, c))
		}
	}
	return b
}

func compareKeys(a, b []any) int {
	for i := range a {
		if c := compareCell(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// compareCell orders NULL first, then integers, then strings.
func compareCell(a, b any) int {
	rank := func(v any) int {
		switch v.(type) {
		case nil:
			return 0
		case int32:
			return 1
		}
		return 2
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra - rb
	}
	switch x := a.(type) {
	case int32:
		return cmp.Compare(x, b.(int32))
	case string:
		return cmp.Compare(x, b.(string))
	}
	return 0
}

// streamAdder is a cfb.Writer or a cfb.Storage.
type streamAdder interface {
	AddStream(name string, size int64, r io.Reader) error
}

func addStreams(dst streamAdder, streams []namedBytes) error {
	for _, s := range streams {
		if err := dst.AddStream(s.name, int64(len(s.data)), bytes.NewReader(s.data)); err != nil {
			return err
		}
	}
	return nil
}

// WriteFile writes the transform as a standalone .mst file, atomically.
func (t *Transform) WriteFile(path string) error {
	streams, err := t.streams()
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return fmt.Errorf("write transform: %w", err)
	}
	defer f.Abort()
	out, err := cfb.NewWriter(f.File)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	out.SetRootCLSID(transformCLSID)
	if err := addStreams(out, streams); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// Describe lists the changes one a line, tables in name order and rows in
// key order, e.g. `Property: update "Instance": Value="Instance1"`: for
// logs and tests.
func (t *Transform) Describe() []string {
	var lines []string
	for _, name := range t.Tables() {
		tt := t.tables[name]
		ops := slices.Clone(tt.ops)
		slices.SortStableFunc(ops, func(a, b transformOp) int { return compareKeys(a.cells[:tt.nkeys], b.cells[:tt.nkeys]) })
		for _, op := range ops {
			key := describeKey(op.cells[:tt.nkeys])
			switch {
			case op.mask == 0:
				lines = append(lines, fmt.Sprintf("%s: delete %s", name, key))
			case op.mask&1 != 0:
				lines = append(lines, fmt.Sprintf("%s: insert %s", name, describeKey(op.cells)))
			default:
				var sets []string
				for i := tt.nkeys; i < len(op.cells); i++ {
					if op.has(i, tt.nkeys) {
						sets = append(sets, tt.cols[i].Name+"="+describeKey(op.cells[i:i+1]))
					}
				}
				lines = append(lines, fmt.Sprintf("%s: update %s: %s", name, key, strings.Join(sets, ", ")))
			}
		}
	}
	return lines
}
