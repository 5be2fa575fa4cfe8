package sign

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// BenchmarkSignTree signs the executables of the Go distribution fixture
// (go.exe, gofmt.exe, pkg/tool/*/*.exe) with SignTree, and the same files
// one after the other with `osslsigncode sign`, for comparison.
//
//	go test ./sign -run '^$' -bench SignTree -benchtime 3x
func BenchmarkSignTree(b *testing.B) {
	ossl := testtool.Require(b, "osslsigncode")
	fixture := testtool.Fixture(b, "go1.26.8.windows-amd64.zip")
	p := testPKI(b)
	dir := b.TempDir()
	keyPath, certPath := filepath.Join(dir, "key.pem"), filepath.Join(dir, "chain.pem")
	if err := p.rsa.WritePEM(keyPath, certPath); err != nil {
		b.Fatal(err)
	}
	_, url := startTSA(b)
	s, err := New(context.Background(), PEMFiles{KeyPath: keyPath, CertPath: certPath}, Options{TimestampURLs: []string{url}})
	if err != nil {
		b.Fatal(err)
	}
	orig := filepath.Join(dir, "orig")
	total := extractPE(b, fixture, orig)
	work := filepath.Join(dir, "work")
	var osslTime time.Duration
	var files int
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		os.RemoveAll(work)
		if err := os.CopyFS(work, os.DirFS(orig)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		signed, err := s.SignTree(context.Background(), work)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		files = len(signed)
		start := time.Now()
		for _, f := range signed {
			in := filepath.Join(orig, strings.TrimPrefix(f, work))
			if out, err := exec.Command(ossl, "sign", "-certs", certPath, "-key", keyPath, "-h", "sha256",
				"-ts", url, "-in", in, "-out", f+".ossl").CombinedOutput(); err != nil {
				b.Fatalf("osslsigncode: %v\n%s", err, out)
			}
		}
		osslTime += time.Since(start)
		b.StartTimer()
	}
	b.StopTimer()
	gomsi := b.Elapsed().Seconds() / float64(b.N)
	osslS := osslTime.Seconds() / float64(b.N)
	b.ReportMetric(float64(files), "files")
	b.ReportMetric(float64(total)/(1<<20), "MB")
	b.ReportMetric(gomsi, "gomsi-s/op")
	b.ReportMetric(osslS, "osslsigncode-sequential-s/op")
	b.ReportMetric(osslS/gomsi, "speedup-x")
}

// extractPE copies the .exe and .dll files of a zip into dir and returns
// their total size.
func extractPE(b *testing.B, zipPath, dir string) int64 {
	b.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	var total int64
	for _, f := range zr.File {
		ext := strings.ToLower(filepath.Ext(f.Name))
		if (ext != ".exe" && ext != ".dll") || strings.Contains(f.Name, "..") {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			b.Fatal(err)
		}
		r, err := f.Open()
		if err != nil {
			b.Fatal(err)
		}
		w, err := os.Create(dst)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(w, r)
		r.Close()
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
		total += n
	}
	return total
}
