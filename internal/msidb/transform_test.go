package msidb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/richardlehane/mscfb"
)

// instance1 is the transform WiX v3 embeds for
// <Instance Id="Instance1" ProductCode="{1F9B...}" ProductName="Instance 1"/>
// under <InstanceTransforms Property="Instance">.
func instance1(t *testing.T) *Transform {
	t.Helper()
	tr := NewTransform(0)
	tr.Summary = TransformSummary{
		Title: "Installation Database", Subject: "Wix Test Product", Author: "Microsoft Corporation",
		Keywords: "Installer", Comments: "This installer database contains the logic and data required to install Wix Test Product.",
		TargetTemplate: "Intel;1033", UpdatedTemplate: "Intel;1033",
		ProductCodes: TransformProductCodes("{4014E041-A968-4DE3-B43C-322DF9A19359}", "1.0.0.0",
			"{1F9B1809-273F-4036-AB02-26D19171D5AE}", "1.0.0.0", "{F907C172-70B8-4654-8D23-49FB3AE2ECB7}"),
	}
	// Added out of key order: the stream is in key order all the same.
	for _, u := range [][2]string{{"ProductName", "Instance 1"}, {"ProductCode", "{1F9B1809-273F-4036-AB02-26D19171D5AE}"}, {"Instance", "Instance1"}} {
		if err := tr.Update("Property", []any{u[0]}, map[string]any{"Value": u[1]}); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// readStreams reads a compound file's streams by path ("Storage/name").
func readStreams(t *testing.T, path string) (map[string][]byte, map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := mscfb.New(f)
	if err != nil {
		t.Fatal(err)
	}
	streams, classes := map[string][]byte{}, map[string]string{"": doc.ID()}
	for e, err := doc.Next(); ; e, err = doc.Next() {
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := e.Name
		if e.Initial < 0x20 {
			name = string(rune(e.Initial)) + name
		}
		full := strings.Join(append(append([]string{}, e.Path...), name), "/")
		if e.FileInfo().IsDir() {
			classes[full] = e.ID()
			continue
		}
		b, err := io.ReadAll(e)
		if err != nil {
			t.Fatal(err)
		}
		streams[full] = b
	}
	return streams, classes
}

func tableStream(name string) string {
	m, err := mangle(name, true)
	if err != nil {
		panic(err)
	}
	return m
}

// The streams follow the transform format Wine's msi_table_apply_transform
// reads and msi.dll writes: rows one after the other, each a 16-bit mask
// (bit i: column i present; keys always present) then its cells; a string
// pool of the transform's own, ids in order of first use.
func TestTransformUpdateStreams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "i1.mst")
	if err := instance1(t).WriteFile(path); err != nil {
		t.Fatal(err)
	}
	streams, classes := readStreams(t, path)
	if got := strings.Trim(classes[""], "{}"); !strings.EqualFold(got, "000C1082-0000-0000-C000-000000000046") {
		t.Errorf("root class = %s, want the transform class", got)
	}
	if len(streams) != 4 {
		t.Errorf("streams: %d, want Property, the pool and the summary", len(streams))
	}
	u16 := func(v ...uint16) []byte {
		var b []byte
		for _, x := range v {
			b = binary.LittleEndian.AppendUint16(b, x)
		}
		return b
	}
	// Property has columns Property (key) and Value: mask 0b10 updates
	// Value; the strings are Instance=1, Instance1=2, ProductCode=3, ...
	if got, want := streams[tableStream("Property")], u16(2, 1, 2, 2, 3, 4, 2, 5, 6); !bytes.Equal(got, want) {
		t.Errorf("Property stream\n got % x\nwant % x", got, want)
	}
	strs := []string{"Instance", "Instance1", "ProductCode", "{1F9B1809-273F-4036-AB02-26D19171D5AE}", "ProductName", "Instance 1"}
	wantPool := u16(0, 0) // code page 0, 2-byte references
	for _, s := range strs {
		wantPool = append(wantPool, u16(uint16(len(s)), 1)...)
	}
	if got := streams[tableStream("_StringPool")]; !bytes.Equal(got, wantPool) {
		t.Errorf("_StringPool\n got % x\nwant % x", got, wantPool)
	}
	if got, want := string(streams[tableStream("_StringData")]), strings.Join(strs, ""); got != want {
		t.Errorf("_StringData = %q, want %q", got, want)
	}
	props := decodePropertySet(t, streams[summaryStream])
	want := map[uint32]any{
		pidCodePage: int32(1252), pidTitle: "Installation Database", pidAppName: "", pidSecurity: int32(4),
		pidTemplate: "Intel;1033", pidLastAuthor: "Intel;1033", pidPageCount: int32(200), pidCharCount: int32(0),
		pidRevision: "{4014E041-A968-4DE3-B43C-322DF9A19359}1.0.0.0;{1F9B1809-273F-4036-AB02-26D19171D5AE}1.0.0.0;{F907C172-70B8-4654-8D23-49FB3AE2ECB7}",
	}
	for id, v := range want {
		if props[id] != v {
			t.Errorf("summary property %d = %#v, want %#v", id, props[id], v)
		}
	}
	for _, id := range []uint32{pidCreated, pidSaved, pidWordCount} {
		if _, ok := props[id]; ok {
			t.Errorf("summary property %d present; transforms from WiX have none", id)
		}
	}
	if got := propertyOrder(streams[summaryStream]); got != "1 2 3 4 5 6 18 19 7 8 9 14 16" {
		t.Errorf("summary property order %s, want msi.dll's 1 2 3 4 5 6 18 19 7 8 9 14 16", got)
	}
}

// Inserts carry every column with mask (count<<8)|1; deletes carry only
// the keys with mask 0; integers are biased as in tables (i4 ^ 0x80000000,
// i2 + 0x8000, NULL 0) and a string repeated is one pool entry, counted.
func TestTransformInsertDelete(t *testing.T) {
	tr := NewTransform(1252)
	tr.Summary = TransformSummary{TargetTemplate: "x64;1033", UpdatedTemplate: "x64;1033", ProductCodes: ";;"}
	if err := tr.Insert("Upgrade", "{NEW}", nil, "2.0.0", "1033", 256, nil, "WIX_UPGRADE_DETECTED"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Delete("Upgrade", "{OLD}", nil, "2.0.0", "1033", 256); err != nil {
		t.Fatal(err)
	}
	if err := tr.Update("Media", []any{1}, map[string]any{"LastSequence": 7, "Cabinet": "#b.cab"}); err != nil {
		t.Fatal(err)
	}
	wantLines := []string{
		`Media: update "1": LastSequence="7", Cabinet="#b.cab"`,
		`Upgrade: insert "{NEW}", NULL, "2.0.0", "1033", "256", NULL, "WIX_UPGRADE_DETECTED"`,
		`Upgrade: delete "{OLD}", NULL, "2.0.0", "1033", "256"`,
	}
	if got := strings.Join(tr.Describe(), "\n"); got != strings.Join(wantLines, "\n") {
		t.Errorf("Describe:\n%s\nwant\n%s", got, strings.Join(wantLines, "\n"))
	}
	path := filepath.Join(t.TempDir(), "u.mst")
	if err := tr.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	streams, _ := readStreams(t, path)
	le := binary.LittleEndian
	var want []byte
	// Tables in name order, rows in key order ({NEW} < {OLD}). Pool:
	// 1 #b.cab, 2 {NEW}, 3 2.0.0, 4 1033, 5 WIX_UPGRADE_DETECTED, 6 {OLD}.
	want = le.AppendUint16(want, 7<<8|1)
	want = le.AppendUint16(le.AppendUint16(le.AppendUint16(le.AppendUint16(want, 2), 0), 3), 4)
	want = le.AppendUint32(want, 256^0x80000000)
	want = le.AppendUint16(le.AppendUint16(want, 0), 5)
	want = le.AppendUint16(want, 0)
	want = le.AppendUint16(le.AppendUint16(le.AppendUint16(le.AppendUint16(want, 6), 0), 3), 4)
	want = le.AppendUint32(want, 256^0x80000000)
	if got := streams[tableStream("Upgrade")]; !bytes.Equal(got, want) {
		t.Errorf("Upgrade stream\n got % x\nwant % x", got, want)
	}
	// Media: DiskId i2 key, LastSequence i4 (bit 1), DiskPrompt, Cabinet (bit 3).
	want = le.AppendUint16(nil, 0b1010)
	want = le.AppendUint16(want, 1+0x8000)
	want = le.AppendUint32(want, 7^0x80000000)
	want = le.AppendUint16(want, 1) // #b.cab
	if got := streams[tableStream("Media")]; !bytes.Equal(got, want) {
		t.Errorf("Media stream\n got % x\nwant % x", got, want)
	}
	pool := streams[tableStream("_StringPool")]
	if le.Uint32(pool) != 1252 {
		t.Errorf("pool code page %d, want 1252", le.Uint32(pool))
	}
	// 2.0.0 and 1033 are used twice.
	for i, refs := range []uint16{1, 1, 2, 2, 1, 1} {
		if got := le.Uint16(pool[4+4*i+2:]); got != refs {
			t.Errorf("string %d: %d references, want %d", i+1, got, refs)
		}
	}
}

// An embedded transform is a storage of the transform class holding the
// same streams; the database around it still reads back.
func TestDatabaseEmbedsTransform(t *testing.T) {
	db := New()
	db.Summary = Summary{Template: "Intel;1033"}
	p, err := db.Table("Property")
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"ProductCode", "{4014E041-A968-4DE3-B43C-322DF9A19359}"}, {"Instance", "Instance0"}, {"ProductName", "P"}} {
		if err := p.AddRow(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddTransform("Instance1.mst", instance1(t)); err != nil {
		t.Fatal(err)
	}
	if err := db.AddTransform("Instance1.mst", instance1(t)); err == nil {
		t.Error("second transform with the same name accepted")
	}
	if err := db.AddTransform("Empty", NewTransform(0)); err == nil {
		t.Error("transform without changes accepted")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.msi")
	if err := db.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	streams, classes := readStreams(t, path)
	if got := strings.Trim(classes["Instance1.mst"], "{}"); !strings.EqualFold(got, "000C1082-0000-0000-C000-000000000046") {
		t.Errorf("storage class = %q, want the transform class", got)
	}
	mst := filepath.Join(dir, "i1.mst")
	if err := instance1(t).WriteFile(mst); err != nil {
		t.Fatal(err)
	}
	alone, _ := readStreams(t, mst)
	for name, b := range alone {
		if got, ok := streams["Instance1.mst/"+name]; !ok || !bytes.Equal(got, b) {
			t.Errorf("embedded stream %q differs from the standalone transform's (present: %v)", name, ok)
		}
	}
	r, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _, _ := r.Property("Instance"); v != "Instance0" {
		t.Errorf("base Instance = %q after embedding", v)
	}
}

func TestTransformErrors(t *testing.T) {
	tr := NewTransform(1252)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"key column", tr.Update("Property", []any{"A"}, map[string]any{"Property": "B"}), "part of the key"},
		{"unknown column", tr.Update("Property", []any{"A"}, map[string]any{"Val": "B"}), "no column Val"},
		{"nothing", tr.Update("Property", []any{"A"}, nil), "changes nothing"},
		{"custom table", tr.Update("Gomsi", []any{"A"}, map[string]any{"X": 1}), "not a standard table"},
		{"binary table", tr.Insert("Binary", "A", []byte("x")), "binary column"},
		{"short key", tr.Delete("Upgrade", "{X}"), "key has 1 values, want 5"},
		{"null value", tr.Update("Property", []any{"A"}, map[string]any{"Value": nil}), "not nullable"},
		{"wrong type", tr.Update("Media", []any{"one"}, map[string]any{"LastSequence": 1}), "want an integer"},
		{"insert width", tr.Insert("Property", "A"), "row has 1 values"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, c.err, c.want)
		}
	}
	if err := tr.Update("Property", []any{"A"}, map[string]any{"Value": "1"}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Delete("Property", "A"); err == nil || !strings.Contains(err.Error(), "changed twice") {
		t.Errorf("second change of a row: err = %v", err)
	}
	if err := tr.WriteFile(filepath.Join(t.TempDir(), "x.mst")); err == nil || !strings.Contains(err.Error(), "templates are required") {
		t.Errorf("transform without templates: err = %v", err)
	}
	if err := NewTransform(1252).WriteFile(filepath.Join(t.TempDir(), "y.mst")); err == nil || !strings.Contains(err.Error(), "no changes") {
		t.Errorf("empty transform: err = %v", err)
	}
}

// decodePropertySet reads the first section's properties: int32 for VT_I2
// and VT_I4, string for VT_LPSTR (read as Latin-1 bytes; tests use ASCII).
func decodePropertySet(t *testing.T, b []byte) map[uint32]any {
	t.Helper()
	le := binary.LittleEndian
	if len(b) < 48 || le.Uint16(b) != 0xFFFE || !bytes.Equal(b[28:44], fmtidSummary) {
		t.Fatalf("not a summary information property set: % x", b[:min(len(b), 48)])
	}
	sec := b[le.Uint32(b[44:]):]
	if int(le.Uint32(sec)) != len(sec) {
		t.Errorf("section size %d, stream holds %d after the header", le.Uint32(sec), len(sec))
	}
	out := map[uint32]any{}
	for i := range int(le.Uint32(sec[4:])) {
		id, off := le.Uint32(sec[8+8*i:]), le.Uint32(sec[12+8*i:])
		v := sec[off:]
		switch le.Uint32(v) {
		case vtI2:
			out[id] = int32(int16(le.Uint16(v[4:])))
		case vtI4:
			out[id] = int32(le.Uint32(v[4:]))
		case vtLPSTR:
			n := le.Uint32(v[4:])
			out[id] = strings.TrimSuffix(string(v[8:8+n]), "\x00")
		default:
			out[id] = v[:4]
		}
	}
	return out
}

func propertyOrder(b []byte) string {
	le := binary.LittleEndian
	sec := b[le.Uint32(b[44:]):]
	var ids []string
	for i := range int(le.Uint32(sec[4:])) {
		ids = append(ids, strconv.Itoa(int(le.Uint32(sec[8+8*i:]))))
	}
	return strings.Join(ids, " ")
}
