package msidb

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
)

type sampleTable struct {
	name string
	rows [][]any
}

// sampleTables covers string, localizable, nullable and key columns, short
// and long integers with negative values (whose stored form is biased),
// two-column keys, binary streams, text outside ASCII (in code page 1252),
// and rows added in anything but storage order.
func sampleTables() []sampleTable {
	return []sampleTable{
		{"Property", [][]any{
			{"b", "lower b"}, {"B", "upper B"}, {"a", "lower a"}, {"Z", "upper Z"},
			{"_x", "underscore"}, {"ProductName", "Gömsi Tëst"}, {"ALLUSERS", "1"},
		}},
		{"FeatureComponents", [][]any{
			{"Main", "CompB"}, {"Main", "CompA"}, {"Docs", "CompC"}, {"Docs", "CompA"},
		}},
		{"Registry", [][]any{
			{"reg2", -1, `Software\Gomsi`, "Name", "#42", "CompA"},
			{"reg1", 2, `Software\Gomsi`, nil, "[INSTALLDIR]", "CompA"},
			{"reg3", 3, `Software\Gomsi\Sub`, "Empty", nil, "CompB"},
		}},
		{"MsiFileHash", [][]any{
			{"file2", 0, -2147483647, 2147483647, -1, 0},
			{"file1", 0, 123456789, -987654321, 1, -2},
		}},
		{"Binary", [][]any{
			{"Logo", []byte("binary payload\x00\x01\x02")},
			{"Big", bytes.Repeat([]byte("0123456789abcdef"), 1000)},
		}},
		{"GomsiCustom", [][]any{
			{7, -3, "seven", nil, int64(100000)},
			{-5, 7, "minus five", []byte("data for -5"), int64(-100000)},
			{0, nil, "zero", nil, int64(0)},
			{-32767, 2147483647, "extremes", nil, int64(-2147483647)},
		}},
	}
}

func customSchema() Schema {
	return Schema{Name: "GomsiCustom", Columns: []Column{
		{Name: "Id", Type: "i2", Key: true, Description: "short key"},
		{Name: "Sub", Type: "I4", Key: true, Category: "DoubleInteger"},
		{Name: "Label", Type: "L64", Category: "Text"},
		{Name: "Data", Type: "V0", Category: "Binary"},
		{Name: "Big", Type: "i4", MinValue: ptr(int32(-2147483647)), MaxValue: ptr(int32(2147483647)), KeyTable: "Other;Tables", KeyColumn: 2, Set: "a;b"},
	}}
}

func ptr[T any](v T) *T { return &v }

func buildSample(t testing.TB) *Database {
	t.Helper()
	db := New()
	db.Summary = Summary{
		Template: "x64;1033", Title: "Installation Database", Subject: "Gomsi test",
		Author: "Gömsi", Keywords: "Installer", Comments: "sample", CreatingApp: "gomsi",
		WordCount: 2, Security: 2, InstallerVersion: 500,
	}
	if _, err := db.AddTable(customSchema()); err != nil {
		t.Fatal(err)
	}
	for _, st := range sampleTables() {
		tb, err := db.Table(st.name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range st.rows {
			if err := tb.AddRow(r...); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Declared but empty: listed in _Tables/_Columns, no stream.
	if _, err := db.Table("Environment"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddStream("cab1.cab", Bytes(bytes.Repeat([]byte{0xCA, 0xB1}, 5000))); err != nil {
		t.Fatal(err)
	}
	return db
}

func writeSample(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sample.msi")
	if err := buildSample(t).WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(testtool.Require(t, name), args...)
	cmd.Dir = t.TempDir() // msidump writes binary streams into its working folder, whatever -d says
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// expectedIdt renders what msidump should print for a table: the column
// names, types and keys, then one line per row (order-independent here;
// storage order is checked by TestStorageOrder).
func expectedIdt(s Schema, rows [][]any) (header []string, lines []string) {
	var names, types, keys []string
	for _, c := range s.Columns {
		names = append(names, c.Name)
		types = append(types, c.Type)
		if c.Key {
			keys = append(keys, c.Name)
		}
	}
	header = []string{strings.Join(names, "\t"), strings.Join(types, "\t"), s.Name + "\t" + strings.Join(keys, "\t")}
	for _, r := range rows {
		cells := make([]string, len(r))
		var keyParts []string
		for i, v := range r {
			if s.Columns[i].Key {
				keyParts = append(keyParts, fmt.Sprint(v))
			}
			switch v.(type) {
			case nil:
			case []byte:
				cells[i] = s.Name + "." + strings.Join(keyParts, ".")
			default:
				cells[i] = fmt.Sprint(v)
			}
		}
		lines = append(lines, strings.Join(cells, "\t"))
	}
	slices.Sort(lines)
	return header, lines
}

func TestMsidumpMatchesInput(t *testing.T) {
	path := writeSample(t)
	dir := t.TempDir()
	run(t, "msidump", "-t", "-d", dir, path)
	for _, st := range sampleTables() {
		schema := customSchema()
		if st.name != schema.Name {
			schema, _ = StandardSchema(st.name)
		}
		wantHeader, wantRows := expectedIdt(schema, st.rows)
		data, err := os.ReadFile(filepath.Join(dir, st.name+".idt"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
		if !slices.Equal(lines[:3], wantHeader) {
			t.Errorf("%s header:\n got %q\nwant %q", st.name, lines[:3], wantHeader)
		}
		got := slices.Sorted(slices.Values(lines[3:]))
		if !slices.Equal(got, wantRows) {
			t.Errorf("%s rows:\n got %q\nwant %q", st.name, got, wantRows)
		}
	}
	env, err := os.ReadFile(filepath.Join(dir, "Environment.idt"))
	if err != nil || strings.Count(string(env), "\r\n") != 3 {
		t.Errorf("empty Environment table: %q, %v", env, err)
	}
}

func TestValidationRows(t *testing.T) {
	path := writeSample(t)
	out := run(t, "msiinfo", "export", path, "_Validation")
	lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	if lines[2] != "_Validation\tTable\tColumn" {
		t.Fatalf("_Validation keys line = %q", lines[2])
	}
	want := []string{
		"Registry\tRoot\tN\t-1\t3\t\t\t\t\tThe predefined root key for the registry value, one of rrkEnum.",
		"Component\tKeyPath\tY", // not present: Component is not in the database
		"GomsiCustom\tBig\tN\t-2147483647\t2147483647\tOther;Tables\t2\t\ta;b\t",
		"GomsiCustom\tSub\tY\t\t\t\t\tDoubleInteger\t\t",
		"_Validation\tNullable\tN\t\t\t\t\t\tY;N\tWhether the column is nullable",
		"Environment\tValue\tY\t\t\t\t\tFormatted\t\tThe value to set in the environmental settings.",
	}
	rows := map[string]bool{}
	for _, l := range lines[3:] {
		rows[l] = true
	}
	for i, w := range want {
		present := rows[w]
		if i == 1 {
			for l := range rows {
				if strings.HasPrefix(l, w) {
					present = true
				}
			}
			if present {
				t.Errorf("validation rows for a table the database lacks: %q", w)
			}
			continue
		}
		if !present {
			t.Errorf("missing _Validation row %q", w)
		}
	}
	// One row per column of every table, _Validation included.
	tables := run(t, "msiinfo", "tables", path)
	wantRows := 0
	for _, name := range strings.Fields(tables) {
		if strings.HasPrefix(name, "_") && name != "_Validation" {
			continue
		}
		s, ok := StandardSchema(name)
		if name == "GomsiCustom" {
			s, ok = customSchema(), true
		}
		if !ok {
			t.Fatalf("unexpected table %s", name)
		}
		wantRows += len(s.Columns)
	}
	if len(lines)-3 != wantRows {
		t.Errorf("_Validation has %d rows, want %d", len(lines)-3, wantRows)
	}
}

func TestStorageOrder(t *testing.T) {
	s := msitest.ReadStored(t, writeSample(t))
	if s.CodePage != 1252 || s.RefSize != 2 {
		t.Errorf("code page %d, reference size %d; want 1252, 2", s.CodePage, s.RefSize)
	}
	msitest.CheckStorageRules(t, s)
	// The rule must have had something to sort: the sample adds rows out
	// of order, so the stored order differs from the insertion order.
	rows := s.Rows(t, "Property")
	var names []string
	for _, r := range rows {
		names = append(names, s.Str(int(r[0])))
	}
	if want := []string{"ALLUSERS", "B", "ProductName", "Z", "_x", "a", "b"}; !slices.Equal(names, want) {
		t.Errorf("Property rows stored as %q, want %q", names, want)
	}
	custom := s.Rows(t, "GomsiCustom")
	var ids []int
	for _, r := range custom {
		ids = append(ids, int(int16(uint16(r[0])^0x8000)))
	}
	if want := []int{-32767, -5, 0, 7}; !slices.Equal(ids, want) {
		t.Errorf("GomsiCustom keys stored as %v, want %v", ids, want)
	}
	if _, ok := s.Streams["Environment"]; ok {
		t.Error("empty table Environment has a stream")
	}
	if !slices.Contains(s.Tables, "Environment") {
		t.Error("empty table Environment missing from _Tables")
	}
}

// The sorting checker must catch a database whose rows are out of order.
func TestStorageRulesCheckerFails(t *testing.T) {
	s := msitest.ReadStored(t, writeSample(t))
	b := s.Streams["Property"]
	n := len(b) / 4 // two string columns of 2 bytes
	b[0], b[1], b[2], b[3] = b[2], b[3], b[0], b[1]
	b[2*n], b[2*n+1], b[2*n+2], b[2*n+3] = b[2*n+2], b[2*n+3], b[2*n], b[2*n+1]
	if v := msitest.StorageViolations(t, s); len(v) == 0 {
		t.Error("the checker accepted swapped rows")
	}
}

func TestDeterministic(t *testing.T) {
	a, b := writeSample(t), writeSample(t)
	// A third copy adds tables and rows in reverse order.
	db := New()
	db.Summary = buildSample(t).Summary
	if err := db.AddStream("cab1.cab", Bytes(bytes.Repeat([]byte{0xCA, 0xB1}, 5000))); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Table("Environment"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTable(customSchema()); err != nil {
		t.Fatal(err)
	}
	tables := sampleTables()
	for i := len(tables) - 1; i >= 0; i-- {
		tb, _ := db.Table(tables[i].name)
		for j := len(tables[i].rows) - 1; j >= 0; j-- {
			if err := tb.AddRow(tables[i].rows[j]...); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := filepath.Join(t.TempDir(), "c.msi")
	if err := db.WriteFile(c); err != nil {
		t.Fatal(err)
	}
	da, _ := os.ReadFile(a)
	dbb, _ := os.ReadFile(b)
	dc, _ := os.ReadFile(c)
	if !bytes.Equal(da, dbb) {
		t.Error("two writes of the same database differ")
	}
	if !bytes.Equal(da, dc) {
		t.Error("adding the same rows in another order changes the output")
	}
}
