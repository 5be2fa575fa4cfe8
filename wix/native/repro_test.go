package native_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/pipeline"
)

// TestReproducible builds the same distribution twice, from copies in
// different folders and from different working directories, with the same
// SOURCE_DATE_EPOCH: the packages must be byte-identical. A third build of
// a changed file must differ (so the comparison can fail).
func TestReproducible(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	epoch := func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "1767225600" // 2026-01-01
		}
		return ""
	}
	var last string
	build := func(src string) []byte {
		t.Chdir(t.TempDir())
		b := buildMSI(t, src, func(p *pipeline.Pipeline) { setEnv(p, epoch) })
		last = b.MSI
		data, err := os.ReadFile(b.MSI)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	first := build(root)
	times := 0
	for _, r := range dumpTables(t, last)["_SummaryInformation"].rows {
		if (r[0] == "12" || r[0] == "13") && r[1] == "2026/01/01 00:00:00" {
			times++
		}
	}
	if times != 2 {
		t.Errorf("the summary's creation and save times are not SOURCE_DATE_EPOCH's")
	}
	copyRoot := filepath.Join(t.TempDir(), "elsewhere", "go")
	os.MkdirAll(filepath.Dir(copyRoot), 0o755)
	if out, err := exec.Command("cp", "-a", root, copyRoot).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v: %s", err, out)
	}
	second := build(copyRoot)
	if !bytes.Equal(first, second) {
		t.Fatalf("two builds of the same source differ (%d and %d bytes)", len(first), len(second))
	}
	os.WriteFile(filepath.Join(copyRoot, "src", "fmt", "print.go"), []byte("package fmt // changed\n"), 0o644)
	if third := build(copyRoot); bytes.Equal(first, third) {
		t.Fatal("a changed file gave the same package")
	}
}
