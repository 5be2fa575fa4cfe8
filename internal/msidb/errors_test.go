package msidb

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadRows(t *testing.T) {
	cases := []struct {
		name    string
		table   string
		row     []any
		wantErr string
	}{
		{"arity", "Property", []any{"A"}, "row has 1 values, the table has 2 columns (Property, Value)"},
		{"null in required column", "Property", []any{"A", ""}, "table Property column Value: value required"},
		{"nil key", "Property", []any{nil, "x"}, "column Property: value required"},
		{"int for string", "Property", []any{"A", 5}, "want a string, got int 5"},
		{"string for int", "Media", []any{"one", 1, nil, nil, nil, nil}, "column DiskId: want an integer"},
		{"i2 overflow", "Media", []any{32768, 1, nil, nil, nil, nil}, "value 32768 outside -32767..32767"},
		{"i2 null value", "Media", []any{-32768, 1, nil, nil, nil, nil}, "outside -32767..32767"},
		{"i4 overflow", "Media", []any{1, int64(1 << 31), nil, nil, nil, nil}, "outside -2147483647..2147483647"},
		{"binary wants bytes", "Binary", []any{"X", "not bytes"}, "want a Stream or []byte"},
		{"invalid utf-8", "Property", []any{"A", "\xff"}, "not valid UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb, err := New().Table(c.table)
			if err != nil {
				t.Fatal(err)
			}
			err = tb.AddRow(c.row...)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want %q", err, c.wantErr)
			}
			if tb.Len() != 0 {
				t.Error("rejected row was kept")
			}
		})
	}
	t.Run("duplicate key", func(t *testing.T) {
		tb, _ := New().Table("FeatureComponents")
		if err := tb.AddRow("F", "C"); err != nil {
			t.Fatal(err)
		}
		err := tb.AddRow("F", "C")
		if err == nil || !strings.Contains(err.Error(), `duplicate primary key "F", "C"`) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestBadSchemas(t *testing.T) {
	cases := []struct {
		name    string
		schema  Schema
		wantErr string
	}{
		{"no key", Schema{Name: "T", Columns: []Column{{Name: "A", Type: "s72"}}}, "no primary key"},
		{"key after data", Schema{Name: "T", Columns: []Column{{Name: "A", Type: "s72", Key: true}, {Name: "B", Type: "s72"}, {Name: "C", Type: "i2", Key: true}}}, "key column C must come before"},
		{"bad type", Schema{Name: "T", Columns: []Column{{Name: "A", Type: "x72", Key: true}}}, `unknown kind 'x'`},
		{"bad int size", Schema{Name: "T", Columns: []Column{{Name: "A", Type: "i3", Key: true}}}, "integers are i2 or i4"},
		{"binary key", Schema{Name: "T", Columns: []Column{{Name: "A", Type: "v0", Key: true}}}, "binary column A cannot be a key"},
		{"bad table name", Schema{Name: "My Table", Columns: []Column{{Name: "A", Type: "s72", Key: true}}}, `name "My Table"`},
		{"duplicate column", Schema{Name: "T", Columns: []Column{{Name: "A", Type: "s72", Key: true}, {Name: "A", Type: "s72"}}}, "column A defined twice"},
		{"reserved", Schema{Name: "_Validation", Columns: []Column{{Name: "A", Type: "s72", Key: true}}}, "builds this table itself"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New().AddTable(c.schema)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want %q", err, c.wantErr)
			}
		})
	}
	db := New()
	if _, err := db.Table("NoSuchTable"); err == nil || !strings.Contains(err.Error(), "not a standard table") {
		t.Errorf("unknown standard table: err = %v", err)
	}
	db.Table("Property")
	s, _ := StandardSchema("Property")
	if _, err := db.AddTable(s); err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Errorf("table added twice: err = %v", err)
	}
}

func TestCodePages(t *testing.T) {
	write := func(cp int, value string) error {
		db := New()
		db.CodePage = cp
		db.Summary.Template = "Intel;1033"
		p, _ := db.Table("Property")
		if err := p.AddRow("ProductName", value); err != nil {
			t.Fatal(err)
		}
		return db.WriteFile(filepath.Join(t.TempDir(), "cp.msi"))
	}
	if err := write(1252, "Gömsi ™ €"); err != nil {
		t.Errorf("1252 text: %v", err)
	}
	err := write(1252, "日本語")
	if err == nil || !strings.Contains(err.Error(), `table Property row 1 (key "ProductName") column Value value "日本語"`) ||
		!strings.Contains(err.Error(), "code page 1252") {
		t.Errorf("unrepresentable text: err = %v", err)
	}
	if err := write(932, "日本語"); err != nil {
		t.Errorf("932 text: %v", err)
	}
	if err := write(0, "é"); err == nil || !strings.Contains(err.Error(), "not ASCII") {
		t.Errorf("code page 0 with non-ASCII: err = %v", err)
	}
	if err := write(65001, "x"); err == nil || !strings.Contains(err.Error(), "Windows Installer rejects it") {
		t.Errorf("code page 65001: err = %v", err)
	}
	if err := write(12345, "x"); err == nil || !strings.Contains(err.Error(), "code page 12345 is not supported") {
		t.Errorf("unknown code page: err = %v", err)
	}
	db := New()
	db.Summary.Template = "Intel;1033"
	db.Summary.Author = "作者"
	if err := db.WriteFile(filepath.Join(t.TempDir(), "s.msi")); err == nil || !strings.Contains(err.Error(), "summary information property 4") {
		t.Errorf("unrepresentable summary text: err = %v", err)
	}
	db.Summary = Summary{}
	if err := db.WriteFile(filepath.Join(t.TempDir(), "s.msi")); err == nil || !strings.Contains(err.Error(), "Template is required") {
		t.Errorf("missing template: err = %v", err)
	}
}

func TestStreamNames(t *testing.T) {
	db := New()
	if err := db.AddStream(strings.Repeat("x", 63), Bytes(nil)); err == nil || !strings.Contains(err.Error(), "limit is 31") {
		t.Errorf("long stream name: err = %v", err)
	}
	if err := db.AddStream(strings.Repeat("x", 62), Bytes([]byte("ok"))); err != nil {
		t.Errorf("62 packable characters fit 31 units: %v", err)
	}
	if err := db.AddStream(strings.Repeat("x", 62), Bytes(nil)); err == nil || !strings.Contains(err.Error(), "already added") {
		t.Errorf("duplicate stream: err = %v", err)
	}
	// A binary key too long for a stream name fails at write time, naming it.
	db.Summary.Template = "Intel;1033"
	b, _ := db.Table("Binary")
	if err := b.AddRow(strings.Repeat("k", 60), []byte("x")); err != nil {
		t.Fatal(err)
	}
	err := db.WriteFile(filepath.Join(t.TempDir(), "n.msi"))
	if err == nil || !strings.Contains(err.Error(), "Binary.kkk") {
		t.Errorf("long binary key: err = %v", err)
	}
}

type breakingReader struct{ left int }

func (b *breakingReader) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, errors.New("network share vanished")
	}
	n := min(len(p), b.left)
	b.left -= n
	return n, nil
}

// A failure half-way leaves neither a partial database nor a temporary
// file, and keeps what was at the path before.
func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.msi")
	if err := os.WriteFile(path, []byte("previous build"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		stream Stream
		want   string
	}{
		{"read error", Stream{Size: 1 << 20, Open: func() (io.ReadCloser, error) {
			return io.NopCloser(&breakingReader{left: 300000}), nil
		}}, "network share vanished"},
		{"open error", Stream{Size: 10, Open: func() (io.ReadCloser, error) {
			return nil, os.ErrPermission
		}}, "open stream cab1.cab: permission denied"},
		{"short stream", Stream{Size: 100000, Open: func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("short")), nil
		}}, "read 5 of 100000 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := buildSample(t)
			db.streams["cab1.cab"] = c.stream
			err := db.WriteFile(path)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want it to name %s and contain %q", err, path, c.want)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries after a failed write, want only out.msi", len(entries))
			}
			if got, _ := os.ReadFile(path); string(got) != "previous build" {
				t.Error("failed write replaced the previous file")
			}
		})
	}
	if err := buildSample(t).WriteFile(filepath.Join(dir, "missing", "x.msi")); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

func TestFileStream(t *testing.T) {
	if _, err := FileStream(filepath.Join(t.TempDir(), "nope.cab")); err == nil || !strings.Contains(err.Error(), "nope.cab") {
		t.Errorf("missing file: err = %v", err)
	}
	if _, err := FileStream(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: err = %v", err)
	}
}
