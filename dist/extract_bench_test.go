package dist

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// BenchmarkExtractFixture extracts the real go1.26.8 distribution (15,036
// files) with gomsi and, as the peer, with Info-ZIP's unzip, alternately in
// the same loop so that both see the same machine, and reports the ratio.
// Removing the trees is not timed.
func BenchmarkExtractFixture(b *testing.B) {
	zipPath := testtool.Fixture(b, "go1.26.8.windows-amd64.zip")
	unzip := testtool.Require(b, "unzip")
	var ours, theirs time.Duration
	for b.Loop() {
		work, peer := b.TempDir(), b.TempDir()
		start := time.Now()
		if _, err := Open(b.Context(), zipPath, Options{WorkDir: work, Arch: "amd64"}); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(start)

		start = time.Now()
		if out, err := exec.Command(unzip, "-q", zipPath, "-d", peer).CombinedOutput(); err != nil {
			b.Fatalf("unzip: %v: %s", err, out)
		}
		theirs += time.Since(start)
		b.StopTimer()
		os.RemoveAll(work)
		os.RemoveAll(peer)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()/n, "gomsi-s/op")
	b.ReportMetric(theirs.Seconds()/n, "unzip-s/op")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "gomsi/unzip")
}
