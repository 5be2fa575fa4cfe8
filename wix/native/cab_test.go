package native_test

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/pipeline"
	"github.com/gomsi/gomsi/wix/native"
)

// TestSplitCabinetsPassStrictInflater lowers the cabinet size limit so the
// small tree needs several cabinets: each gets its own Media row and
// stream, libmspack's strict inflater (cabextract -t) accepts every one,
// and msiextract still yields every file byte for byte.
func TestSplitCabinetsPassStrictInflater(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root, func(p *pipeline.Pipeline) {
		p.Toolsets[0].(*native.Toolset).MaxCabinetSize = 20000
	})
	cabs, _ := assertCabinetsValid(t, b.MSI)
	if len(cabs) < 3 {
		t.Errorf("%d cabinets with a 20000-byte limit, want several", len(cabs))
	}
	media := dumpTables(t, b.MSI)["Media"]
	if media == nil || len(media.rows) != len(cabs) {
		t.Fatalf("Media rows %v for cabinets %v", media, cabs)
	}
	last := 0
	for _, r := range media.rows {
		if !strings.HasPrefix(r[3], "#go") {
			t.Errorf("Media row %q: cabinet not embedded", r)
		}
		n := atoi(t, r[1])
		if n <= last {
			t.Errorf("Media LastSequence %d after %d: not increasing", n, last)
		}
		last = n
	}
	msitest.AssertExtractsTo(t, b.MSI, root)
}

// assertCabinetsValid extracts every embedded cabinet and runs cabextract
// -t (libmspack) and 7zz t (7-Zip's own MSZIP and LZX decoders) on it; it
// returns the cabinet stream names and the compression type of every
// folder.
func assertCabinetsValid(t *testing.T, msi string) ([]string, []uint16) {
	t.Helper()
	msiinfo := testtool.Require(t, "msiinfo")
	cabextract := testtool.Require(t, "cabextract")
	sevenZip := testtool.Require(t, "7zz")
	out, err := exec.Command(msiinfo, "streams", msi).CombinedOutput()
	if err != nil {
		t.Fatalf("msiinfo streams: %v: %s", err, out)
	}
	var cabs []string
	var types []uint16
	dir := t.TempDir()
	for _, name := range strings.Fields(string(out)) {
		if !strings.HasSuffix(name, ".cab") {
			continue
		}
		cabs = append(cabs, name)
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(msiinfo, "extract", msi, name)
		cmd.Stdout = f
		if err := cmd.Run(); err != nil {
			t.Fatalf("msiinfo extract %s: %v", name, err)
		}
		f.Close()
		if out, err := exec.Command(cabextract, "-t", path).CombinedOutput(); err != nil || !strings.Contains(string(out), "All done, no errors") {
			t.Errorf("cabextract -t %s: %v: %s", name, err, msitest.Tail(string(out)))
		}
		if out, err := exec.Command(sevenZip, "t", path).CombinedOutput(); err != nil || !strings.Contains(string(out), "Everything is Ok") {
			t.Errorf("7zz t %s: %v: %s", name, err, msitest.Tail(string(out)))
		}
		types = append(types, folderTypes(t, path)...)
	}
	if len(cabs) == 0 {
		t.Fatalf("no cabinet streams in %s: %s", msi, out)
	}
	return cabs, types
}

// folderTypes reads the typeCompress of every CFFOLDER of a cabinet.
func folderTypes(t *testing.T, path string) []uint16 {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil || len(raw) < 36 {
		t.Fatalf("read %s: %v", path, err)
	}
	le := binary.LittleEndian
	var types []uint16
	for i := range int(le.Uint16(raw[26:])) {
		types = append(types, le.Uint16(raw[36+8*i+6:]))
	}
	return types
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("%q is not a number", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}
