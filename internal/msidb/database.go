// Package msidb writes Windows Installer databases (.msi files): tables in
// the MSI storage layout, the string pool, _Tables/_Columns, _Validation,
// binary and raw streams, and the summary information stream, inside a
// compound file written by package cfb.
//
// A Database is built table by table in memory (rows only: stream payloads
// such as cabinets are opened and copied at write time) and written once.
// The output depends only on the content: the same database gives the same
// bytes, whatever the order rows were added in.
package msidb

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Database is an installer database under construction.
type Database struct {
	// CodePage is the database code page: 1252 by default, 0 for neutral
	// (ASCII only). Text it cannot represent is an error at write time.
	CodePage int
	Summary  Summary

	tables     map[string]*table
	streams    map[string]Stream
	transforms map[string]*Transform
}

// Stream is a stream payload of known size, opened only while the
// database is written so large payloads never sit in memory.
type Stream struct {
	Size int64
	Open func() (io.ReadCloser, error)
}

// Bytes wraps an in-memory payload as a Stream.
func Bytes(b []byte) Stream {
	return Stream{Size: int64(len(b)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}
}

// FileStream returns a Stream reading the file at path, whose size is
// taken now; the file must not change before the database is written.
func FileStream(path string) (Stream, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Stream{}, fmt.Errorf("stream file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return Stream{}, fmt.Errorf("stream file %s: not a regular file", path)
	}
	return Stream{Size: fi.Size(), Open: func() (io.ReadCloser, error) { return os.Open(path) }}, nil
}

// New returns an empty database with code page 1252.
func New() *Database {
	return &Database{CodePage: 1252, tables: map[string]*table{}, streams: map[string]Stream{}, transforms: map[string]*Transform{}}
}

// Table is a handle for adding rows to one table of a Database.
type Table struct{ t *table }

// AddTable adds a table with the given schema. Use StandardSchema for the
// standard tables, or Table which does so itself.
func (db *Database) AddTable(s Schema) (*Table, error) {
	if _, ok := db.tables[s.Name]; ok {
		return nil, fmt.Errorf("add table %s: already defined", s.Name)
	}
	if s.Name == "_Validation" || s.Name == "_Tables" || s.Name == "_Columns" {
		return nil, fmt.Errorf("add table %s: the writer builds this table itself", s.Name)
	}
	t, err := newTable(s)
	if err != nil {
		return nil, err
	}
	db.tables[s.Name] = t
	return &Table{t}, nil
}

// Table returns the table named name, adding it from the standard
// catalogue on first use.
func (db *Database) Table(name string) (*Table, error) {
	if t, ok := db.tables[name]; ok {
		return &Table{t}, nil
	}
	s, ok := StandardSchema(name)
	if !ok {
		return nil, fmt.Errorf("table %s: not a standard table; define it with AddTable", name)
	}
	return db.AddTable(s)
}

// Tables lists the names of the tables added so far, sorted.
func (db *Database) Tables() []string {
	var names []string
	for n := range db.tables {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// AddStream adds a raw stream stored under name without a table row, such
// as an embedded cabinet ("cab1.cab" for Media.Cabinet "#cab1.cab").
func (db *Database) AddStream(name string, s Stream) error {
	if _, err := mangle(name, false); err != nil {
		return fmt.Errorf("add stream: %w", err)
	}
	if _, ok := db.streams[name]; ok {
		return fmt.Errorf("add stream %s: already added", name)
	}
	if s.Open == nil || s.Size < 0 {
		return fmt.Errorf("add stream %s: no payload", name)
	}
	db.streams[name] = s
	return nil
}

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.t.rows) }

// AddRow appends a row. Values follow the schema's column order: string for
// string columns, any Go integer for integer columns, Stream or []byte for
// binary columns, and nil or "" for NULL in nullable columns.
func (t *Table) AddRow(values ...any) error {
	tb := t.t
	if len(values) != len(tb.cols) {
		return fmt.Errorf("table %s: row has %d values, the table has %d columns (%s)",
			tb.name, len(values), len(tb.cols), columnNames(tb.cols))
	}
	row := make([]any, len(values))
	for i, v := range values {
		cell, err := tb.cell(i, v)
		if err != nil {
			return fmt.Errorf("table %s column %s: %w", tb.name, tb.cols[i].Name, err)
		}
		row[i] = cell
	}
	key := keyString(row[:tb.nkeys])
	if tb.keySet[key] {
		return fmt.Errorf("table %s: duplicate primary key %s", tb.name, describeKey(row[:tb.nkeys]))
	}
	tb.keySet[key] = true
	tb.rows = append(tb.rows, row)
	return nil
}

// cell normalises one value: nil for NULL, string, int32 or Stream.
func (tb *table) cell(i int, v any) (any, error) {
	ct := tb.types[i]
	if v == nil || v == "" {
		if !ct.nullable {
			return nil, fmt.Errorf("value required (column type %s is not nullable)", tb.cols[i].Type)
		}
		return nil, nil
	}
	switch ct.kind {
	case kindString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a string, got %T %v", v, v)
		}
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("value %q is not valid UTF-8", s)
		}
		return s, nil
	case kindBinary:
		switch b := v.(type) {
		case Stream:
			if b.Open == nil || b.Size < 0 {
				return nil, fmt.Errorf("stream without payload")
			}
			return b, nil
		case []byte:
			return Bytes(b), nil
		}
		return nil, fmt.Errorf("want a Stream or []byte, got %T", v)
	}
	n, ok := toInt64(v)
	if !ok {
		return nil, fmt.Errorf("want an integer, got %T %v", v, v)
	}
	// The stored forms reserve the most negative value for NULL.
	limit := int64(1<<31 - 1)
	if ct.kind == kindShort {
		limit = 1<<15 - 1
	}
	if n < -limit || n > limit {
		return nil, fmt.Errorf("value %d outside %d..%d", n, -limit, limit)
	}
	return int32(n), nil
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint:
		if uint64(n) > 1<<62 {
			return 0, false
		}
		return int64(n), true
	case uint64:
		if n > 1<<62 {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

func keyString(cells []any) string {
	var b strings.Builder
	for _, c := range cells {
		switch v := c.(type) {
		case nil:
			b.WriteString("\x00n")
		case string:
			b.WriteString("\x00s" + v)
		case int32:
			b.WriteString("\x00i" + strconv.Itoa(int(v)))
		}
	}
	return b.String()
}

func describeKey(cells []any) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		if c == nil {
			parts[i] = "NULL"
		} else {
			parts[i] = fmt.Sprintf("%q", fmt.Sprint(c))
		}
	}
	return strings.Join(parts, ", ")
}

func columnNames(cols []Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}
