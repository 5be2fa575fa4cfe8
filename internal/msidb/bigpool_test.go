package msidb

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
)

// Above 65,535 strings every string reference takes 3 bytes and the pool
// header says so; msitools must still read every row.
func TestThreeByteStringRefs(t *testing.T) {
	db := New()
	db.Summary.Template = "x64;1033"
	p, _ := db.Table("Property")
	const n = 40000
	for i := n - 1; i >= 0; i-- {
		if err := p.AddRow(fmt.Sprintf("P%05d", i), fmt.Sprintf("value %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	r, _ := db.Table("Registry")
	if err := r.AddRow("reg", 2, `Software\Gomsi`, "Name", "Value", "Comp"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "big.msi")
	if err := db.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	s := msitest.ReadStored(t, path)
	if s.RefSize != 3 || len(s.Strings) <= 0xFFFF {
		t.Fatalf("%d strings stored with %d-byte references; want > 65535 and 3", len(s.Strings), s.RefSize)
	}
	msitest.CheckStorageRules(t, s)
	out := run(t, "msiinfo", "export", path, "Property")
	lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	if len(lines) != n+3 {
		t.Fatalf("msiinfo exports %d Property rows, want %d", len(lines)-3, n)
	}
	for _, i := range []int{0, 1, 12345, n - 1} {
		want := fmt.Sprintf("P%05d\tvalue %d", i, i)
		if lines[3+i] != want {
			t.Errorf("row %d = %q, want %q", i, lines[3+i], want)
		}
	}
	reg := run(t, "msiinfo", "export", path, "Registry")
	if !strings.Contains(reg, "reg\t2\tSoftware\\Gomsi\tName\tValue\tComp") {
		t.Errorf("Registry export:\n%s", reg)
	}
}
