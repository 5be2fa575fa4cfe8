package msidb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"testing"

	"github.com/sassoftware/relic/v7/lib/comdoc"
)

// stored is a database as its streams hold it, parsed with relic's
// compound-file reader (independent of package cfb) and a table decoder
// written from the format description, not from the writer.
type stored struct {
	streams  map[string][]byte // by stored (mangled) name
	codePage uint32
	refSize  int
	strs     [][]byte // by id-1
	refs     []int
	tables   []string
	columns  map[string][]storedColumn
}

type storedColumn struct {
	name string
	typ  int
}

func readStored(t *testing.T, path string) *stored {
	t.Helper()
	doc, err := comdoc.ReadPath(path)
	if err != nil {
		t.Fatalf("relic comdoc: %v", err)
	}
	defer doc.Close()
	entries, err := doc.ListDir(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &stored{streams: map[string][]byte{}, columns: map[string][]storedColumn{}}
	for _, e := range entries {
		r, err := doc.ReadStream(e)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		s.streams[e.Name()] = b
	}
	pool := s.stream(t, "_StringPool")
	data := s.stream(t, "_StringData")
	s.codePage = binary.LittleEndian.Uint32(pool) &^ 0x80000000
	s.refSize = 2
	if pool[3]&0x80 != 0 {
		s.refSize = 3
	}
	off := 0
	for i := 4; i+4 <= len(pool); i += 4 {
		n := int(binary.LittleEndian.Uint16(pool[i:]))
		s.strs = append(s.strs, data[off:off+n])
		s.refs = append(s.refs, int(binary.LittleEndian.Uint16(pool[i+2:])))
		off += n
	}
	if off != len(data) {
		t.Fatalf("_StringData has %d bytes, the pool describes %d", len(data), off)
	}
	tb := s.stream(t, "_Tables")
	for i := 0; i < len(tb); i += s.refSize {
		s.tables = append(s.tables, s.str(s.ref(tb[i:])))
	}
	cols := s.stream(t, "_Columns")
	n := len(cols) / (2*s.refSize + 4)
	for i := range n {
		table := s.str(s.ref(cols[i*s.refSize:]))
		name := s.str(s.ref(cols[n*(s.refSize+2)+i*s.refSize:]))
		typ := int(binary.LittleEndian.Uint16(cols[n*(2*s.refSize+2)+i*2:]) ^ 0x8000)
		s.columns[table] = append(s.columns[table], storedColumn{name, typ})
	}
	return s
}

func (s *stored) stream(t *testing.T, table string) []byte {
	t.Helper()
	name, err := mangle(table, true)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := s.streams[name]
	if !ok {
		t.Fatalf("no stream for table %s", table)
	}
	return b
}

func (s *stored) ref(b []byte) int {
	if s.refSize == 3 {
		return int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	}
	return int(binary.LittleEndian.Uint16(b))
}

func (s *stored) str(id int) string {
	if id == 0 {
		return ""
	}
	return string(s.strs[id-1])
}

// rows decodes a table stream into raw cell values (pool ids, biased
// integers), row by row.
func (s *stored) rows(t *testing.T, table string) [][]uint32 {
	t.Helper()
	cols := s.columns[table]
	name, _ := mangle(table, true)
	b, ok := s.streams[name]
	if !ok {
		return nil
	}
	widths := make([]int, len(cols))
	rowSize := 0
	for i, c := range cols {
		switch {
		case c.typ&0x0C00 == 0x0800: // binary: string bit without the short bit
			widths[i] = 2
		case c.typ&0x0800 != 0:
			widths[i] = s.refSize
		case c.typ&0xFF == 2:
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

func (s *stored) keyCount(table string) int {
	n := 0
	for _, c := range s.columns[table] {
		if c.typ&0x2000 != 0 {
			n++
		}
	}
	return n
}

// checkStorageRules verifies the rules Windows enforces and Wine and
// msitools do not: pool ids in byte order and every table's rows sorted by
// raw key values, string keys by pool id.
func checkStorageRules(t *testing.T, s *stored) {
	t.Helper()
	for _, v := range storageViolations(t, s) {
		t.Error(v)
	}
}

func storageViolations(t *testing.T, s *stored) []string {
	var out []string
	for i := 1; i < len(s.strs); i++ {
		if bytes.Compare(s.strs[i-1], s.strs[i]) >= 0 {
			out = append(out, fmt.Sprintf("pool ids %d and %d out of byte order: %q, %q", i, i+1, s.strs[i-1], s.strs[i]))
		}
	}
	for i, b := range s.strs {
		if len(b) == 0 || s.refs[i] == 0 {
			out = append(out, fmt.Sprintf("pool id %d is unused", i+1))
		}
	}
	for _, table := range s.tables {
		rows := s.rows(t, table)
		k := s.keyCount(table)
		for i := 1; i < len(rows); i++ {
			if compareKeys(rows[i-1][:k], rows[i][:k]) >= 0 {
				out = append(out, fmt.Sprintf("table %s: row %d key %v not above row %d key %v", table, i+1, rows[i][:k], i, rows[i-1][:k]))
			}
		}
	}
	return out
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
