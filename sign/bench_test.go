package sign

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// benchSize is about the size of the Go distribution's MSI.
const benchSize = 75 << 20

// BenchmarkSignMSI signs a ~75 MB MSI with gomsi and with `osslsigncode
// sign` (same key, digest, extended stream and local TSA) in the same run.
// ns/op is gomsi in process; the metrics give both tools' times as
// separate processes (gomsi through FromEnv, as the mage target runs it),
// the speed-up between those two, gomsi's peak extra heap and both tools'
// peak RSS.
//
//	go test ./sign -run '^$' -bench SignMSI -benchtime 5x
func BenchmarkSignMSI(b *testing.B) {
	ossl := testtool.Require(b, "osslsigncode")
	src := benchMSI(b)
	p := testPKI(b)
	dir := b.TempDir()
	keyPath, certPath := filepath.Join(dir, "key.pem"), filepath.Join(dir, "chain.pem")
	if err := p.rsa.WritePEM(keyPath, certPath); err != nil {
		b.Fatal(err)
	}
	_, url := startTSA(b)
	env := map[string]string{EnvKey: keyPath, EnvCert: certPath, EnvTimestampURLs: url}
	keySrc, opts, _, err := FromEnv(mapEnv(env))
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(context.Background(), keySrc, opts)
	if err != nil {
		b.Fatal(err)
	}
	work := filepath.Join(dir, "work.msi")
	osslOut := filepath.Join(dir, "ossl.msi")

	var osslTime, childTime time.Duration
	var peakHeap, osslRSS, childRSS uint64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		copyFile(b, src, work)
		b.StartTimer()
		peak, err := heapPeak(func() error { return s.SignMSI(context.Background(), work) })
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		peakHeap = max(peakHeap, peak)

		copyFile(b, src, work)
		d, rss := run(b, exec.Command(os.Args[0], "-test.run=^$"), append(envList(env), childEnv+"="+work))
		childTime += d
		childRSS = max(childRSS, rss)

		os.Remove(osslOut)
		d, rss = run(b, exec.Command(ossl, "sign", "-certs", certPath, "-key", keyPath, "-h", "sha256",
			"-add-msi-dse", "-ts", url, "-in", src, "-out", osslOut), nil)
		osslTime += d
		osslRSS = max(osslRSS, rss)
		b.StartTimer()
	}
	b.StopTimer()
	if _, err := VerifyMSI(work, p.roots()); err != nil {
		b.Fatal(err)
	}
	if _, err := VerifyMSI(osslOut, p.roots()); err != nil {
		b.Fatal(err)
	}
	gomsi := b.Elapsed().Seconds() / float64(b.N)
	osslS := osslTime.Seconds() / float64(b.N)
	b.ReportMetric(gomsi, "gomsi-s/op")
	b.ReportMetric(childTime.Seconds()/float64(b.N), "gomsi-process-s/op")
	b.ReportMetric(osslS, "osslsigncode-s/op")
	// Process against process: both pay start-up and key loading.
	b.ReportMetric(osslS/(childTime.Seconds()/float64(b.N)), "speedup-x")
	b.ReportMetric(float64(peakHeap)/(1<<20), "gomsi-peak-heap-MB")
	b.ReportMetric(float64(childRSS)/(1<<20), "gomsi-maxrss-MB")
	b.ReportMetric(float64(osslRSS)/(1<<20), "osslsigncode-maxrss-MB")
}

// childEnv makes the test binary sign one file through FromEnv and exit,
// so that the benchmark can measure gomsi's resident memory on its own.
const childEnv = "GOMSI_SIGN_BENCH_CHILD"

// benchChild runs in the child process; see TestMain.
func benchChild(path string) error {
	env := map[string]string{}
	for _, k := range []string{EnvPFX, EnvPassword, EnvKey, EnvCert, EnvTimestampURLs, EnvDigest, EnvAllowUnstamped} {
		env[k] = os.Getenv(k) // a test helper: the parent process set them
	}
	src, opts, ok, err := FromEnv(mapEnv(env))
	if err != nil || !ok {
		return fmt.Errorf("signing not configured: %v", err)
	}
	s, err := New(context.Background(), src, opts)
	if err != nil {
		return err
	}
	return s.SignMSI(context.Background(), path)
}

// run runs cmd and returns its wall time and peak resident set size.
//
// Linux charges a process started from Go with the parent's memory
// high-water mark (Go starts children with vfork, and exec keeps the
// maximum), so when GNU time is installed it measures the command from a
// small process of its own.
func run(b *testing.B, cmd *exec.Cmd, env []string) (time.Duration, uint64) {
	b.Helper()
	var rssFile string
	if gnuTime, err := exec.LookPath("/usr/bin/time"); err == nil {
		rssFile = filepath.Join(b.TempDir(), "rss")
		cmd = exec.Command(gnuTime, append([]string{"-f", "%M", "-o", rssFile, cmd.Path}, cmd.Args[1:]...)...)
	}
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v\n%s", cmd.Args, err, out)
	}
	if rssFile != "" {
		data, err := os.ReadFile(rssFile)
		if err != nil {
			b.Fatal(err)
		}
		var kb uint64
		if _, err := fmt.Sscan(string(data), &kb); err != nil {
			b.Fatalf("GNU time wrote %q: %v", data, err)
		}
		return d, kb << 10
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return d, 0
	}
	return d, uint64(ru.Maxrss) << 10 // kilobytes on Linux
}

// heapPeak runs f and returns the highest live heap above the level before
// it, sampled every 100µs: runtime/metrics reads without stopping the world.
func heapPeak(f func() error) (uint64, error) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	err := f()
	close(stop)
	wg.Wait()
	peak = max(peak, read())
	if peak < base {
		return 0, err
	}
	return peak - base, err
}

func envList(m map[string]string) []string {
	var l []string
	for k, v := range m {
		l = append(l, k+"="+v)
	}
	return l
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// benchMSI returns a ~75 MB MSI built by wixl from incompressible data,
// cached in _out/bench: wixl needs about ten seconds to compress it.
func benchMSI(b *testing.B) string {
	b.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "_out", "bench"))
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "sign-75MB.msi")
	if fi, err := os.Stat(path); err == nil && fi.Size() > benchSize {
		return path
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	// Streamed, not held in memory: the parent's memory high-water mark
	// would otherwise show up in the children's figures.
	built := buildMSI(b, b.TempDir(), func(w io.Writer) error {
		_, err := io.CopyN(w, rand.NewChaCha8([32]byte{'g', 'o', 'm', 's', 'i'}), benchSize)
		return err
	})
	tmp := path + ".tmp"
	copyFile(b, built, tmp)
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}
