package native_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/pipeline"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native"
)

// BenchmarkFixtureLZXVsWixl compiles the go1.26.8 fixture three ways in
// one run, each as a child process: the native toolset on gomsi's own
// source (CompressionLevel="high": LZX with a 2 MiB window), the native
// toolset on the same source with CompressionLevel="mszip", and wixl on
// the wixl-dialect source. It reports times, peak RSS and package sizes,
// xz -3 of the same tree as a floor for the size, and holds LZX to its
// targets (issue 15): at most 59.4 MiB, 0.82 of the 72.4 MiB MSZIP
// package "high" gave before LZX; the LZX compile and go run mage.go msi,
// for a zip not seen before and again, each under half of wixl's time;
// below 300 MB. A first run extracts the zip: on a disk still busy with a
// large deletion it is slower (README, "Measured").
func BenchmarkFixtureLZXVsWixl(b *testing.B) {
	zipPath := testtool.Fixture(b, "go1.26.8.windows-amd64.zip")
	wixlPath := testtool.Require(b, "wixl")
	xz := testtool.Require(b, "xz")
	wixlP := newPipeline(b, zipPath, &wix.Wixl{Runner: wix.ExecRunner{}})
	wixlBuilds, _, err := wixlP.WXS(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	nativeP := newPipeline(b, zipPath, &native.Toolset{})
	nativeBuilds, _, err := nativeP.WXS(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	wb, nb := wixlBuilds[0], nativeBuilds[0]
	dir := b.TempDir()
	// The same source asking for MSZIP.
	mszipBuild := *nb
	mszipBuild.Sources = nil
	high := false
	for _, s := range nb.Sources {
		src, err := os.ReadFile(s)
		if err != nil {
			b.Fatal(err)
		}
		high = high || strings.Contains(string(src), `CompressionLevel="high"`)
		copyPath := filepath.Join(dir, filepath.Base(s))
		if err := os.WriteFile(copyPath, []byte(strings.ReplaceAll(string(src), `CompressionLevel="high"`, `CompressionLevel="mszip"`)), 0o644); err != nil {
			b.Fatal(err)
		}
		mszipBuild.Sources = append(mszipBuild.Sources, copyPath)
	}
	if !high {
		b.Fatal(`gomsi's native source no longer asks for CompressionLevel="high"`)
	}
	srcDir := filepath.Dir(wb.Sources[0])
	rel, err := filepath.Rel(srcDir, wb.Dist.Root)
	if err != nil {
		b.Fatal(err)
	}
	wixlOut := filepath.Join(dir, "wixl.msi")
	wixlArgs := []string{"-a", wb.Product.Arch.WixArch, "-D", "SourceDir=" + rel, "-o", wixlOut}
	for _, s := range wb.Sources {
		wixlArgs = append(wixlArgs, filepath.Base(s))
	}
	child := func(bd *pipeline.Build, out string) *exec.Cmd {
		spec, err := json.Marshal(wix.Job{Sources: bd.Sources, SourceDir: bd.Dist.Root, Arch: bd.Product.Arch, Out: out})
		if err != nil {
			b.Fatal(err)
		}
		self, err := os.Executable()
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(self, "-test.run=^$")
		cmd.Env = append(os.Environ(), childJob+"="+string(spec))
		return cmd
	}
	lzxOut, mszipOut := filepath.Join(dir, "lzx.msi"), filepath.Join(dir, "mszip.msi")
	xzSize := xz3Size(b, xz, nb.Dist.Root)
	mageMSI := mageMSICommand(b, zipPath)
	runChild(b, mageMSI(dir, "-l")) // compiles the magefile once, as any earlier use has
	var lzxTime, mszipTime, wixlTime, firstTime, againTime time.Duration
	var lzxRSS int64
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d, rss := runChild(b, child(nb, lzxOut))
		lzxTime += d
		lzxRSS = max(lzxRSS, rss)
		d, _ = runChild(b, child(&mszipBuild, mszipOut))
		mszipTime += d
		cmd := exec.Command(wixlPath, wixlArgs...)
		cmd.Dir = srcDir
		d, _ = runChild(b, cmd)
		wixlTime += d
		out := filepath.Join(dir, fmt.Sprintf("mage-out-%d", i))
		d, _ = runChild(b, mageMSI(out, "msi")) // a new zip: extracted
		firstTime += d
		d, _ = runChild(b, mageMSI(out, "msi")) // the same zip again: its tree reused
		againTime += d
	}
	b.StopTimer()
	lzxSize, mszipSize, wixlSize := fileSize(b, lzxOut), fileSize(b, mszipOut), fileSize(b, wixlOut)
	n := float64(b.N)
	mb := func(v int64) float64 { return float64(v) / (1 << 20) }
	b.ReportMetric(lzxTime.Seconds()/n, "lzx-s/op")
	b.ReportMetric(mszipTime.Seconds()/n, "mszip-s/op")
	b.ReportMetric(wixlTime.Seconds()/n, "wixl-s/op")
	b.ReportMetric(lzxTime.Seconds()/wixlTime.Seconds(), "lzx/wixl-time")
	b.ReportMetric(firstTime.Seconds()/n, "mage-msi-first-s/op")
	b.ReportMetric(againTime.Seconds()/n, "mage-msi-again-s/op")
	b.ReportMetric(firstTime.Seconds()/wixlTime.Seconds(), "mage-msi-first/wixl-time")
	b.ReportMetric(againTime.Seconds()/wixlTime.Seconds(), "mage-msi-again/wixl-time")
	b.ReportMetric(mb(lzxRSS), "lzx-peak-MB")
	b.ReportMetric(mb(lzxSize), "lzx-msi-MB")
	b.ReportMetric(mb(mszipSize), "mszip-msi-MB")
	b.ReportMetric(mb(wixlSize), "wixl-msi-MB")
	b.ReportMetric(mb(xzSize), "xz3-tree-MB")
	b.ReportMetric(float64(lzxSize)/float64(mszipSize), "lzx/mszip-size")
	b.ReportMetric(float64(lzxSize)/float64(xzSize), "lzx/xz3-size")
	b.Logf("LZX %.1f s, %.1f MB, %d MB peak; MSZIP %.1f s, %.1f MB; wixl %.1f s, %.1f MB; xz -3 of the tree %.1f MB (MB = 2^20 bytes); go run mage.go msi %.1f s (new zip), %.1f s (again)",
		lzxTime.Seconds()/n, mb(lzxSize), lzxRSS>>20, mszipTime.Seconds()/n, mb(mszipSize), wixlTime.Seconds()/n, mb(wixlSize), mb(xzSize),
		firstTime.Seconds()/n, againTime.Seconds()/n)
	if mb(lzxSize) > 0.82*72.4 {
		b.Errorf("the LZX package is %.1f MiB, the target is at most 59.4 MiB (0.82 of the MSZIP package before LZX)", mb(lzxSize))
	}
	if r := lzxTime.Seconds() / wixlTime.Seconds(); r >= 0.5 {
		b.Errorf("LZX took %.2f of wixl's time, the target is under 1/2", r)
	}
	for _, run := range []struct {
		what string
		took time.Duration
	}{{"for a zip not seen before", firstTime}, {"again, reusing the extracted tree", againTime}} {
		if r := run.took.Seconds() / wixlTime.Seconds(); r >= 0.5 {
			b.Errorf("go run mage.go msi %s took %.2f of wixl's compile time, the target is under 1/2", run.what, r)
		}
	}
	if lzxRSS >= 300<<20 {
		b.Errorf("LZX peak RSS %d MB, the target is below 300 MB", lzxRSS>>20)
	}
}

// xz3Size is the size of tar | xz -3 of the tree under root.
func xz3Size(b *testing.B, xz, root string) int64 {
	b.Helper()
	tar := exec.Command("tar", "-cf", "-", "-C", filepath.Dir(root), filepath.Base(root))
	comp := exec.Command(xz, "-3", "-T1", "-c")
	pipe, err := tar.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	comp.Stdin = pipe
	var out strings.Builder
	count := &countWriter{}
	comp.Stdout = count
	comp.Stderr = &out
	if err := tar.Start(); err != nil {
		b.Fatal(err)
	}
	if err := comp.Run(); err != nil {
		b.Fatalf("xz: %v: %s", err, out.String())
	}
	if err := tar.Wait(); err != nil {
		b.Fatalf("tar: %v", err)
	}
	return count.n
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// mageMSICommand returns a command running `go run mage.go <target>` in
// gomsi's module folder as a user does, building the zip at zipPath with
// the native toolset into an out folder; no other GOMSI_ setting leaks in.
func mageMSICommand(b *testing.B, zipPath string) func(out, target string) *exec.Cmd {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "mage.go")); err != nil {
		b.Fatalf("gomsi's module folder: %v", err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOMSI_") {
			env = append(env, kv)
		}
	}
	return func(out, target string) *exec.Cmd {
		cmd := exec.Command("go", "run", "mage.go", target)
		cmd.Dir = root
		cmd.Env = append(env, "GOMSI_TOOLSET=native", "GOMSI_SOURCE="+zipPath, "GOMSI_ARCH=amd64", "GOMSI_OUT="+out)
		return cmd
	}
}
