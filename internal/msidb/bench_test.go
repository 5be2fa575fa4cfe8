package msidb

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// benchTables is shaped like a Go distribution: 15,036 files in 1,500
// directories, one component each, with hashes.
func benchTables() []sampleTable {
	const files, dirs = 15036, 1500
	var dir, comp, file, hash, fc [][]any
	dir = append(dir, []any{"TARGETDIR", nil, "SourceDir"}, []any{"INSTALLDIR", "TARGETDIR", "Go"})
	for d := range dirs {
		dir = append(dir, []any{fmt.Sprintf("dir%04d", d), "INSTALLDIR", fmt.Sprintf("DIR%04d|directory_%04d", d, d)})
	}
	for i := range files {
		key := fmt.Sprintf("file%05d", i)
		c := fmt.Sprintf("comp%05d", i)
		comp = append(comp, []any{c, fmt.Sprintf("{6E1D51C0-2F4A-4C4B-9E0B-%012X}", i), fmt.Sprintf("dir%04d", i%dirs), 256, nil, key})
		file = append(file, []any{key, c, fmt.Sprintf("F%05d~1.GO|source_file_%05d.go", i, i), 1000 + i, nil, nil, 512, i + 1})
		hash = append(hash, []any{key, 0, int32(i * 7919), int32(-i), int32(i ^ 0x5555), int32(i << 3)})
		fc = append(fc, []any{"Main", c})
	}
	return []sampleTable{
		{"Directory", dir}, {"Component", comp}, {"File", file}, {"MsiFileHash", hash},
		{"FeatureComponents", fc}, {"Feature", [][]any{{"Main", nil, "Go", nil, 1, 1, "INSTALLDIR", 0}}},
		{"Media", [][]any{{1, files, nil, "#cab1.cab", nil, nil}}},
		{"Property", [][]any{{"ProductName", "Go"}, {"ALLUSERS", "1"}}},
	}
}

func writeBenchPayload(b *testing.B, path string, size int64) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, io.LimitReader(rand.NewChaCha8([32]byte{}), size)); err != nil {
		b.Fatal(err)
	}
}

func nativeWrite(b *testing.B, tables []sampleTable, cab, out string) {
	db := New()
	db.Summary = Summary{Template: "x64;1033", Title: "Go", WordCount: 2}
	for _, st := range tables {
		tb, err := db.Table(st.name)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range st.rows {
			if err := tb.AddRow(r...); err != nil {
				b.Fatal(err)
			}
		}
	}
	s, err := FileStream(cab)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.AddStream("cab1.cab", s); err != nil {
		b.Fatal(err)
	}
	if err := db.WriteFile(out); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWriteVsMsibuild writes the same tables and a 100 MB cabinet
// stream natively and with msitools' msibuild (importing .idt files made
// beforehand), and reports native time as a fraction of msibuild's.
func BenchmarkWriteVsMsibuild(b *testing.B) {
	msibuild := testtool.Require(b, "msibuild")
	dir := b.TempDir()
	cab := filepath.Join(dir, "cab1.cab")
	writeBenchPayload(b, cab, 100<<20)
	tables := benchTables()
	args := []string{filepath.Join(dir, "peer.msi")}
	for _, st := range tables {
		s, _ := StandardSchema(st.name)
		header, lines := expectedIdt(s, st.rows)
		idt := filepath.Join(dir, st.name+".idt")
		if err := os.WriteFile(idt, []byte(strings.Join(append(header, lines...), "\r\n")+"\r\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		args = append(args, "-i", idt)
	}
	// msibuild takes -s only as its last option.
	args = append(args, "-a", "cab1.cab", cab, "-s", "Go", "Gomsi", "x64;1033", "{6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C01}")

	var native, peer time.Duration
	for b.Loop() {
		start := time.Now()
		nativeWrite(b, tables, cab, filepath.Join(dir, "native.msi"))
		native += time.Since(start)

		os.Remove(args[0])
		start = time.Now()
		if out, err := exec.Command(msibuild, args...).CombinedOutput(); err != nil {
			b.Fatalf("msibuild: %v: %s", err, out)
		}
		peer += time.Since(start)
	}
	b.ReportMetric(float64(native.Milliseconds())/float64(b.N), "native-ms/op")
	b.ReportMetric(float64(peer.Milliseconds())/float64(b.N), "msibuild-ms/op")
	b.ReportMetric(native.Seconds()/peer.Seconds(), "native/msibuild")
}
