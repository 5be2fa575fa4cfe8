package peerbench

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/table.golden")

// recorded serves the go test outputs saved in testdata/<Benchmark>.txt
// (real runs of `go run mage.go bench` on the development machine), by the
// benchmark the argv names.
func recorded(t *testing.T, calls *[][]string) Runner {
	return func(_ context.Context, dir, name string, args ...string) ([]byte, error) {
		*calls = append(*calls, append([]string{dir, name}, args...))
		bench := args[slices.Index(args, "-bench")+1]
		file := strings.NewReplacer("^", "", "$", "", "/", "_").Replace(bench)
		out, err := os.ReadFile(filepath.Join("testdata", "Benchmark"+strings.TrimPrefix(file, "Benchmark")+".txt"))
		if err != nil {
			t.Fatalf("no recorded output for %s: %v", bench, err)
		}
		if bytes.Contains(out, []byte("\nFAIL\n")) {
			return out, errors.New("exit status 1: ")
		}
		return out, nil
	}
}

// TestTable runs every comparison against recorded outputs and compares the
// table with testdata/table.golden (go test ./internal/testing/peerbench -update
// rewrites it).
func TestTable(t *testing.T) {
	var calls [][]string
	var log bytes.Buffer
	rows := Run(context.Background(), recorded(t, &calls), "/repo", Comparisons, &log)
	if len(rows) != len(Comparisons) || len(calls) != len(Comparisons) {
		t.Fatalf("%d rows from %d calls for %d comparisons", len(rows), len(calls), len(Comparisons))
	}
	var table bytes.Buffer
	if err := WriteTable(&table, rows); err != nil {
		t.Errorf("WriteTable: %v\n%s", err, table.String())
	}
	golden := filepath.Join("testdata", "table.golden")
	if *update {
		os.WriteFile(golden, table.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if table.String() != string(want) {
		t.Errorf("table:\n%s\nwant (%s):\n%s", table.String(), golden, want)
	}
	if !strings.Contains(log.String(), fmt.Sprintf("bench 1/%d: download the 75 MB fixture (verified, cached), gomsi vs curl: go test -run ^$ -bench ^BenchmarkFetchVsCurl$ -benchtime 10x -count 1 ./fetch\n", len(Comparisons))) {
		t.Errorf("log:\n%s", log.String())
	}
}

func TestArgs(t *testing.T) {
	for _, tc := range []struct {
		c    Comparison
		want string
	}{
		{Comparison{Package: "./fetch", Benchmark: "BenchmarkFetchVsCurl", Benchtime: "10x"}, "test -run ^$ -bench ^BenchmarkFetchVsCurl$ -benchtime 10x -count 1 ./fetch"},
		{Comparison{Package: "./internal/cab", Benchmark: "BenchmarkBuildFixture/default", Benchtime: "1x"}, "test -run ^$ -bench ^BenchmarkBuildFixture$/^default$ -benchtime 1x -count 1 ./internal/cab"},
	} {
		if got := strings.Join(tc.c.Args(), " "); got != tc.want {
			t.Errorf("Args = %s\nwant %s", got, tc.want)
		}
	}
}

func TestSpeedupIsInverted(t *testing.T) {
	c := Comparison{Benchmark: "BenchmarkSignMSI", Ratio: "speedup-x", Speedup: true}
	row := parse(c, []byte("BenchmarkSignMSI-2  3  200000000 ns/op  0.84 osslsigncode-s/op  4 speedup-x\n"))
	if row.Err != nil || row.Ratio != 0.25 {
		t.Errorf("a 4x speedup = ratio %v, %v; want 0.25", row.Ratio, row.Err)
	}
	if d := strings.Join(row.Details, ", "); d != "0.84 osslsigncode-s/op" {
		t.Errorf("details = %s", d)
	}
}

// TestFailures: a benchmark that fails keeps its measures in the table and
// says why; one that misses its target without failing is marked; one that
// printed nothing or no ratio is a failure too. The others still run.
func TestFailures(t *testing.T) {
	fetch := Comparisons[0]
	outputs := map[string]struct {
		out string
		err error
	}{
		"./fetch": {"BenchmarkFetchVsCurl-2  10  180000000 ns/op  0.1 curl-s/op  1.8 fetch/curl  1.1 extra-MB\n--- FAIL: BenchmarkFetchVsCurl-2\n    fetch_bench_test.go:87: Fetch took 1.80x curl's time; the target is under 1.5x\nFAIL\n", errors.New("exit status 1")},
		"./a":     {"BenchmarkA-2  1  1.7 gomsi/peer\n", nil},
		"./b":     {"BenchmarkB-2  1  5 other\n", nil},
		"./c":     {"", errors.New("exit status 2: wixl: not found")},
		"./d":     {"--- SKIP: BenchmarkD\n    d_test.go:12: gcab not found: apt-get install gcab\nPASS\n", nil},
	}
	run := func(_ context.Context, _, _ string, args ...string) ([]byte, error) {
		o := outputs[args[len(args)-1]]
		return []byte(o.out), o.err
	}
	comparisons := []Comparison{
		fetch,
		{Job: "a", Package: "./a", Benchmark: "BenchmarkA", Peer: "p", Ratio: "gomsi/peer", Target: 1.5},
		{Job: "b", Package: "./b", Benchmark: "BenchmarkB", Peer: "p", Ratio: "gomsi/peer"},
		{Job: "c", Package: "./c", Benchmark: "BenchmarkC", Peer: "p", Ratio: "gomsi/peer"},
		{Job: "d", Package: "./d", Benchmark: "BenchmarkD", Peer: "gcab", Ratio: "gomsi/gcab"},
	}
	rows := Run(context.Background(), run, ".", comparisons, &bytes.Buffer{})
	var table bytes.Buffer
	err := WriteTable(&table, rows)
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "5 of 5") {
		t.Errorf("WriteTable = %v, want ErrFailed, 5 of 5", err)
	}
	for _, want := range []string{
		"(verified, cached) curl 1.80 < 1.5 FAIL 0.1 curl-s/op, 1.10 extra-MB",
		"download the 75 MB fixture (verified, cached): go test -run ^$ -bench ^BenchmarkFetchVsCurl$ -benchtime 10x -count 1 ./fetch: exit status 1: --- FAIL: BenchmarkFetchVsCurl-2; fetch_bench_test.go:87: Fetch took 1.80x curl's time; the target is under 1.5x",
		"a p 1.70 < 1.5 MISSED",
		"a: 1.70 of p's time, the target is under 1.5",
		"b: BenchmarkB reported no gomsi/peer metric",
		"c: go test -run ^$ -bench ^BenchmarkC$ -benchtime  -count 1 ./c: exit status 2: wixl: not found",
		"d: ./d printed no result for BenchmarkD: --- SKIP: BenchmarkD; d_test.go:12: gcab not found: apt-get install gcab",
	} {
		if !strings.Contains(oneSpace(table.String()), oneSpace(want)) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

// oneSpace collapses runs of spaces, so that a check does not depend on
// the table's column widths.
func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestSelect(t *testing.T) {
	got, err := Select(Comparisons, []string{"sign", "FetchVs"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range got {
		names = append(names, c.Benchmark)
	}
	if strings.Join(names, ",") != "BenchmarkFetchVsCurl,BenchmarkSignMSI,BenchmarkSignTree" {
		t.Errorf("Select(sign, FetchVs) = %v", names)
	}
	if all, _ := Select(Comparisons, nil); len(all) != len(Comparisons) {
		t.Errorf("Select() = %d comparisons, want all %d", len(all), len(Comparisons))
	}
	if _, err := Select(Comparisons, []string{"nosuch"}); err == nil || !strings.Contains(err.Error(), "none matches; known: FetchVsCurl, ExtractFixture") {
		t.Errorf("Select(nosuch) = %v", err)
	}
}

// TestComparisonsExist: each comparison names a benchmark that its package
// defines (and, for a sub-benchmark, a name it runs) and a ratio metric it
// reports, so that the table cannot drift from the benchmarks.
func TestComparisonsExist(t *testing.T) {
	for _, c := range Comparisons {
		files, _ := filepath.Glob(filepath.Join("..", "..", "..", c.Package, "*_test.go")) // from internal/testing/peerbench
		var src strings.Builder
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src.Write(b)
		}
		base, sub, _ := strings.Cut(c.Benchmark, "/")
		if !regexp.MustCompile(`func ` + base + `\(b \*testing\.B\)`).MatchString(src.String()) {
			t.Errorf("%s defines no %s", c.Package, base)
		}
		if sub != "" && !strings.Contains(src.String(), fmt.Sprintf("%q", sub)) {
			t.Errorf("%s runs no sub-benchmark %q", c.Package, sub)
		}
		if !strings.Contains(src.String(), fmt.Sprintf("%q)", c.Ratio)) {
			t.Errorf("%s reports no metric %q", c.Package, c.Ratio)
		}
		if c.Job == "" || c.Peer == "" || c.Benchtime == "" || math.IsNaN(c.Target) {
			t.Errorf("incomplete comparison %+v", c)
		}
	}
}
