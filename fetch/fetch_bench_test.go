package fetch

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/fakedl"
	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// BenchmarkFetchVsCurl downloads the 75 MB fixture from a local server
// (index, redirect, file) with Fetch and with curl -L, in the same run.
// Fetch also hashes, fsyncs and renames; curl only writes. Reported:
// ns/op (Fetch), curl-ns/op, fetch/curl (target < 1.5) and extra-MB, the
// growth of the process's peak resident memory during one Fetch (target
// < 64); it fails when a target is missed.
func BenchmarkFetchVsCurl(b *testing.B) {
	fixture := testtool.Fixture(b, fixtureName)
	curl := testtool.Require(b, "curl")
	srv := fakedl.New()
	defer srv.Close()
	if _, err := srv.AddZipFile("go1.26.8", true, "amd64", fixture); err != nil {
		b.Fatal(err)
	}
	client, err := NewHTTPClient(ClientOptions{})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	// fetchOnce returns the cache folder it filled, for the caller to remove
	// outside the timed part, as the curl run's output is.
	fetchOnce := func() (cache string) {
		cache, err := os.MkdirTemp(dir, "cache")
		if err != nil {
			b.Fatal(err)
		}
		f, err := New(Options{Source: indexSource(srv), CacheDir: cache, HTTPClient: client, NoProgress: true})
		if err != nil {
			b.Fatal(err)
		}
		got, err := f.Fetch(context.Background(), "go1.26.8", "amd64")
		if err != nil {
			b.Fatal(err)
		}
		if got.SHA256 != fixtureSHA256 {
			b.Fatalf("SHA-256 %s", got.SHA256)
		}
		return cache
	}
	curlOnce := func() time.Duration {
		out := filepath.Join(dir, "curl.zip")
		defer os.Remove(out)
		start := time.Now()
		if msg, err := exec.Command(curl, "-s", "-f", "-L", "-o", out, srv.URL+fixtureName).CombinedOutput(); err != nil {
			b.Fatalf("curl: %v: %s", err, msg)
		}
		return time.Since(start)
	}
	os.RemoveAll(fetchOnce()) // warm the page cache and the connection pool
	curlOnce()

	extra := peakGrowth(func() { os.RemoveAll(fetchOnce()) })
	var curlTotal time.Duration
	b.ResetTimer()
	for range b.N {
		cache := fetchOnce()
		b.StopTimer()
		os.RemoveAll(cache)
		curlTotal += curlOnce()
		b.StartTimer()
	}
	b.StopTimer()
	curlNs := float64(curlTotal.Nanoseconds()) / float64(b.N)
	fetchNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(fetchNs/1e9, "fetch-s/op")
	b.ReportMetric(curlNs/1e9, "curl-s/op")
	b.ReportMetric(fetchNs/curlNs, "fetch/curl")
	if extra >= 0 {
		b.ReportMetric(float64(extra)/(1<<20), "extra-MB")
	}
	if fetchNs >= 1.5*curlNs {
		b.Errorf("Fetch took %.2fx curl's time; the target is under 1.5x", fetchNs/curlNs)
	}
	if extra >= 64<<20 {
		b.Errorf("Fetch grew the peak memory by %d MB; the target is under 64 MB", extra>>20)
	}
}

// peakGrowth runs f and returns how far the process's peak resident set
// rose above its size before f, or -1 where Linux's /proc is missing.
func peakGrowth(f func()) int64 {
	if runtime.GOOS != "linux" {
		f()
		return -1
	}
	debug.FreeOSMemory() // so that memory reused from earlier runs counts too
	if !testtool.ResetPeakRSS() {
		f()
		return -1
	}
	before := testtool.ProcStatus("VmRSS")
	f()
	peak := testtool.ProcStatus("VmHWM")
	if before < 0 || peak < 0 {
		return -1
	}
	return peak - before
}
