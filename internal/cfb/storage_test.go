package cfb_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/cfb"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/sassoftware/relic/v7/lib/comdoc"
)

// transformCLSID is {000C1082-0000-0000-C000-000000000046}, the class of
// an installer transform, in on-disk order.
var transformCLSID = [16]byte{0x82, 0x10, 0x0C, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46}

// tree is a file with storages: paths of streams ("a/b/c") with their
// specs, and of storages.
type tree struct {
	streams  map[string]spec
	storages []string
}

// storageTree has streams at every level, a nested storage, a storage with
// many entries (its own red-black tree), an empty storage, and a name used
// in two storages and the root.
func storageTree() tree {
	t := tree{streams: map[string]spec{}}
	add := func(path string, size int64) {
		t.streams[path] = spec{filepath.Base(path), size, uint64(len(t.streams) + 1)}
	}
	add("\x05SummaryInformation", 400)
	add("big", 10000)
	add("Instance1/\x05SummaryInformation", 596)
	add("Instance1/big", 5000)
	add("Instance1/nested/deep", 70)
	for i := range 9 {
		add(fmt.Sprintf("Instance2/s%d", i), int64(i*13))
	}
	t.storages = []string{"Instance1", "Instance1/nested", "Instance2", "empty"}
	return t
}

func writeTree(t *testing.T, path string, tr tree) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := cfb.NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	w.SetRootCLSID(msiCLSID)
	storages := map[string]*cfb.Storage{}
	for _, p := range tr.storages {
		parent, name := filepath.Split(p)
		var s *cfb.Storage
		if parent == "" {
			s, err = w.AddStorage(name, transformCLSID)
		} else {
			s, err = storages[strings.TrimSuffix(parent, "/")].AddStorage(name, transformCLSID)
		}
		if err != nil {
			t.Fatal(err)
		}
		storages[p] = s
	}
	// Streams interleave between storages: each lands in its own folder
	// whatever the order.
	for _, p := range sortedKeys(tr.streams) {
		s := tr.streams[p]
		parent, _ := filepath.Split(p)
		if parent == "" {
			err = w.AddStream(s.name, s.size, payload(s.seed, s.size))
		} else {
			err = storages[strings.TrimSuffix(parent, "/")].AddStream(s.name, s.size, payload(s.seed, s.size))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func sortedKeys(m map[string]spec) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	// Alternate between folders rather than grouping them.
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if strings.Compare(reverse(keys[j]), reverse(keys[i])) < 0 {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func TestStoragesReadBackWithMscfb(t *testing.T) {
	path := filepath.Join(t.TempDir(), "storages.cfb")
	tr := storageTree()
	writeTree(t, path, tr)
	_, seenStorages := readWithMscfb(t, path, tr.streams)
	for full, clsid := range seenStorages {
		if !strings.EqualFold(clsid, "000C1082-0000-0000-C000-000000000046") {
			t.Errorf("storage %s CLSID = %s, want the transform class", full, clsid)
		}
	}
	for _, s := range tr.storages {
		if _, ok := seenStorages[s]; !ok {
			t.Errorf("storage %s missing (saw %v)", s, seenStorages)
		}
	}
}

// relic's reader (the one gomsi signs with) lists every storage, and each
// storage's siblings form a valid red-black tree.
func TestStoragesTreeWithComdoc(t *testing.T) {
	path := filepath.Join(t.TempDir(), "storages.cfb")
	tr := storageTree()
	writeTree(t, path, tr)
	doc, err := comdoc.ReadPath(path)
	if err != nil {
		t.Fatalf("relic comdoc rejects the file: %v", err)
	}
	defer doc.Close()
	var visit func(dir *comdoc.DirEnt, prefix string)
	count := 0
	visit = func(dir *comdoc.DirEnt, prefix string) {
		if dir.StorageRoot < 0 {
			return
		}
		checkTree(t, doc.Files, int(dir.StorageRoot))
		entries, err := doc.ListDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			p := prefix + e.Name()
			if e.Type == comdoc.DirStorage {
				visit(e, p+"/")
				continue
			}
			count++
			if s, ok := tr.streams[p]; !ok || int64(e.StreamSize) != s.size {
				t.Errorf("stream %s: size %d, listed in the tree: %v", p, e.StreamSize, ok)
			}
		}
	}
	visit(doc.RootStorage(), "")
	if count != len(tr.streams) {
		t.Errorf("comdoc found %d streams, want %d", count, len(tr.streams))
	}
}

// 7-Zip extracts the storages as folders with the same bytes.
func TestStoragesWith7zz(t *testing.T) {
	sevenZip := testtool.Require(t, "7zz")
	dir := t.TempDir()
	path := filepath.Join(dir, "storages.cfb")
	tr := storageTree()
	writeTree(t, path, tr)
	out := filepath.Join(dir, "x")
	cmd := exec.Command(sevenZip, "x", "-y", "-bd", "-o"+out, path)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("7zz x: %v\n%s", err, b)
	}
	for p, s := range tr.streams {
		// 7-Zip shows the \x05 prefix as [5].
		name := strings.ReplaceAll(p, "\x05", "[5]")
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("7zz did not extract %s: %v", p, err)
			continue
		}
		want, _ := io.ReadAll(payload(s.seed, s.size))
		if !bytes.Equal(got, want) {
			t.Errorf("7zz: %s differs (%d bytes, want %d)", p, len(got), len(want))
		}
	}
	for _, s := range tr.storages {
		if fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(s))); err != nil || !fi.IsDir() {
			t.Errorf("7zz did not extract storage %s as a folder: %v", s, err)
		}
	}
}

func TestStorageNames(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "n.cfb"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := cfb.NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddStream("Instance1", 1, strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddStorage("INSTANCE1", transformCLSID); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("storage named like a stream: err = %v", err)
	}
	s, err := w.AddStorage("Instance2", transformCLSID)
	if err != nil {
		t.Fatal(err)
	}
	// Names are unique per storage, not per file.
	if err := s.AddStream("Instance1", 1, strings.NewReader("y")); err != nil {
		t.Errorf("same name in another storage: %v", err)
	}
	if err := s.AddStream("instance1", 1, strings.NewReader("y")); err == nil {
		t.Error("duplicate name inside a storage accepted")
	}
	if _, err := w.AddStorage("a:b", transformCLSID); err == nil {
		t.Error("storage name with ':' accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.AddStream("late", 1, strings.NewReader("z")); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("stream added to a storage after Close: err = %v", err)
	}
	if _, err := w.AddStorage("late", transformCLSID); err == nil {
		t.Error("storage added after Close")
	}
}
