package cab

import (
	"archive/zip"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// benchTree extracts the Go distribution fixture once into _out/bench-tree
// (a marker says the extraction finished) and lists its files in path
// order, named by their relative paths as gcab names them.
func benchTree(b *testing.B) (string, []File) {
	b.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", "_out", "bench-tree"))
	if err != nil {
		b.Fatal(err)
	}
	marker := filepath.Join(root, ".extracted")
	if _, err := os.Stat(marker); err != nil {
		if err := extract(testtool.Fixture(b, "go1.26.8.windows-amd64.zip"), root); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	var files []File
	err = filepath.WalkDir(filepath.Join(root, "go"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, File{Name: filepath.ToSlash(rel), Path: p, Size: info.Size()})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return root, files
}

func extract(zipPath, dir string) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if f.FileInfo().IsDir() {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		r, err := f.Open()
		if err != nil {
			return err
		}
		w, err := os.Create(p)
		if err == nil {
			_, err = io.Copy(w, r)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
		}
		r.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// peakRSS resets the kernel's high-water mark of this process (Linux) so
// that each measurement covers one run, and returns a reader for it in MB.
func peakRSS() func() float64 {
	testtool.ResetPeakRSS()
	return func() float64 {
		return max(0, float64(testtool.ProcStatus("VmHWM"))/(1<<20))
	}
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// gcabRun is `gcab -c -z` on the same files, measured once per process.
var gcabRun struct {
	sync.Once
	wall, cpu time.Duration
	size      int64
	rssMB     float64
	err       error
}

func runGcab(b *testing.B, root string, files []File) {
	gcab := testtool.Require(b, "gcab")
	gcabRun.Do(func() {
		out := filepath.Join(b.TempDir(), "gcab.cab")
		args := []string{"-c", "-z", out}
		for _, f := range files {
			args = append(args, f.Name)
		}
		cmd := exec.Command(gcab, args...)
		cmd.Dir = root
		start := time.Now()
		if msg, err := cmd.CombinedOutput(); err != nil {
			gcabRun.err = err
			b.Logf("gcab: %s", msg)
			return
		}
		gcabRun.wall = time.Since(start)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			gcabRun.rssMB = float64(ru.Maxrss) / 1024
		}
		gcabRun.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		st, err := os.Stat(out)
		if err != nil {
			gcabRun.err = err
			return
		}
		gcabRun.size = st.Size()
	})
	if gcabRun.err != nil {
		b.Fatalf("gcab: %v", gcabRun.err)
	}
}

// BenchmarkBuildFixture builds the Go distribution's 15,036 files into one
// cabinet and compares with gcab -c -z (zlib, what wixl uses) in the same
// run: wall time ratio, sizes, peak memory.
func BenchmarkBuildFixture(b *testing.B) {
	root, files := benchTree(b)
	var total int64
	for _, f := range files {
		total += f.Size
	}
	runGcab(b, root, files)
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"default", Options{}},
		{"level=5", Options{Level: 5}},
		{"level=6", Options{Level: 6}},
		{"level=7", Options{Level: 7}},
		{"independent", Options{IndependentBlocks: true}},
		{"workers=1", Options{Workers: 1}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cabs, perOp, cpuPerOp, peakMB := timeBuilds(b, files, c.opts, total)
			var size int64
			var repairedBlocks, storedBlocks int
			for _, cb := range cabs {
				size += cb.Size
				repairedBlocks += cb.RepairedBlocks
				storedBlocks += cb.StoredBlocks
			}
			b.ReportMetric(float64(repairedBlocks), "repaired-blocks")
			b.ReportMetric(float64(storedBlocks), "stored-blocks")
			b.ReportMetric(peakMB, "peak-RSS-MB")
			b.ReportMetric(float64(size)/1e6, "cab-MB")
			b.ReportMetric(float64(gcabRun.size)/1e6, "gcab-MB")
			b.ReportMetric(float64(size)/float64(gcabRun.size), "size/gcab")
			b.ReportMetric(float64(gcabRun.wall)/float64(perOp), "speedup/gcab")
			b.ReportMetric(gcabRun.rssMB, "gcab-peak-RSS-MB")
			b.ReportMetric(cpuPerOp.Seconds(), "cpu-s")
			b.ReportMetric(gcabRun.cpu.Seconds(), "gcab-cpu-s")
		})
	}
}

// timeBuilds builds files into cabinets with opts for as long as the
// benchmark runs: the last cabinets, wall and CPU time per build, peak RSS.
func timeBuilds(b *testing.B, files []File, opts Options, total int64) (cabs []Cabinet, perOp, cpuPerOp time.Duration, peakMB float64) {
	opts.Dir = b.TempDir()
	b.SetBytes(total)
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
	return cabs, time.Since(start) / time.Duration(n), (cpuTime() - cpu0) / time.Duration(n), peak()
}
