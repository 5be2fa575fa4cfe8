package msidb

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// TestReadMatchesMsidump: every table of a package wixl wrote (msitools'
// own writer, not gomsi's) reads back as msidump exports it, row for row,
// and the summary information as msiinfo prints it.
func TestReadMatchesMsidump(t *testing.T) {
	wixl := testtool.Require(t, "wixl")
	dir := t.TempDir()
	src, err := filepath.Abs("testdata/schemas.wxs")
	if err != nil {
		t.Fatal(err)
	}
	msi := filepath.Join(dir, "schemas.msi")
	cmd := exec.Command(wixl, "-o", msi, src)
	cmd.Dir = "testdata"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wixl: %v: %s", err, out)
	}
	r, err := ReadFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	assertTablesMatchMsidump(t, r, msi)
	assertSummaryMatchesMsiinfo(t, r, msi)
}

// TestReadWrittenDatabase: what the writer stores (3-byte string ids past
// 65,535 strings, negative and NULL integers, non-ASCII text in code page
// 1252, binary streams) reads back as msidump sees it.
func TestReadWrittenDatabase(t *testing.T) {
	db := New()
	db.Summary = Summary{Template: "Arm64;1033", Title: "Größe", PackageCode: "{11111111-2222-3333-4444-555555555555}", WordCount: 10, InstallerVersion: 500}
	p, _ := db.Table("Property")
	for i := range 70000 {
		if err := p.AddRow(fmt.Sprintf("P%05d", i), fmt.Sprintf("v%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	p.AddRow("Umlaut", "Grüße, café")
	reg, _ := db.Table("Registry")
	reg.AddRow("r1", -1, `Software\Gomsi`, nil, "x", "C")
	reg.AddRow("r2", 2, `Software\Gomsi`, "n", nil, "C")
	bin, _ := db.Table("Binary")
	bin.AddRow("B1", Bytes([]byte("payload")))
	path := filepath.Join(t.TempDir(), "w.msi")
	if err := db.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	r, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.refSize != 3 {
		t.Errorf("read %d-byte string ids, want 3", r.refSize)
	}
	if v, ok, err := r.Property("Umlaut"); v != "Grüße, café" || !ok || err != nil {
		t.Errorf("Property(Umlaut) = %q, %v, %v", v, ok, err)
	}
	if v, ok, _ := r.Property("P69999"); v != "v69999" || !ok {
		t.Errorf("Property(P69999) = %q, %v", v, ok)
	}
	if _, ok, _ := r.Property("Absent"); ok {
		t.Error("Property(Absent) is set")
	}
	rows, err := r.Rows("Registry")
	if err != nil || len(rows) != 2 {
		t.Fatalf("Registry: %d rows, %v", len(rows), err)
	}
	if root, ok := rows[0].Int("Root"); root != -1 || !ok || rows[0].Cells[3] != nil {
		t.Errorf("Registry r1 = %v", rows[0].Cells)
	}
	if root, _ := rows[1].Int("Root"); root != 2 || rows[1].Cells[4] != nil || rows[1].Str("Name") != "n" {
		t.Errorf("Registry r2 = %v", rows[1].Cells)
	}
	b, _ := r.Rows("Binary")
	if len(b) != 1 || b[0].Cells[1] != true {
		t.Errorf("Binary rows = %v", b)
	}
	s := r.Summary
	if s.Template != "Arm64;1033" || s.Title != "Größe" || s.PackageCode != db.Summary.PackageCode || s.WordCount != 10 || s.InstallerVersion != 500 {
		t.Errorf("summary read back as %+v", s)
	}
	assertTablesMatchMsidump(t, r, path)
	assertSummaryMatchesMsiinfo(t, r, path)
}

// TestReadRefusesDamagedFiles: a file that is not a package, or whose pool
// does not describe its string data, is an error naming the file.
func TestReadRefusesDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	notMSI := filepath.Join(dir, "not.msi")
	os.WriteFile(notMSI, []byte("PK\x03\x04 a zip, not an MSI"), 0o644)
	if _, err := ReadFile(notMSI); err == nil || !strings.Contains(err.Error(), notMSI) || !strings.Contains(err.Error(), "not a compound file") {
		t.Errorf("ReadFile(zip) = %v", err)
	}
	db := New()
	db.Summary.Template = "x64;1033"
	p, _ := db.Table("Property")
	p.AddRow("A", "B")
	good := filepath.Join(dir, "good.msi")
	if err := db.WriteFile(good); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)
	// Lengthen the pool's first string past _StringData.
	r, err := ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	pool := r.streams["_StringPool"]
	at := strings.Index(string(data), string(pool[:12]))
	if at < 0 {
		t.Fatal("pool stream not found in the file")
	}
	data[at+4] = 0xFF
	bad := filepath.Join(dir, "bad.msi")
	os.WriteFile(bad, data, 0o644)
	if _, err := ReadFile(bad); err == nil || !strings.Contains(err.Error(), "_StringPool describes more") {
		t.Errorf("ReadFile(damaged pool) = %v", err)
	}
}

// assertTablesMatchMsidump compares every table msidump exports with the
// reader's rows (as sorted lines; a binary cell only by presence).
func assertTablesMatchMsidump(t *testing.T, r *Reader, msi string) {
	t.Helper()
	dump := t.TempDir()
	// msidump writes binary streams into its working folder.
	cmd := exec.Command(testtool.Require(t, "msidump"), "-t", "-d", dump, msi)
	cmd.Dir = dump
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("msidump: %v: %s", err, out)
	}
	idts, _ := filepath.Glob(filepath.Join(dump, "*.idt"))
	checked := 0
	for _, idt := range idts {
		table := strings.TrimSuffix(filepath.Base(idt), ".idt")
		if strings.HasPrefix(table, "_") {
			continue
		}
		data, err := os.ReadFile(idt)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
		types := strings.Split(lines[1], "\t")
		want := lines[3:]
		rows, err := r.Rows(table)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, row := range rows {
			cells := make([]string, len(row.Cells))
			for i, c := range row.Cells {
				switch v := c.(type) {
				case string:
					cells[i] = v
				case int32:
					cells[i] = strconv.Itoa(int(v))
				case bool:
					cells[i] = "<stream>"
				}
			}
			got = append(got, strings.Join(cells, "\t"))
		}
		for i, line := range want { // msidump names a binary cell's file
			cells := strings.Split(line, "\t")
			for j, typ := range types {
				if strings.EqualFold(typ, "v0") && j < len(cells) && cells[j] != "" {
					cells[j] = "<stream>"
				}
			}
			want[i] = strings.Join(cells, "\t")
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("table %s reads as\n%s\nmsidump exports\n%s", table, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		checked++
	}
	if checked < 2 {
		t.Fatalf("compared %d tables", checked)
	}
}

func assertSummaryMatchesMsiinfo(t *testing.T, r *Reader, msi string) {
	t.Helper()
	out := run(t, "msiinfo", "suminfo", msi)
	s := r.Summary
	for _, want := range []string{
		"Template: " + s.Template + "\n",
		"Revision number (UUID): " + s.PackageCode + "\n",
		fmt.Sprintf("Version: %d (", s.InstallerVersion),
		fmt.Sprintf("Source: %d (", s.WordCount),
		fmt.Sprintf("Security: %d (", s.Security),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("msiinfo suminfo lacks %q (the reader's):\n%s", want, out)
		}
	}
	if s.Template == "" || s.PackageCode == "" {
		t.Errorf("summary read back empty: %+v", s)
	}
}
