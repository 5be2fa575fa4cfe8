package native_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/wix"
)

// BenchmarkFixtureNativeVsWixl compiles the go1.26.8 fixture (15,036
// files) from the same WiX source, rendered for wixl, with wixl and with the
// native toolset, each as a child process, in the same run. It reports both
// wall times, peak RSS and package sizes, and the ratios the native toolset
// is held to: time at most 1/5 of wixl's, RSS below 200 MB, a package no
// larger than wixl's.
func BenchmarkFixtureNativeVsWixl(b *testing.B) {
	zipPath := testtool.Fixture(b, "go1.26.8.windows-amd64.zip")
	wixlPath := testtool.Require(b, "wixl")
	wixlTS := &wix.Wixl{Runner: wix.ExecRunner{}}
	p := newPipeline(b, zipPath, wixlTS)
	builds, _, err := p.WXS(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	bd := builds[0]
	dir := b.TempDir()
	srcDir := filepath.Dir(bd.Sources[0])
	rel, err := filepath.Rel(srcDir, bd.Dist.Root)
	if err != nil {
		b.Fatal(err)
	}
	wixlOut := filepath.Join(dir, "wixl.msi")
	wixlArgs := []string{"-a", bd.Product.Arch.WixArch, "-D", "SourceDir=" + rel, "-o", wixlOut}
	for _, s := range bd.Sources {
		wixlArgs = append(wixlArgs, filepath.Base(s))
	}
	nativeOut := filepath.Join(dir, "native.msi")
	spec, err := json.Marshal(wix.Job{Sources: bd.Sources, SourceDir: bd.Dist.Root, Arch: bd.Product.Arch, Out: nativeOut})
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv("GOMSI_NATIVE_BENCH_KEEP") != "" {
		os.WriteFile(os.Getenv("GOMSI_NATIVE_BENCH_KEEP"), spec, 0o644)
	}
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	var nativeTime, wixlTime time.Duration
	var nativeRSS, wixlRSS int64
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(self, "-test.run=^$")
		cmd.Env = append(os.Environ(), childJob+"="+string(spec))
		d, rss := runChild(b, cmd)
		nativeTime += d
		nativeRSS = max(nativeRSS, rss)

		cmd = exec.Command(wixlPath, wixlArgs...)
		cmd.Dir = srcDir
		d, rss = runChild(b, cmd)
		wixlTime += d
		wixlRSS = max(wixlRSS, rss)
	}
	b.StopTimer()
	nativeSize, wixlSize := fileSize(b, nativeOut), fileSize(b, wixlOut)
	n := float64(b.N)
	b.ReportMetric(nativeTime.Seconds()/n, "native-s/op")
	b.ReportMetric(wixlTime.Seconds()/n, "wixl-s/op")
	b.ReportMetric(nativeTime.Seconds()/wixlTime.Seconds(), "native/wixl-time")
	b.ReportMetric(float64(nativeRSS)/(1<<20), "native-peak-MB")
	b.ReportMetric(float64(wixlRSS)/(1<<20), "wixl-peak-MB")
	b.ReportMetric(float64(nativeSize)/(1<<20), "native-msi-MB")
	b.ReportMetric(float64(wixlSize)/(1<<20), "wixl-msi-MB")
	b.ReportMetric(float64(nativeSize)/float64(wixlSize), "native/wixl-size")
	if r := nativeTime.Seconds() / wixlTime.Seconds(); r > 0.2 {
		b.Errorf("native took %.2f of wixl's time, the target is at most 1/5", r)
	}
	if nativeRSS >= 200<<20 {
		b.Errorf("native peak RSS %d MB, the target is below 200 MB", nativeRSS>>20)
	}
	if nativeSize > wixlSize {
		b.Errorf("native's MSI (%d bytes) is larger than wixl's (%d)", nativeSize, wixlSize)
	}
}

// runChild runs a command and returns its wall time and peak RSS in bytes
// (from the kernel's rusage of the child).
func runChild(b *testing.B, cmd *exec.Cmd) (time.Duration, int64) {
	b.Helper()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v: %s", cmd.Path, err, msitest.Tail(string(out)))
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return d, rss
}

func fileSize(b *testing.B, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}
