package msidb

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/internal/cfb"
	"github.com/google/uuid"
)

// msiCLSID is {000C1084-0000-0000-C000-000000000046}, the class of an
// installer database, in on-disk order.
var msiCLSID = [16]byte{0x84, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}

// packageNamespace is the namespace WiX uses for the GUIDs it derives.
var packageNamespace = uuid.MustParse("3064E5C6-FB63-4FE9-AC49-E446A792EFA5")

// WriteFile writes the database to path atomically (internal/atomicfile):
// path holds either the complete database or whatever it held before.
func (db *Database) WriteFile(path string) error {
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return fmt.Errorf("write database: %w", err)
	}
	defer f.Abort()
	if err := db.Write(f.File); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// Write writes the database as a compound file to w, which must be at the
// start of an empty file.
func (db *Database) Write(w io.WriteSeeker) error {
	tables, err := db.allTables()
	if err != nil {
		return err
	}
	p, err := db.buildPool(tables)
	if err != nil {
		return err
	}
	out, err := cfb.NewWriter(w)
	if err != nil {
		return err
	}
	out.SetRootCLSID(msiCLSID)
	sw := &streamWriter{out: out, sum: sha256.New()}

	for _, t := range tables {
		t.sort(p)
	}
	for _, t := range tables {
		if len(t.rows) > 0 {
			sw.table(t.name, t.encode(p))
		}
	}
	sw.table("_Tables", tablesStream(tables, p))
	sw.table("_Columns", columnsStream(tables, p))
	poolData, strData := p.streams(db.CodePage)
	sw.table("_StringPool", poolData)
	sw.table("_StringData", strData)
	for _, t := range tables {
		for _, s := range t.binaryStreams() {
			sw.stream(s.name, s.Stream)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(db.streams)) {
		sw.stream(name, db.streams[name])
	}
	for _, name := range slices.Sorted(maps.Keys(db.transforms)) {
		sw.transform(name, db.transforms[name])
	}
	if sw.err != nil {
		return sw.err
	}

	code := db.Summary.PackageCode
	if code == "" {
		code = "{" + strings.ToUpper(uuid.NewMD5(packageNamespace, sw.sum.Sum(nil)).String()) + "}"
	}
	info, err := db.Summary.encode(db.CodePage, code)
	if err != nil {
		return err
	}
	if err := out.AddStream(summaryStream, int64(len(info)), bytes.NewReader(info)); err != nil {
		return err
	}
	return out.Close()
}

// streamWriter adds streams to the container and hashes what it adds,
// keeping the first error.
type streamWriter struct {
	out *cfb.Writer
	sum hash.Hash
	err error
}

func (s *streamWriter) table(name string, data []byte) {
	mangled, err := mangle(name, true)
	if err == nil {
		s.add(mangled, int64(len(data)), bytes.NewReader(data))
	} else if s.err == nil {
		s.err = err
	}
}

func (s *streamWriter) stream(name string, st Stream) {
	if s.err != nil {
		return
	}
	mangled, err := mangle(name, false)
	if err != nil {
		s.err = err
		return
	}
	rc, err := st.Open()
	if err != nil {
		s.err = fmt.Errorf("open stream %s: %w", name, err)
		return
	}
	defer rc.Close()
	s.add(mangled, st.Size, rc)
	if s.err != nil {
		s.err = fmt.Errorf("stream %s: %w", name, s.err)
	}
}

func (s *streamWriter) add(name string, size int64, r io.Reader) {
	if s.err != nil {
		return
	}
	// The name and size are hashed too, so moving bytes between streams
	// changes the derived package code.
	fmt.Fprintf(s.sum, "%q %d\n", name, size)
	s.err = s.out.AddStream(name, size, io.TeeReader(r, s.sum))
}

// allTables returns the user tables plus _Validation, sorted by name.
func (db *Database) allTables() ([]*table, error) {
	vs, _ := StandardSchema("_Validation")
	v, err := newTable(vs)
	if err != nil {
		return nil, err
	}
	tables := []*table{v}
	for _, name := range db.Tables() {
		tables = append(tables, db.tables[name])
	}
	slices.SortFunc(tables, func(a, b *table) int { return strings.Compare(a.name, b.name) })
	for _, t := range tables {
		for _, c := range t.cols {
			if err := v.addValidation(t.name, c); err != nil {
				return nil, err
			}
		}
	}
	return tables, nil
}

func (v *table) addValidation(tableName string, c Column) error {
	ct, _ := parseType(c.Type)
	nullable := "N"
	if ct.nullable {
		nullable = "Y"
	}
	row := []any{tableName, c.Name, nullable, opt32(c.MinValue), opt32(c.MaxValue),
		c.KeyTable, optInt(c.KeyColumn), c.Category, c.Set, c.Description}
	return (&Table{v}).AddRow(row...)
}

func opt32(p *int32) any {
	if p == nil {
		return nil
	}
	return *p
}

func optInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func (db *Database) buildPool(tables []*table) (*pool, error) {
	b, err := newPoolBuilder(db.CodePage)
	if err != nil {
		return nil, fmt.Errorf("write database: %w", err)
	}
	for _, t := range tables {
		name := func() string { return "table name" }
		if err := b.add(t.name, name); err != nil { // _Tables
			return nil, err
		}
		for _, c := range t.cols {
			if err := b.add(t.name, name); err != nil { // _Columns.Table
				return nil, err
			}
			if err := b.add(c.Name, name); err != nil { // _Columns.Name
				return nil, err
			}
		}
		for ri, row := range t.rows {
			for ci, cell := range row {
				s, ok := cell.(string)
				if !ok {
					continue
				}
				where := func() string {
					return fmt.Sprintf("table %s row %d (key %s) column %s", t.name, ri+1, describeKey(row[:t.nkeys]), t.cols[ci].Name)
				}
				if err := b.add(s, where); err != nil {
					return nil, err
				}
			}
		}
	}
	return b.build(), nil
}
