package cab

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/payload"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// lzxCorpus adds to the MSZIP corpus what LZX cares about: frames (32 KiB)
// filled exactly, E8 calls straddling every frame boundary, a file larger
// than the largest window, and many small files.
func lzxCorpus(t *testing.T, dir string) ([]File, map[string][]byte) {
	files, want := writeCorpus(t, dir)
	add := func(name string, data []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: name, Path: p, Size: int64(len(data))})
		want[name] = data
	}
	add("empty2.txt", nil)
	add("exact64k.bin", payload.Text(20, 2*blockSize))
	code := payload.X86(21, 20*blockSize)
	for i := blockSize - 5; i < len(code)-5; i += blockSize {
		for k := range 5 { // an E8 at each of the last 5 bytes of a frame, and 5 bytes into the next
			code[i+k-5+1] = 0xE8
			code[i+k+5] = 0xE8
		}
	}
	add("code.exe", code)
	add("empty3.txt", nil)
	big := payload.X86(22, 1<<20)
	add("larger-than-window.bin", append(append(bytes.Clone(big), payload.Random(23, 1<<20)...), big...))
	for i := range 2000 {
		add(fmt.Sprintf("many%04d.go", i), payload.Text(uint64(1000+i), i%700))
	}
	return files, want
}

// TestLZXExtractsWithEveryDecoder builds LZX cabinets with every window and
// has them decoded by libmspack (cabextract -t and extraction), 7-Zip,
// gcab and the Go reader, each giving back every file exactly.
func TestLZXExtractsWithEveryDecoder(t *testing.T) {
	src := t.TempDir()
	files, want := lzxCorpus(t, src)
	for wb := 15; wb <= 21; wb++ {
		t.Run(fmt.Sprint(wb), func(t *testing.T) {
			out := t.TempDir()
			opts := Options{Dir: out, Method: LZX, WindowBits: wb}
			digests := observeMD5(&opts, len(files))
			cabs, err := Build(context.Background(), files, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(cabs) != 1 {
				t.Fatalf("%d cabinets, want 1", len(cabs))
			}
			c := cabs[0]
			t.Logf("%s: %d -> %d bytes, %d blocks, %d stored", c.Name, c.UncompressedSize, c.Size, c.Blocks, c.StoredBlocks)
			if c.StoredBlocks == 0 || c.StoredBlocks == c.Blocks {
				t.Errorf("%d of %d blocks stored: the corpus has both incompressible and compressible frames", c.StoredBlocks, c.Blocks)
			}
			p, err := readCab(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			if typ := p.folders[0].typ; typ != typeLZX|uint16(wb)<<8 {
				t.Errorf("folder type %#x", typ)
			}
			check7z(t, c.Path)
			checkWithTools(t, c.Path, want)
			digests.check(t, files, want)
		})
	}
}

// TestLZXLargeCabinet: a cabinet over 64 MiB holds several folders, each
// its own LZX stream compressed by its own worker, read back by every
// decoder.
func TestLZXLargeCabinet(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 66 MiB per window size")
	}
	src := t.TempDir()
	var files []File
	want := map[string][]byte{}
	unit := append(payload.X86(30, 3<<20), payload.Text(31, 1<<20)...)
	for i := range 17 { // 68 MiB
		name := fmt.Sprintf("part%02d.bin", i)
		data := bytes.Clone(unit)
		binary.LittleEndian.PutUint64(data[i*1000:], uint64(i)) // every part differs
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: name, Path: p, Size: int64(len(data))})
		want[name] = data
	}
	for wb := 15; wb <= 21; wb++ {
		t.Run(fmt.Sprint(wb), func(t *testing.T) {
			cabs, err := Build(context.Background(), files, Options{Dir: t.TempDir(), Method: LZX, WindowBits: wb})
			if err != nil {
				t.Fatal(err)
			}
			if len(cabs) != 1 || cabs[0].Folders < 2 || cabs[0].UncompressedSize <= 64<<20 {
				t.Fatalf("cabinets %+v, want one of several folders over 64 MiB", cabs)
			}
			check7z(t, cabs[0].Path)
			checkWithTools(t, cabs[0].Path, want)
			if wb != 21 {
				return
			}
			// The README promises folders of at most DefaultLZXFolderSize:
			// 68 MiB of 4 MiB files make 6 folders of at most 12 MiB.
			parsed, err := readCab(cabs[0].Path)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(parsed.folders); n != 6 {
				t.Errorf("%d folders, want 6 of at most %d bytes", n, DefaultLZXFolderSize)
			}
			for i, fo := range parsed.folders {
				if int64(fo.blocks)*blockSize > DefaultLZXFolderSize {
					t.Errorf("folder %d holds %d blocks of %d bytes, over the %d-byte default", i, fo.blocks, blockSize, DefaultLZXFolderSize)
				}
			}
		})
	}
}

// TestLZXIsDeterministic: the worker count never changes the bytes.
func TestLZXIsDeterministic(t *testing.T) {
	src := t.TempDir()
	files, _ := lzxCorpus(t, src)
	for _, method := range []Method{LZX, Stored} {
		var first []byte
		for _, workers := range []int{1, 3, 8} {
			out := t.TempDir()
			cabs, err := Build(context.Background(), files, Options{Dir: out, Method: method, Workers: workers, MaxFolderSize: 300_000})
			if err != nil {
				t.Fatal(err)
			}
			if cabs[0].Folders < 5 {
				t.Fatalf("%d folders: the test needs several", cabs[0].Folders)
			}
			got, err := os.ReadFile(cabs[0].Path)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = got
			} else if !bytes.Equal(got, first) {
				t.Fatalf("%v: workers=%d gives a different cabinet", method, workers)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 1 {
				t.Errorf("%v: the output directory holds %d entries, want only the cabinet", method, len(entries))
			}
		}
	}
}

func TestStoredExtracts(t *testing.T) {
	src := t.TempDir()
	files, want := lzxCorpus(t, src)
	cabs, err := Build(context.Background(), files, Options{Dir: t.TempDir(), Method: Stored})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := readCab(cabs[0].Path); err != nil || p.folders[0].typ != typeStored {
		t.Fatalf("read: %v", err)
	}
	check7z(t, cabs[0].Path)
	checkWithTools(t, cabs[0].Path, want)
}

func TestMethodOptions(t *testing.T) {
	for _, o := range []Options{
		{Method: LZX, WindowBits: 14},
		{Method: LZX, WindowBits: 22},
		{Method: MSZIP, WindowBits: 21},
		{Method: Method(9)},
	} {
		o.Dir = t.TempDir()
		if _, err := o.resolve(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// check7z tests a cabinet with 7-Zip, an LZX decoder independent of
// libmspack.
func check7z(t *testing.T, cab string) {
	t.Helper()
	sz := testtool.Require(t, "7zz")
	out, err := exec.Command(sz, "t", cab).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Everything is Ok") {
		t.Fatalf("7zz t %s: %v: %s", cab, err, lastLines(out))
	}
}

// TestLZXGuardStopsBadFrames: a frame that does not decode to its input
// fails the build, which leaves nothing behind. The corruptions keep the
// frame decodable (a flipped literal bit in a stored frame) or not.
func TestLZXGuardStopsBadFrames(t *testing.T) {
	src := t.TempDir()
	files, _ := lzxCorpus(t, src)
	for name, corrupt := range map[string]func([]byte){
		"last byte":  func(f []byte) { f[len(f)-1] ^= 0x10 },
		"first byte": func(f []byte) { f[0] ^= 0x80 },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			o, err := Options{Dir: dir, Method: LZX}.resolve()
			if err != nil {
				t.Fatal(err)
			}
			o.corrupt = corrupt
			p := planner{maxCab: o.MaxCabinetSize, maxFolder: o.MaxFolderSize, overhead: o.blockOverhead(), name: func(int) string { return "x.cab" }}
			plans, err := p.plan(files)
			if err != nil {
				t.Fatal(err)
			}
			_, err = newFolderBuilder(o, files, plans).run(context.Background())
			if err == nil || !strings.Contains(err.Error(), "check compressed block") {
				t.Fatalf("build with corrupted frames: %v, want the guard's error", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a failed build left %d files", len(entries))
			}
		})
	}
}
