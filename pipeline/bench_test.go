package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/dist"
	"github.com/gomsi/gomsi/harvest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix"
)

// BenchmarkHarvestRender times harvest+render of the go1.26.8 fixture tree
// (15,036 files) beside wixl-heat on the same tree, in the same run, and
// reports both and their ratio (target: gomsi/wixl-heat <= 0.5; it fails
// above). Both write their WiX source to a file.
func BenchmarkHarvestRender(b *testing.B) {
	zipPath := testtool.Fixture(b, "go1.26.8.windows-amd64.zip")
	heat := testtool.Require(b, "wixl-heat")
	d, err := dist.Open(b.Context(), zipPath, dist.Options{WorkDir: b.TempDir(), Arch: "amd64"})
	if err != nil {
		b.Fatal(err)
	}
	prod, _ := product.New(d.Version.String(), d.Arch, "")
	wixl := (&wix.Wixl{}).Dialect()
	r, err := templates.New(wixl, "")
	if err != nil {
		b.Fatal(err)
	}
	p := &Pipeline{Config: config.Default()}
	// wixl-heat reads the file list on stdin, so find is part of its cost,
	// as the walk is part of ours.
	heatCmd := "find go/ -type f | " + heat + " --directory-ref INSTALLDIR --component-group AppFiles --var var.SourceDir -p go/ --win64 > heat.wxs"
	out := filepath.Join(b.TempDir(), "wxs") // heat writes heat.wxs; gomsi writes its sources too
	var ours, theirs time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		tree, err := harvest.Harvest(os.DirFS(d.Root), harvest.Options{GUIDScope: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		build := &Build{Dist: d, Product: prod, Tree: tree}
		if build.Plan, err = p.installerPlan(build, wixl); err != nil {
			b.Fatal(err)
		}
		if _, err := p.render(r, build, out); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(start)

		start = time.Now()
		cmd := exec.Command("sh", "-c", heatCmd)
		cmd.Dir = filepath.Dir(d.Root)
		os.Symlink(filepath.Base(d.Root), filepath.Join(cmd.Dir, "go"))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("wixl-heat: %v: %s", err, out)
		}
		theirs += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(float64(ours.Milliseconds())/n, "gomsi-ms/op")
	b.ReportMetric(float64(theirs.Milliseconds())/n, "wixl-heat-ms/op")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "gomsi/wixl-heat")
	if ratio := ours.Seconds() / theirs.Seconds(); ratio > 0.5 {
		b.Errorf("harvest+render took %.2fx wixl-heat's time; the target is at most 0.5x", ratio)
	}
}
