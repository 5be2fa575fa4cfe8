package cab

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestBuildExtractsWithStrictInflaters(t *testing.T) {
	src := t.TempDir()
	files, want := writeCorpus(t, src)
	for name, opts := range map[string]Options{
		"default":     {},
		"level=1":     {Level: 1},
		"level=9":     {Level: 9},
		"independent": {IndependentBlocks: true},
	} {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			when := time.Date(2024, 5, 17, 13, 45, 30, 0, time.UTC)
			opts.Dir, opts.Time = out, when
			digests := observeMD5(&opts, len(files))
			cabs, err := Build(context.Background(), files, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(cabs) != 1 {
				t.Fatalf("%d cabinets, want 1", len(cabs))
			}
			c := cabs[0]
			if c.Name != "cab1.cab" || c.Path != filepath.Join(out, "cab1.cab") || c.FirstFile != 0 || c.LastFile != len(files)-1 {
				t.Errorf("cabinet %+v", c)
			}
			// The corpus holds both trap shapes and incompressible data: the
			// cabinet the oracles accept must contain repaired blocks, or the
			// test proves nothing about the guard.
			if c.RepairedBlocks == 0 || c.StoredBlocks == 0 {
				t.Errorf("repaired %d, stored %d blocks: the corpus no longer exercises the guard", c.RepairedBlocks, c.StoredBlocks)
			}
			st, err := os.Stat(c.Path)
			if err != nil || st.Size() != c.Size || st.Mode().Perm() != 0o644 {
				t.Fatalf("stat %s: %v, size %d (reported %d), mode %v", c.Path, err, st.Size(), c.Size, st.Mode())
			}
			checkWithTools(t, c.Path, want)
			p, err := readCab(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			date, tm, _ := dosTime(when)
			for i, f := range p.files {
				if f.name != files[i].Name || f.date != date || f.tm != tm || f.attr != attrArchive {
					t.Fatalf("CFFILE %d: %+v, want %s stamped %d %d", i, f, files[i].Name, date, tm)
				}
			}
			digests.check(t, files, want)
			entries, _ := os.ReadDir(out)
			if len(entries) != 1 {
				t.Errorf("output directory holds %d entries, want only the cabinet", len(entries))
			}
		})
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	src := t.TempDir()
	files, _ := writeCorpus(t, src)
	var first []byte
	for _, workers := range []int{1, 3, 8} {
		out := t.TempDir()
		cabs, err := Build(context.Background(), files, Options{Dir: out, Workers: workers, MaxFolderSize: 200_000})
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(cabs[0].Path)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
		} else if !bytes.Equal(got, first) {
			t.Fatalf("workers=%d gives a different cabinet", workers)
		}
	}
}

func TestBuildNoFiles(t *testing.T) {
	dir := t.TempDir()
	cabs, err := Build(context.Background(), nil, Options{Dir: dir})
	if err != nil || len(cabs) != 0 {
		t.Fatalf("Build(no files) = %v, %v; want no cabinets", cabs, err)
	}
}

func TestBuildEdgeCases(t *testing.T) {
	src := t.TempDir()
	write := func(name string, data []byte) File {
		p := filepath.Join(src, fmt.Sprintf("%x", md5.Sum([]byte(name))))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return File{Name: name, Path: p, Size: int64(len(data))}
	}
	cases := map[string][]File{
		// A folder without a single CFDATA block.
		"only empty files": {write("a.txt", nil), write("b.txt", nil)},
		// Non-ASCII names carry the UTF-8 attribute.
		"unicode name": {write("ünïcode.txt", []byte("grüße")), write("plain.txt", []byte("x"))},
		"one byte":     {write("one.bin", []byte{0})},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			cabs, err := Build(context.Background(), files, Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]byte{}
			for _, f := range files {
				want[f.Name], _ = os.ReadFile(f.Path)
			}
			checkWithTools(t, cabs[0].Path, want)
			p, _ := readCab(cabs[0].Path)
			for i, f := range p.files {
				if utf := f.attr&attrNameUTF8 != 0; utf != !isASCII(files[i].Name) {
					t.Errorf("%s: attributes %#x", f.name, f.attr)
				}
			}
		})
	}
}

// observedMD5 holds the MD5 of each file as Options.Observe saw it.
type observedMD5 []hash.Hash

// observeMD5 sets opts.Observe to hash what the builder reads of each of n files.
func observeMD5(opts *Options, n int) observedMD5 {
	digests := make(observedMD5, n)
	opts.Observe = func(i int, chunk []byte) {
		if digests[i] == nil {
			digests[i] = md5.New()
		}
		digests[i].Write(chunk)
	}
	return digests
}

// check says whether Observe saw each file's bytes exactly (and nothing of
// empty files).
func (d observedMD5) check(t *testing.T, files []File, want map[string][]byte) {
	t.Helper()
	for i, f := range files {
		sum := md5.Sum(want[f.Name])
		if (d[i] == nil) != (f.Size == 0) || (d[i] != nil && !bytes.Equal(d[i].Sum(nil), sum[:])) {
			t.Errorf("Observe gave a wrong digest for %s", f.Name)
		}
	}
}
