package cab

import (
	"testing"
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
			cabs, perOp, cpuPerOp, peakMB := timeBuilds(b, files, c.opts, total)
			var size int64
			for _, cb := range cabs {
				size += cb.Size
			}
			b.ReportMetric(peakMB, "peak-RSS-MB")
			b.ReportMetric(float64(size)/1e6, "cab-MB")
			b.ReportMetric(perOp.Seconds(), "wall-s")
			b.ReportMetric(cpuPerOp.Seconds(), "cpu-s")
		})
	}
}
