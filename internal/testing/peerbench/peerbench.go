// Package peerbench holds the benchmarks that time gomsi against the peer
// tool doing the same job (curl, unzip, wixl, gcab, msibuild, osslsigncode,
// sha256sum), runs them and prints one table of the ratios, so that every
// speed target can be re-measured with one command: go run mage.go bench.
package peerbench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchfmt"
)

// A Comparison is one benchmark of the repository that reports, besides
// its own measures, the ratio of gomsi's time to the peer's.
type Comparison struct {
	Job       string  // what is timed
	Package   string  // the package holding the benchmark, as go test names it
	Benchmark string  // the benchmark's name (a sub-benchmark with /)
	Benchtime string  // go test -benchtime: how many runs make a stable number
	Peer      string  // the tool gomsi is compared with
	Ratio     string  // the metric holding gomsi's time over the peer's
	Speedup   bool    // Ratio is the peer's time over gomsi's instead
	Target    float64 // the time ratio must stay below this (0: none set)
}

// Comparisons are the repository's peer benchmarks. Targets are those the
// issues set, which the benchmarks also enforce themselves.
var Comparisons = []Comparison{
	{Job: "download the 75 MB fixture (verified, cached)", Package: "./fetch", Benchmark: "BenchmarkFetchVsCurl", Benchtime: "10x", Peer: "curl", Ratio: "fetch/curl", Target: 1.5},
	{Job: "extract the fixture (15,036 files)", Package: "./dist", Benchmark: "BenchmarkExtractFixture", Benchtime: "3x", Peer: "unzip", Ratio: "gomsi/unzip"},
	{Job: "harvest + render the WiX sources", Package: "./pipeline", Benchmark: "BenchmarkHarvestRender", Benchtime: "5x", Peer: "wixl-heat", Ratio: "gomsi/wixl-heat", Target: 0.5},
	{Job: "compile the fixture's MSI", Package: "./wix/native", Benchmark: "BenchmarkFixtureNativeVsWixl", Benchtime: "1x", Peer: "wixl", Ratio: "native/wixl-time", Target: 0.2},
	{Job: "compile the fixture's MSI with LZX 21 (vs MSZIP, xz -3)", Package: "./wix/native", Benchmark: "BenchmarkFixtureLZXVsWixl", Benchtime: "1x", Peer: "wixl", Ratio: "lzx/wixl-time", Target: 0.5},
	{Job: "build the fixture's cabinet (MSZIP)", Package: "./internal/cab", Benchmark: "BenchmarkBuildFixture/default", Benchtime: "1x", Peer: "gcab", Ratio: "speedup/gcab", Speedup: true},
	{Job: "write an MSI database", Package: "./internal/msidb", Benchmark: "BenchmarkWriteVsMsibuild", Benchtime: "3x", Peer: "msibuild", Ratio: "native/msibuild"},
	{Job: "sign and timestamp the fixture's MSI", Package: "./sign", Benchmark: "BenchmarkSignMSI", Benchtime: "3x", Peer: "osslsigncode", Ratio: "speedup-x", Speedup: true},
	{Job: "sign the executables of a tree", Package: "./sign", Benchmark: "BenchmarkSignTree", Benchtime: "1x", Peer: "osslsigncode", Ratio: "speedup-x", Speedup: true},
	{Job: "upload a release asset", Package: "./publish", Benchmark: "BenchmarkUpload", Benchtime: "3x", Peer: "curl", Ratio: "gomsi/curl-time"},
	{Job: "hash an MSI (SHA256SUMS)", Package: "./publish", Benchmark: "BenchmarkHash", Benchtime: "5x", Peer: "sha256sum", Ratio: "gomsi/sha256sum-time"},
}

// A Runner runs a command in dir and returns its standard output; the
// error, if any, carries the command's standard error.
type Runner func(ctx context.Context, dir string, name string, args ...string) ([]byte, error)

// ExecRunner runs commands for real.
func ExecRunner(ctx context.Context, dir string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Args is the go command line that runs c alone: no tests, the benchmark
// anchored so that no other one with the same prefix runs.
func (c Comparison) Args() []string {
	var pattern []string
	for part := range strings.SplitSeq(c.Benchmark, "/") {
		pattern = append(pattern, "^"+part+"$")
	}
	return []string{"test", "-run", "^$", "-bench", strings.Join(pattern, "/"), "-benchtime", c.Benchtime, "-count", "1", c.Package}
}

// A Row is the outcome of one comparison.
type Row struct {
	Comparison
	Ratio   float64  // gomsi's time over the peer's (NaN if unknown)
	Details []string // the benchmark's other measures, "value unit"
	Err     error    // the benchmark failed, or reported no ratio
}

// Missed reports whether the row has a target and did not meet it.
func (r Row) Missed() bool { return r.Target > 0 && !(r.Ratio < r.Target) }

// Run runs each comparison in dir (the module's root) and returns its row;
// a benchmark that fails does not stop the others. Each start is logged,
// as the whole takes minutes.
func Run(ctx context.Context, run Runner, dir string, comparisons []Comparison, log io.Writer) []Row {
	var rows []Row
	for i, c := range comparisons {
		fmt.Fprintf(log, "bench %d/%d: %s, gomsi vs %s: go %s\n", i+1, len(comparisons), c.Job, c.Peer, strings.Join(c.Args(), " "))
		out, err := run(ctx, dir, "go", c.Args()...)
		row := parse(c, out)
		if err != nil {
			// A benchmark that misses its target fails with the measures
			// printed: keep them, and say why it failed.
			row.Err = fmt.Errorf("go %s: %w%s", strings.Join(c.Args(), " "), err, failures(out))
		}
		rows = append(rows, row)
		if ctx.Err() != nil {
			break
		}
	}
	return rows
}

// parse reads the comparison's result from go test's output.
func parse(c Comparison, out []byte) Row {
	row := Row{Comparison: c, Ratio: math.NaN()}
	r := benchfmt.NewReader(bytes.NewReader(out), c.Package)
	found := false
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok || "Benchmark"+gomaxprocsRE.ReplaceAllString(string(res.Name.Full()), "") != c.Benchmark {
			continue
		}
		found = true
		for _, v := range res.Values {
			// The units as the benchmark wrote them, but times in seconds.
			unit, value := v.Unit, v.Value
			if v.OrigUnit != "" && !strings.HasSuffix(v.OrigUnit, "ns/op") {
				unit, value = v.OrigUnit, v.OrigValue
			}
			if unit == c.Ratio {
				row.Ratio = value
				if c.Speedup && value > 0 {
					row.Ratio = 1 / value
				}
				continue
			}
			if slices.Contains(loopUnits, unit) {
				continue
			}
			row.Details = append(row.Details, formatValue(value)+" "+unit)
		}
	}
	switch {
	case r.Err() != nil:
		row.Err = fmt.Errorf("read the output of %s: %w", c.Benchmark, r.Err())
	case !found:
		row.Err = fmt.Errorf("%s printed no result for %s%s", c.Package, c.Benchmark, failures(out))
	case math.IsNaN(row.Ratio):
		row.Err = fmt.Errorf("%s reported no %s metric", c.Benchmark, c.Ratio)
	}
	return row
}

// loopUnits are go test's own measures of the whole timed loop, which in
// most peer benchmarks holds the peer's runs too: left out of the table.
var loopUnits = []string{"sec/op", "B/op", "allocs/op"}

// gomaxprocsRE matches the -N that go test appends to a benchmark's name.
var gomaxprocsRE = regexp.MustCompile(`-[0-9]+$`)

// failures picks the lines go test prints for a failing or skipped
// benchmark: its reasons, indented under "--- FAIL" or "--- SKIP" (a peer
// tool that is not installed).
func failures(out []byte) string {
	var lines []string
	for line := range strings.SplitSeq(string(out), "\n") {
		if strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "--- SKIP") || strings.HasPrefix(line, "    ") {
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return ": " + strings.Join(lines, "; ")
}

func formatValue(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100 || a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// ErrFailed says that at least one comparison failed or missed its target.
var ErrFailed = errors.New("peer benchmarks failed")

// WriteTable prints the rows as an aligned table, then each failure, and
// returns ErrFailed (wrapped) if a benchmark failed or missed its target.
func WriteTable(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "job\tpeer\tgomsi/peer time\ttarget\tresult\tmeasures")
	var failed []string
	for _, r := range rows {
		ratio, target, result := "-", "-", "ok"
		if !math.IsNaN(r.Ratio) {
			ratio = strconv.FormatFloat(r.Ratio, 'f', 2, 64)
		}
		if r.Target > 0 {
			target = "< " + strconv.FormatFloat(r.Target, 'f', -1, 64)
		}
		switch {
		case r.Err != nil:
			result = "FAIL"
			failed = append(failed, fmt.Sprintf("%s: %v", r.Job, r.Err))
		case r.Missed():
			result = "MISSED"
			failed = append(failed, fmt.Sprintf("%s: %s of %s's time, the target is under %v", r.Job, ratio, r.Peer, r.Target))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Job, r.Peer, ratio, target, result, strings.Join(r.Details, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range failed {
		fmt.Fprintln(w, f)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %d of %d", ErrFailed, len(failed), len(rows))
	}
	return nil
}

// Select returns the comparisons whose package or benchmark name contains
// one of the words (all of them when there are none).
func Select(comparisons []Comparison, words []string) ([]Comparison, error) {
	if len(words) == 0 {
		return comparisons, nil
	}
	var out []Comparison
	for _, c := range comparisons {
		if slices.ContainsFunc(words, func(w string) bool {
			w = strings.ToLower(w)
			return strings.Contains(strings.ToLower(c.Package), w) || strings.Contains(strings.ToLower(c.Benchmark), w)
		}) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		var names []string
		for _, c := range comparisons {
			names = append(names, strings.TrimPrefix(c.Benchmark, "Benchmark"))
		}
		return nil, fmt.Errorf("select peer benchmarks %q: none matches; known: %s", words, strings.Join(names, ", "))
	}
	return out, nil
}
