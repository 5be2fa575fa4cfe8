package msidb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// Reading bounds: what a package's tables may hold. The go1.26.8 fixture's
// largest table stream is under 1 MiB; these stop a damaged or hostile file
// from making the reader allocate without limit.
const (
	maxReadTableStream = 64 << 20  // one table stream
	maxReadTables      = 256 << 20 // all table streams together
	maxReadSummary     = 1 << 20   // the summary information stream
)

// Reader is an installer database read back from a file: the string pool,
// every table's rows and the summary information, decoded as Windows
// Installer stores them (column-major table streams, pool ids, biased
// integers). Cabinets and other streams are not read.
type Reader struct {
	path     string
	CodePage int
	Summary  Summary

	strs    []string // by pool id - 1
	refSize int
	streams map[string][]byte // table streams by table name
	columns map[string][]readColumn
	tables  []string
}

type readColumn struct {
	name string
	bits int
}

// Row is one decoded table row: each cell is nil (NULL), a string, an
// int32, or true for a binary column whose stream is present.
type Row struct {
	cols  []readColumn
	Cells []any
}

// Str is the string in column name, "" for NULL or a column not there.
func (r Row) Str(name string) string {
	s, _ := r.cell(name).(string)
	return s
}

// Int is the integer in column name; ok is false for NULL.
func (r Row) Int(name string) (v int32, ok bool) {
	v, ok = r.cell(name).(int32)
	return v, ok
}

func (r Row) cell(name string) any {
	for i, c := range r.cols {
		if c.name == name {
			return r.Cells[i]
		}
	}
	return nil
}

// ReadFile reads the installer database at path.
func ReadFile(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read MSI: %w", err)
	}
	defer f.Close()
	doc, err := mscfb.New(f)
	if err != nil {
		return nil, fmt.Errorf("read MSI %s: not a compound file (%v): pass a Windows Installer package", path, err)
	}
	r := &Reader{path: path, streams: map[string][]byte{}, columns: map[string][]readColumn{}}
	var summary []byte
	total := int64(0)
	for e, err := doc.Next(); ; e, err = doc.Next() {
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, r.errorf("list streams: %v", err)
		}
		if len(e.Path) > 0 || e.FileInfo().IsDir() {
			continue // storages (transforms, nested packages) hold no tables
		}
		name, isTable := demangleStream(e.Name)
		switch {
		case isTable:
			if e.Size > maxReadTableStream {
				return nil, r.errorf("table %s has a stream of %d bytes, more than the %d a package gomsi reads may have", name, e.Size, maxReadTableStream)
			}
			if total += e.Size; total > maxReadTables {
				return nil, r.errorf("its table streams hold more than %d bytes", maxReadTables)
			}
			b, err := readStream(e)
			if err != nil {
				return nil, r.errorf("table %s: %v", name, err)
			}
			r.streams[name] = b
		case e.Initial == 5 && e.Name == summaryStream[1:]:
			if e.Size > maxReadSummary {
				return nil, r.errorf("summary information of %d bytes", e.Size)
			}
			if summary, err = readStream(e); err != nil {
				return nil, r.errorf("summary information: %v", err)
			}
		}
	}
	if err := r.readPool(); err != nil {
		return nil, err
	}
	if err := r.readCatalog(); err != nil {
		return nil, err
	}
	if summary == nil {
		return nil, r.errorf("no summary information stream")
	}
	if r.Summary, err = decodeSummary(summary); err != nil {
		return nil, r.errorf("summary information: %v", err)
	}
	return r, nil
}

func readStream(e *mscfb.File) ([]byte, error) {
	b := make([]byte, e.Size)
	if _, err := io.ReadFull(e, b); err != nil {
		return nil, err
	}
	return b, nil
}

func (r *Reader) errorf(format string, args ...any) error {
	return fmt.Errorf("read MSI %s: "+format, append([]any{r.path}, args...)...)
}

// readPool decodes _StringPool and _StringData. A pool entry is a 16-bit
// length and a 16-bit reference count; an entry of length 0 with a count
// is followed by one holding a length of 64 KiB or more (low, high word).
func (r *Reader) readPool() error {
	pool, data := r.streams["_StringPool"], r.streams["_StringData"]
	if len(pool) < 4 || len(pool)%4 != 0 {
		return r.errorf("no valid string pool (_StringPool of %d bytes)", len(pool))
	}
	header := binary.LittleEndian.Uint32(pool)
	r.CodePage = int(header &^ 0x80000000)
	r.refSize = 2
	if header&0x80000000 != 0 {
		r.refSize = 3
	}
	decode, err := decoder(r.CodePage)
	if err != nil {
		return r.errorf("%v", err)
	}
	off := 0
	for i := 4; i < len(pool); i += 4 {
		n := int(binary.LittleEndian.Uint16(pool[i:]))
		refs := binary.LittleEndian.Uint16(pool[i+2:])
		if n == 0 && refs != 0 {
			if i += 4; i >= len(pool) {
				return r.errorf("_StringPool ends inside a long string's entry")
			}
			n = int(binary.LittleEndian.Uint32(pool[i:]))
		}
		if n > len(data)-off {
			return r.errorf("_StringPool describes more than the %d bytes of _StringData", len(data))
		}
		s, err := decode(data[off : off+n])
		if err != nil {
			return r.errorf("string %d: %v", len(r.strs)+1, err)
		}
		r.strs = append(r.strs, s)
		off += n
	}
	if off != len(data) {
		return r.errorf("_StringData has %d bytes, the pool describes %d", len(data), off)
	}
	return nil
}

// decoder returns the text decoder of a code page; 0 (neutral) is read as
// 1252, which gives ASCII alike.
func decoder(cp int) (func([]byte) (string, error), error) {
	if cp == 0 {
		cp = 1252
	}
	enc, ok := codePages[cp]
	if !ok {
		return nil, fmt.Errorf("code page %d is not one gomsi reads", cp)
	}
	d := enc.NewDecoder()
	return func(b []byte) (string, error) {
		if isASCII(string(b)) {
			return string(b), nil
		}
		out, err := d.Bytes(b)
		return string(out), err
	}, nil
}

// readCatalog reads _Tables and _Columns.
func (r *Reader) readCatalog() error {
	tb := r.streams["_Tables"]
	if len(tb)%r.refSize != 0 {
		return r.errorf("_Tables of %d bytes is not a list of %d-byte string ids", len(tb), r.refSize)
	}
	for i := 0; i < len(tb); i += r.refSize {
		name, err := r.str(r.ref(tb[i:]))
		if err != nil || name == nil {
			return r.errorf("_Tables: %v", err)
		}
		r.tables = append(r.tables, name.(string))
	}
	cols := r.streams["_Columns"]
	width := 2*r.refSize + 4
	if len(cols)%width != 0 {
		return r.errorf("_Columns of %d bytes is not a whole number of rows", len(cols))
	}
	n := len(cols) / width
	type col struct {
		num int
		readColumn
	}
	byTable := map[string][]col{}
	for i := range n {
		table, err1 := r.str(r.ref(cols[i*r.refSize:]))
		num := int(binary.LittleEndian.Uint16(cols[n*r.refSize+i*2:]) ^ 0x8000)
		name, err2 := r.str(r.ref(cols[n*(r.refSize+2)+i*r.refSize:]))
		bits := int(binary.LittleEndian.Uint16(cols[n*(2*r.refSize+2)+i*2:]) ^ 0x8000)
		if err := errors.Join(err1, err2); err != nil || table == nil || name == nil {
			return r.errorf("_Columns row %d: %v", i+1, err)
		}
		byTable[table.(string)] = append(byTable[table.(string)], col{num, readColumn{name.(string), bits}})
	}
	for table, cs := range byTable {
		sort.Slice(cs, func(i, j int) bool { return cs[i].num < cs[j].num })
		for _, c := range cs {
			r.columns[table] = append(r.columns[table], c.readColumn)
		}
	}
	return nil
}

func (r *Reader) ref(b []byte) uint32 {
	if r.refSize == 3 {
		return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	}
	return uint32(binary.LittleEndian.Uint16(b))
}

// str is the string of a pool id, nil for 0 (NULL).
func (r *Reader) str(id uint32) (any, error) {
	if id == 0 {
		return nil, nil
	}
	if int(id) > len(r.strs) {
		return nil, fmt.Errorf("string id %d is beyond the pool's %d strings", id, len(r.strs))
	}
	return r.strs[id-1], nil
}

// Tables lists the tables the database defines, sorted.
func (r *Reader) Tables() []string {
	t := append([]string(nil), r.tables...)
	sort.Strings(t)
	return t
}

// Rows decodes every row of a table; a table the database does not define
// has none.
func (r *Reader) Rows(table string) ([]Row, error) {
	cols := r.columns[table]
	b := r.streams[table]
	if len(cols) == 0 || len(b) == 0 {
		return nil, nil
	}
	widths := make([]int, len(cols))
	rowSize := 0
	for i, c := range cols {
		switch c.bits & kindMask {
		case kindString:
			widths[i] = r.refSize
		case kindLong:
			widths[i] = 4
		default: // i2, and a binary column's presence flag
			widths[i] = 2
		}
		rowSize += widths[i]
	}
	if len(b)%rowSize != 0 {
		return nil, r.errorf("table %s: a stream of %d bytes is not a whole number of %d-byte rows", table, len(b), rowSize)
	}
	n := len(b) / rowSize
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = Row{cols: cols, Cells: make([]any, len(cols))}
	}
	off := 0
	for ci, c := range cols {
		w := widths[ci]
		for ri := range n {
			raw := uint32(0)
			for k := range w {
				raw |= uint32(b[off+k]) << (8 * k)
			}
			off += w
			if raw == 0 {
				continue // NULL
			}
			var v any
			switch c.bits & kindMask {
			case kindString:
				s, err := r.str(raw)
				if err != nil {
					return nil, r.errorf("table %s row %d column %s: %v", table, ri+1, c.name, err)
				}
				v = s
			case kindLong:
				v = int32(raw ^ 0x80000000)
			case kindShort:
				v = int32(int16(uint16(raw) ^ 0x8000))
			default:
				v = true
			}
			rows[ri].Cells[ci] = v
		}
	}
	return rows, nil
}

// Property is the value of a row of the Property table; ok is false when
// the property is not set.
func (r *Reader) Property(name string) (value string, ok bool, err error) {
	rows, err := r.Rows("Property")
	if err != nil {
		return "", false, err
	}
	for _, row := range rows {
		if row.Str("Property") == name {
			return row.Str("Value"), true, nil
		}
	}
	return "", false, nil
}

// demangleStream decodes a stream name as Windows Installer stores it (the
// inverse of mangle): table streams start with U+4840.
func demangleStream(name string) (string, bool) {
	units := utf16.Encode([]rune(name))
	if len(units) == 0 || units[0] != 0x4840 {
		return name, false
	}
	const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"
	var out []rune
	for _, u := range units[1:] {
		switch {
		case u >= 0x3800 && u < 0x4800:
			v := u - 0x3800
			out = append(out, rune(chars[v&0x3F]), rune(chars[v>>6]))
		case u >= 0x4800 && u < 0x4840:
			out = append(out, rune(chars[u-0x4800]))
		default:
			out = append(out, rune(u))
		}
	}
	return string(out), true
}
