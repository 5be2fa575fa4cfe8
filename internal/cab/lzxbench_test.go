package cab

import (
	"context"
	"testing"
	"time"
)

// BenchmarkBuildFixtureLZX builds the Go distribution's files into one
// cabinet with each method: size, time, CPU and peak memory.
func BenchmarkBuildFixtureLZX(b *testing.B) {
	_, files := benchTree(b)
	var total int64
	for _, f := range files {
		total += f.Size
	}
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"lzx21", Options{Method: LZX}},
		{"lzx18", Options{Method: LZX, WindowBits: 18}},
		{"lzx15", Options{Method: LZX, WindowBits: 15}},
		{"mszip", Options{}},
	} {
		b.Run(c.name, func(b *testing.B) {
			opts := c.opts
			opts.Dir = b.TempDir()
			b.SetBytes(total)
			var cabs []Cabinet
			peak := peakRSS()
			cpu0 := cpuTime()
			start := time.Now()
			n := 0
			for b.Loop() {
				var err error
				if cabs, err = Build(context.Background(), files, opts); err != nil {
					b.Fatal(err)
				}
				n++
			}
			perOp := time.Since(start) / time.Duration(n)
			var size int64
			for _, cb := range cabs {
				size += cb.Size
			}
			b.ReportMetric(peak(), "peak-RSS-MB")
			b.ReportMetric(float64(size)/1e6, "cab-MB")
			b.ReportMetric(perOp.Seconds(), "wall-s")
			b.ReportMetric(((cpuTime() - cpu0) / time.Duration(n)).Seconds(), "cpu-s")
		})
	}
}
