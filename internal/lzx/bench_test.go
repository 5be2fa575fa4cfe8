package lzx

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// sample concatenates up to n bytes of the extracted fixture tree
// (_out/bench-tree, made by internal/cab's benchmarks), in path order.
func sample(b testing.TB, n int) []byte {
	root := filepath.Join("..", "..", "_out", "bench-tree", "go", os.Getenv("LZX_SAMPLE_DIR"))
	var data []byte
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || len(data) >= n {
			return err
		}
		c, err := os.ReadFile(p)
		data = append(data, c...)
		return err
	})
	if len(data) == 0 {
		b.Skip("no _out/bench-tree: run go test -bench BuildFixture ./internal/cab first")
	}
	return data[:min(n, len(data))]
}

func BenchmarkEncode(b *testing.B) {
	data := sample(b, 32<<20)
	for _, wb := range []int{15, 18, 21} {
		b.Run(string(rune('0'+wb/10))+string(rune('0'+wb%10)), func(b *testing.B) {
			e, err := NewEncoder(Options{WindowBits: wb, TranslationSize: DefaultTranslationSize(int64(len(data)))})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			var n int
			for b.Loop() {
				e.Reset()
				n = 0
				if err := e.Encode(data, true, func(c []byte, _ int) error { n += len(c); return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/float64(len(data)), "ratio")
		})
	}
}

// BenchmarkDecode decodes the sample's 2 MiB-window stream, as the cab
// writer decodes every frame it writes to check it.
func BenchmarkDecode(b *testing.B) {
	data := sample(b, 32<<20)
	e, err := NewEncoder(Options{WindowBits: 21, TranslationSize: DefaultTranslationSize(int64(len(data)))})
	if err != nil {
		b.Fatal(err)
	}
	type frame struct {
		comp []byte
		size int
	}
	var frames []frame
	err = e.Encode(data, true, func(c []byte, n int) error {
		frames = append(frames, frame{append([]byte(nil), c...), n})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	d, err := NewDecoder(21)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d.Reset()
		for _, f := range frames {
			if _, err := d.Frame(f.comp, f.size); err != nil {
				b.Fatal(err)
			}
		}
	}
}
