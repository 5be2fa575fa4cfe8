package publish

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
	"github.com/gomsi/gomsi/product"
)

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.sha256")
	changed, err := writeAtomic(p, []byte("one\n"))
	if err != nil || !changed {
		t.Fatalf("first write: %v %v", changed, err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p, old, old)
	if changed, err := writeAtomic(p, []byte("one\n")); err != nil || changed {
		t.Fatalf("same content rewritten: %v %v", changed, err)
	}
	if st, _ := os.Stat(p); !st.ModTime().Equal(old) {
		t.Error("same content touched the file")
	}
	if changed, _ := writeAtomic(p, []byte("two\n")); !changed || string(mustRead(t, p)) != "two\n" {
		t.Error("new content not written")
	}
}

// A write that fails after the temporary file was filled (here the rename,
// because the target is a directory) leaves nothing behind.
func TestWriteAtomicLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "go.msi.sha256")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := writeAtomic(target, []byte("data"))
	if err == nil || !strings.Contains(err.Error(), target) {
		t.Fatalf("err = %v, want it to name %s", err, target)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "go.msi.sha256" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v after a failed write", names)
	}
}

// A .sha256 left from before the MSI changed (say, before signing) is
// rewritten rather than published stale.
func TestStaleChecksumFileIsRewritten(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	stale := product.ChecksumLine(strings.Repeat("0", 64), filepath.Base(f.msis[0]))
	if err := os.WriteFile(f.msis[0]+".sha256", []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.publish(f.config(Settings{}, nil)); err != nil {
		t.Fatal(err)
	}
	want := product.ChecksumLine(sha(mustRead(t, f.msis[0])), filepath.Base(f.msis[0]))
	if got := string(mustRead(t, f.msis[0]+".sha256")); got != want {
		t.Errorf("on disk %q, want %q", got, want)
	}
	if got := string(f.asset(filepath.Base(f.msis[0]) + ".sha256").Data); got != want {
		t.Errorf("uploaded %q, want %q", got, want)
	}
}

// A checksum file that cannot be written stops the run before any request.
func TestChecksumWriteFailureStopsEarly(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	if err := os.Mkdir(filepath.Join(f.dir, SumsName), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := f.publish(f.config(Settings{}, nil)); err == nil || !strings.Contains(err.Error(), SumsName) {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent after the failure", n)
	}
	entries, _ := os.ReadDir(f.dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
