package msidb

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

func TestStreamsAndSummary(t *testing.T) {
	path := writeSample(t)
	streams := strings.Fields(run(t, "msiinfo", "streams", path))
	for _, want := range []string{"Binary.Logo", "Binary.Big", "GomsiCustom.-5.7", "cab1.cab", "\x05SummaryInformation"} {
		if !slices.Contains(streams, want) {
			t.Errorf("msiinfo streams lacks %q: %q", want, streams)
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(testtool.Require(t, "msidump"), "-s", path)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("msidump -s: %v: %s", err, out)
	}
	for name, want := range map[string][]byte{
		"Binary.Logo":      []byte("binary payload\x00\x01\x02"),
		"Binary.Big":       bytes.Repeat([]byte("0123456789abcdef"), 1000),
		"GomsiCustom.-5.7": []byte("data for -5"),
		"cab1.cab":         bytes.Repeat([]byte{0xCA, 0xB1}, 5000),
	} {
		got, err := os.ReadFile(filepath.Join(dir, "_Streams", name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("stream %s: %d bytes, want %d (%v)", name, len(got), len(want), err)
		}
	}
	info := run(t, "msiinfo", "suminfo", path)
	for _, want := range []string{
		"Title: Installation Database", "Subject: Gomsi test", "Author: G\xf6msi", // msiinfo prints the code page 1252 bytes as stored "Keywords: Installer",
		"Comments: sample", "Template: x64;1033", "Version: 500", "Source: 2", "Application: gomsi",
		"Security: 2", "Revision number (UUID): {",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("suminfo lacks %q:\n%s", want, info)
		}
	}
	if strings.Contains(info, "Created") || strings.Contains(info, "Last saved") {
		t.Errorf("suminfo has timestamps without SOURCE_DATE_EPOCH:\n%s", info)
	}
}

func TestTimesFromSourceDateEpoch(t *testing.T) {
	ts, ok, err := SourceDateEpoch(func(string) string { return "1700000000" })
	if err != nil || !ok || !ts.Equal(time.Unix(1700000000, 0)) {
		t.Fatalf("SourceDateEpoch = %v, %v, %v", ts, ok, err)
	}
	if _, ok, err := SourceDateEpoch(func(string) string { return "" }); ok || err != nil {
		t.Errorf("unset SOURCE_DATE_EPOCH: ok=%v err=%v", ok, err)
	}
	if _, _, err := SourceDateEpoch(func(string) string { return "yesterday" }); err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
		t.Errorf("bad SOURCE_DATE_EPOCH: err = %v", err)
	}
	db := buildSample(t)
	db.Summary.Created, db.Summary.Saved = ts, ts
	path := filepath.Join(t.TempDir(), "x.msi")
	if err := db.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	info := run(t, "msiinfo", "suminfo", path)
	// msiinfo prints local time; compare in the zone it uses.
	want := ts.Local().Format("Mon Jan 2 15:04:05 2006")
	want2 := ts.Local().Format("Mon Jan _2 15:04:05 2006")
	if !strings.Contains(info, "Created: ") || !(strings.Contains(info, want) || strings.Contains(info, want2)) {
		t.Errorf("suminfo lacks creation time %q:\n%s", want, info)
	}
}

func TestPackageCode(t *testing.T) {
	code := func(mutate func(db *Database)) string {
		db := buildSample(t)
		mutate(db)
		path := filepath.Join(t.TempDir(), "x.msi")
		if err := db.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(run(t, "msiinfo", "suminfo", path), "\n") {
			if v, ok := strings.CutPrefix(l, "Revision number (UUID): "); ok {
				return v
			}
		}
		t.Fatal("no package code")
		return ""
	}
	base := code(func(*Database) {})
	same := code(func(*Database) {})
	row := code(func(db *Database) {
		p, _ := db.Table("Property")
		p.AddRow("EXTRA", "1")
	})
	cab := code(func(db *Database) {
		db.streams["cab1.cab"] = Bytes(bytes.Repeat([]byte{0xCA, 0xB2}, 5000))
	})
	fixed := code(func(db *Database) { db.Summary.PackageCode = "{12345678-1234-1234-1234-123456789ABC}" })
	if base != same {
		t.Errorf("derived package code not stable: %s vs %s", base, same)
	}
	if base == row || base == cab || row == cab {
		t.Errorf("package code does not follow content: %s %s %s", base, row, cab)
	}
	if fixed != "{12345678-1234-1234-1234-123456789ABC}" {
		t.Errorf("explicit package code replaced by %s", fixed)
	}
	if len(base) != 38 || strings.ToUpper(base) != base {
		t.Errorf("package code %q is not an upper-case braced GUID", base)
	}
}
