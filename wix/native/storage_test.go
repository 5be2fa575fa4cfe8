package native_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"testing"
	"unicode/utf16"

	"github.com/gomsi/gomsi/internal/msitest"
	"github.com/richardlehane/mscfb"
)

// The rules Windows' msiexec enforces and Wine and msitools do not, checked
// on the stored bytes: string pool ids in byte order (which makes sorting by
// id sorting by value), every table's rows strictly ascending by their raw
// key values (string keys by pool id; error 2219 otherwise), and a
// _Validation row for every column of every table (ICE validation).

func TestStorageRules(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root, nil)
	checkStorageRules(t, b.MSI)
}

// storedDB is a database as its streams hold it, read with mscfb (an
// independent compound-file reader) and decoded from the format description.
type storedDB struct {
	streams map[string][]byte // table streams by table name; others by name
	refSize int
	strs    [][]byte // by pool id - 1
	tables  []string
	columns map[string][]storedColumn
}

type storedColumn struct {
	name string
	typ  int
}

func checkStorageRules(t *testing.T, path string) {
	t.Helper()
	s := readStored(t, path)
	for i := 1; i < len(s.strs); i++ {
		if bytes.Compare(s.strs[i-1], s.strs[i]) >= 0 {
			t.Errorf("pool ids %d and %d out of byte order: %q, %q", i, i+1, s.strs[i-1], s.strs[i])
		}
	}
	validated := map[string]bool{}
	for _, r := range s.rows(t, "_Validation") {
		validated[s.str(int(r[0]))+"."+s.str(int(r[1]))] = true
	}
	checked := 0
	for _, table := range s.tables {
		rows := s.rows(t, table)
		k := 0
		for _, c := range s.columns[table] {
			if c.typ&0x2000 != 0 {
				k++
			}
			if !validated[table+"."+c.name] {
				t.Errorf("no _Validation row for %s.%s", table, c.name)
			}
		}
		for i := 1; i < len(rows); i++ {
			if compareKeys(rows[i-1][:k], rows[i][:k]) >= 0 {
				t.Errorf("table %s: row %d key %v is not above row %d key %v", table, i+1, rows[i][:k], i, rows[i-1][:k])
			}
		}
		checked += len(rows)
	}
	if checked == 0 || len(s.tables) < 10 {
		t.Fatalf("checked %d rows in %d tables", checked, len(s.tables))
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

func readStored(t *testing.T, path string) *storedDB {
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
	s := &storedDB{streams: map[string][]byte{}, columns: map[string][]storedColumn{}}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		name, isTable := demangle(e.Name)
		if !isTable {
			continue // cabinets and the summary: not needed here
		}
		b, err := io.ReadAll(e)
		if err != nil {
			t.Fatal(err)
		}
		s.streams[name] = b
	}
	pool, data := s.streams["_StringPool"], s.streams["_StringData"]
	if len(pool) < 4 {
		t.Fatalf("no string pool in %s", path)
	}
	s.refSize = 2
	if pool[3]&0x80 != 0 {
		s.refSize = 3
	}
	off := 0
	for i := 4; i+4 <= len(pool); i += 4 {
		n := int(binary.LittleEndian.Uint16(pool[i:]))
		if off+n > len(data) {
			t.Fatalf("_StringPool describes more than _StringData holds")
		}
		s.strs = append(s.strs, data[off:off+n])
		off += n
	}
	tb := s.streams["_Tables"]
	for i := 0; i+s.refSize <= len(tb); i += s.refSize {
		s.tables = append(s.tables, s.str(s.ref(tb[i:])))
	}
	cols := s.streams["_Columns"]
	n := len(cols) / (2*s.refSize + 4)
	for i := range n {
		table := s.str(s.ref(cols[i*s.refSize:]))
		name := s.str(s.ref(cols[n*(s.refSize+2)+i*s.refSize:]))
		typ := int(binary.LittleEndian.Uint16(cols[n*(2*s.refSize+2)+i*2:]) ^ 0x8000)
		s.columns[table] = append(s.columns[table], storedColumn{name, typ})
	}
	return s
}

func (s *storedDB) ref(b []byte) int {
	if s.refSize == 3 {
		return int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	}
	return int(binary.LittleEndian.Uint16(b))
}

func (s *storedDB) str(id int) string {
	if id <= 0 || id > len(s.strs) {
		return ""
	}
	return string(s.strs[id-1])
}

// rows decodes a column-major table stream into raw cells.
func (s *storedDB) rows(t *testing.T, table string) [][]uint32 {
	t.Helper()
	cols := s.columns[table]
	b := s.streams[table]
	if len(b) == 0 || len(cols) == 0 {
		return nil
	}
	widths := make([]int, len(cols))
	rowSize := 0
	for i, c := range cols {
		switch {
		case c.typ&0x0C00 == 0x0800: // binary
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
		t.Fatalf("table %s: %d bytes is not a multiple of the row size %d", table, len(b), rowSize)
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
