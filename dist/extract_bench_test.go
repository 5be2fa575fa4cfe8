package dist

import (
	"os/exec"
	"testing"

	"github.com/gomsi/gomsi/internal/testtool"
)

// BenchmarkExtractFixture extracts the real go1.26.8 distribution (15,036
// files) with gomsi and, as the peer, with Info-ZIP's unzip.
func BenchmarkExtractFixture(b *testing.B) {
	zipPath := testtool.Fixture(b, "go1.26.8.windows-amd64.zip")
	b.Run("gomsi", func(b *testing.B) {
		for b.Loop() {
			if _, err := Open(zipPath, Options{WorkDir: b.TempDir(), Arch: "amd64"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unzip", func(b *testing.B) {
		unzip := testtool.Require(b, "unzip")
		for b.Loop() {
			if out, err := exec.Command(unzip, "-q", zipPath, "-d", b.TempDir()).CombinedOutput(); err != nil {
				b.Fatalf("unzip: %v: %s", err, out)
			}
		}
	})
}
