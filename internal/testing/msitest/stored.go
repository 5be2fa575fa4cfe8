package msitest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"testing"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// Stored is an MSI database as its streams hold it, read with mscfb (a
// compound-file reader independent of gomsi's writer) and decoded from the
// format description, so that tests can check what Windows enforces and
// Wine and msitools do not.
type Stored struct {
	Streams  map[string][]byte // table streams by table name
	CodePage uint32
	RefSize  int      // 2, or 3 above 65,535 strings
	Strings  [][]byte // by pool id - 1
	Refs     []int    // reference counts, by pool id - 1
	Tables   []string
	Columns  map[string][]Column
}

// Column is a column as _Columns stores it.
type Column struct {
	Name string
	Type int
}

// ReadStored reads the table streams and string pool of the MSI at path.
func ReadStored(t testing.TB, path string) *Stored {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := mscfb.New(f)
	if err != nil {
		t.Fatalf("mscfb: %v", err)
	}
	s := &Stored{Streams: map[string][]byte{}, Columns: map[string][]Column{}}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		name, isTable := demangle(e.Name)
		if !isTable {
			continue // cabinets and the summary: not needed here
		}
		b, err := io.ReadAll(e)
		if err != nil {
			t.Fatal(err)
		}
		s.Streams[name] = b
	}
	pool, data := s.Streams["_StringPool"], s.Streams["_StringData"]
	if len(pool) < 4 {
		t.Fatalf("no string pool in %s", path)
	}
	s.CodePage = binary.LittleEndian.Uint32(pool) &^ 0x80000000
	s.RefSize = 2
	if pool[3]&0x80 != 0 {
		s.RefSize = 3
	}
	off := 0
	for i := 4; i+4 <= len(pool); i += 4 {
		n := int(binary.LittleEndian.Uint16(pool[i:]))
		if off+n > len(data) {
			t.Fatalf("_StringPool describes more than _StringData holds")
		}
		s.Strings = append(s.Strings, data[off:off+n])
		s.Refs = append(s.Refs, int(binary.LittleEndian.Uint16(pool[i+2:])))
		off += n
	}
	if off != len(data) {
		t.Fatalf("_StringData has %d bytes, the pool describes %d", len(data), off)
	}
	tb := s.Streams["_Tables"]
	for i := 0; i+s.RefSize <= len(tb); i += s.RefSize {
		s.Tables = append(s.Tables, s.Str(s.ref(tb[i:])))
	}
	cols := s.Streams["_Columns"]
	n := len(cols) / (2*s.RefSize + 4)
	for i := range n {
		table := s.Str(s.ref(cols[i*s.RefSize:]))
		name := s.Str(s.ref(cols[n*(s.RefSize+2)+i*s.RefSize:]))
		typ := int(binary.LittleEndian.Uint16(cols[n*(2*s.RefSize+2)+i*2:]) ^ 0x8000)
		s.Columns[table] = append(s.Columns[table], Column{name, typ})
	}
	return s
}

func (s *Stored) ref(b []byte) int {
	if s.RefSize == 3 {
		return int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	}
	return int(binary.LittleEndian.Uint16(b))
}

// Str is the string of a pool id, "" for 0 (NULL) or an id out of range.
func (s *Stored) Str(id int) string {
	if id <= 0 || id > len(s.Strings) {
		return ""
	}
	return string(s.Strings[id-1])
}

// Rows decodes a column-major table stream into raw cells (pool ids,
// biased integers), row by row; an empty table has no rows.
func (s *Stored) Rows(t testing.TB, table string) [][]uint32 {
	t.Helper()
	cols := s.Columns[table]
	b := s.Streams[table]
	if len(b) == 0 || len(cols) == 0 {
		return nil
	}
	widths := make([]int, len(cols))
	rowSize := 0
	for i, c := range cols {
		switch {
		case c.Type&0x0C00 == 0x0800: // binary: string bit without the short bit
			widths[i] = 2
		case c.Type&0x0800 != 0:
			widths[i] = s.RefSize
		case c.Type&0xFF == 2:
			widths[i] = 2
		default:
			widths[i] = 4
		}
		rowSize += widths[i]
	}
	if len(b)%rowSize != 0 {
		t.Fatalf("table %s: stream of %d bytes is not a multiple of the row size %d", table, len(b), rowSize)
	}
	n := len(b) / rowSize
	rows := make([][]uint32, n)
	off := 0
	for _, w := range widths {
		for r := range n {
			var v uint32
			for k := range w {
				v |= uint32(b[off+k]) << (8 * k)
			}
			rows[r] = append(rows[r], v)
			off += w
		}
	}
	return rows
}

// KeyCount is the number of primary key columns of a table.
func (s *Stored) KeyCount(table string) int {
	n := 0
	for _, c := range s.Columns[table] {
		if c.Type&0x2000 != 0 {
			n++
		}
	}
	return n
}

// StorageViolations lists the breaches of the rules Windows enforces and
// Wine and msitools do not: pool ids in byte order (so sorting by id sorts
// by value), no unused pool id, and every table's rows strictly ascending by
// raw key values, string keys by pool id (error 2219 otherwise).
func StorageViolations(t testing.TB, s *Stored) []string {
	t.Helper()
	var out []string
	for i := 1; i < len(s.Strings); i++ {
		if bytes.Compare(s.Strings[i-1], s.Strings[i]) >= 0 {
			out = append(out, fmt.Sprintf("pool ids %d and %d out of byte order: %q, %q", i, i+1, s.Strings[i-1], s.Strings[i]))
		}
	}
	for i, b := range s.Strings {
		if len(b) == 0 || s.Refs[i] == 0 {
			out = append(out, fmt.Sprintf("pool id %d is unused", i+1))
		}
	}
	for _, table := range s.Tables {
		rows := s.Rows(t, table)
		k := s.KeyCount(table)
		for i := 1; i < len(rows); i++ {
			if compareKeys(rows[i-1][:k], rows[i][:k]) >= 0 {
				out = append(out, fmt.Sprintf("table %s: row %d key %v not above row %d key %v", table, i+1, rows[i][:k], i, rows[i-1][:k]))
			}
		}
	}
	return out
}

// CheckStorageRules fails the test for every StorageViolations entry.
func CheckStorageRules(t testing.TB, s *Stored) {
	t.Helper()
	for _, v := range StorageViolations(t, s) {
		t.Error(v)
	}
}

func compareKeys(a, b []uint32) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// demangle decodes an MSI stream name: table streams start with U+4840,
// and pairs or single characters of [0-9A-Za-z._] are packed into one unit.
func demangle(name string) (string, bool) {
	units := utf16.Encode([]rune(name))
	if len(units) == 0 || units[0] != 0x4840 {
		return name, false
	}
	const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"
	var out []byte
	for _, u := range units[1:] {
		switch {
		case u >= 0x3800 && u < 0x4800:
			v := u - 0x3800
			out = append(out, chars[v&0x3F], chars[v>>6])
		case u >= 0x4800 && u < 0x4840:
			out = append(out, chars[u-0x4800])
		default:
			out = append(out, []byte(fmt.Sprintf("%c", rune(u)))...)
		}
	}
	return string(out), true
}
