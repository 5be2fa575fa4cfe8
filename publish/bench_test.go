package publish

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/product"

	"github.com/gomsi/gomsi/internal/secret"
	"github.com/gomsi/gomsi/internal/testing/ghfake"
	"github.com/gomsi/gomsi/internal/testing/testtool"
)

const benchSize = 64 << 20 // about one Go MSI

func benchFile(b *testing.B) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "go.windows-amd64.msi")
	data := make([]byte, benchSize)
	rand.Read(data)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkUpload streams a 64 MiB MSI to the fake upload host and, in the
// same run, has curl (the peer tool, -T streams from disk) send the same
// file to the same endpoint. Reported: gomsi's time over curl's, and bytes
// gomsi allocates per byte uploaded (near 0 when streaming, >= 1 when the
// file is held in memory). The in-process fake's own buffers count too.
func BenchmarkUpload(b *testing.B) {
	curl := testtool.Require(b, "curl")
	path := benchFile(b)
	srv := ghfake.New(ghfake.Options{Token: testToken, DiscardBodies: true})
	defer srv.Close()
	relID := srv.AddRelease("v1.26.8", "bench", false)
	cfg := Config{Settings: Settings{Repo: "acme/go-msi"}, Owner: "acme", Name: "go-msi", Token: secret.New(testToken),
		APIURL: srv.APIURL(), UploadURL: srv.UploadURL()}
	p, err := New(cfg, WithHTTPClient(&http.Client{}))
	if err != nil {
		b.Fatal(err)
	}
	sum, size, err := product.HashFile(path)
	if err != nil {
		b.Fatal(err)
	}
	uploadURL := fmt.Sprintf("%sapi/uploads/repos/acme/go-msi/releases/%d/assets", srv.UploadURL(), relID)

	var curlTime time.Duration
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := file{name: fmt.Sprintf("gomsi-%d.msi", i), path: path, size: size, sha256: sum, mediaType: "application/x-msi"}
		if _, err := p.upload(context.Background(), relID, f); err != nil {
			b.Fatal(err)
		}

		b.StopTimer()
		start := time.Now()
		cmd := exec.Command(curl, "-sS", "-f", "-o", os.DevNull, "-X", "POST", "-T", path,
			"-H", "Content-Type: application/x-msi", "-H", "Authorization: Bearer "+testToken,
			fmt.Sprintf("%s?name=curl-%d.msi", uploadURL, i))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("curl: %v: %s", err, strings.ReplaceAll(string(out), testToken, "[REDACTED]"))
		}
		curlTime += time.Since(start)
		b.StartTimer()
	}
	b.StopTimer()
	gomsi := b.Elapsed()
	b.ReportMetric(float64(gomsi)/float64(curlTime), "gomsi/curl-time")
	b.ReportMetric(float64(size)*float64(b.N)/curlTime.Seconds()/1e6, "curl-MB/s")
	if p := srv.Problems(); len(p) > 0 {
		b.Fatalf("server problems: %v", p)
	}
}

// BenchmarkHash hashes a 64 MiB MSI and, in the same run, has coreutils
// sha256sum (the peer tool) hash it too; reported is the time ratio.
func BenchmarkHash(b *testing.B) {
	bin := testtool.Require(b, "sha256sum")
	path := benchFile(b)
	var peer time.Duration
	b.SetBytes(benchSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum, _, err := product.HashFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		start := time.Now()
		out, err := exec.Command(bin, path).Output()
		if err != nil {
			b.Fatal(err)
		}
		peer += time.Since(start)
		if !strings.HasPrefix(string(out), sum) {
			b.Fatalf("sha256sum says %s, gomsi %s", out[:64], sum)
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed())/float64(peer), "gomsi/sha256sum-time")
}
