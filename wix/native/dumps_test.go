package native_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native"
)

// TestTablesMatchWixl compiles the sources gomsi renders for wixl with both
// wixl and the native toolset and compares every table msidump reads from
// the two packages, row by row (as sets: wixl writes rows in authoring
// order, native sorted by string pool id as Windows requires). The only
// differences allowed are listed in allowedDifference, each with its reason.
func TestTablesMatchWixl(t *testing.T) {
	testtool.Require(t, "wixl")
	for _, scope := range []string{"perMachine", "perUser"} {
		t.Run(scope, func(t *testing.T) { compareWithWixl(t, scope) })
	}
}

func compareWithWixl(t *testing.T, scope string) {
	root := msitest.SmallTree(t, "go1.26.8")
	wixlTS := &wix.Wixl{Runner: wix.ExecRunner{}}
	p := newPipeline(t, root, wixlTS)
	p.Config.Installer.Scope = scope
	builds, _, err := p.WXS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := builds[0]
	dir := t.TempDir()
	job := wix.Job{Sources: b.Sources, SourceDir: b.Dist.Root, Arch: b.Product.Arch, Out: filepath.Join(dir, "wixl.msi")}
	if err := wixlTS.Build(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	job.Out = filepath.Join(dir, "native.msi")
	if err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	theirs := dumpTables(t, filepath.Join(dir, "wixl.msi"))
	ours := dumpTables(t, filepath.Join(dir, "native.msi"))
	normaliseRegistryIDs(theirs, ours)

	for name, tw := range theirs {
		tn, ok := ours[name]
		if !ok {
			if len(tw.rows) == 0 {
				continue // wixl declares tables it always creates, empty; native writes tables with rows
			}
			t.Errorf("table %s: wixl has %d rows, native has no table", name, len(tw.rows))
			continue
		}
		if name == "_ForceCodepage" {
			// wixl writes the neutral code page 0; native writes 1252
			// (WiX's default), which gomsi's text fits.
			if tn.header[2] != "1252\t_ForceCodepage" {
				t.Errorf("native code page: %q", tn.header[2])
			}
			continue
		}
		if strings.Join(tw.header, "\n") != strings.Join(tn.header, "\n") {
			t.Errorf("table %s: columns differ:\nwixl:   %q\nnative: %q", name, tw.header, tn.header)
			continue
		}
		w, n := map[string]int{}, map[string]int{}
		for _, r := range tw.rows {
			if k := allowedDifference(t, name, tw.cols, r, "wixl"); k != "" {
				w[k]++
			}
		}
		for _, r := range tn.rows {
			if k := allowedDifference(t, name, tn.cols, r, "native"); k != "" {
				n[k]++
			}
		}
		for r, c := range w {
			if n[r] != c {
				t.Errorf("table %s: wixl has %d of row %q, native %d", name, c, r, n[r])
			}
		}
		for r, c := range n {
			if w[r] == 0 {
				t.Errorf("table %s: native has %d of row %q, wixl none", name, c, r)
			}
		}
	}
	for name, tn := range ours {
		if _, ok := theirs[name]; !ok && name != "_Validation" {
			t.Errorf("table %s: native has %d rows, wixl has no table", name, len(tn.rows))
		}
	}
	if v := ours["_Validation"]; v == nil || len(v.rows) == 0 {
		t.Errorf("native wrote no _Validation rows")
	}
}

var shortName = regexp.MustCompile(`^[A-Z0-9_&'!#$%@^(){}~-]{1,6}~[0-9]+(\.[A-Z0-9_&'!#$%@^(){}~-]{1,3})?$`)

// allowedDifference renders a row for comparison, erasing the differences
// that are intended. Each case says why.
func allowedDifference(t *testing.T, table string, cols []string, row []string, who string) string {
	row = append([]string(nil), row...)
	col := func(name string) int {
		for i, c := range cols {
			if c == name {
				return i
			}
		}
		t.Fatalf("table %s has no column %s", table, name)
		return -1
	}
	switch table {
	case "_SummaryInformation":
		switch row[0] {
		case "9": // package code: wixl's is random, native's derived from the content
			row[1] = "{package code}"
		case "12", "13": // times: wixl stamps now; native only with SOURCE_DATE_EPOCH
			return ""
		case "18": // the creating application names the compiler
			row[1] = "{application}"
		}
	case "Property":
		if row[0] == "ProductCode" { // Product/@Id="*": wixl random, native derived from the source
			row[1] = "{product code}"
		}
	case "File", "Directory":
		// wixl writes long names only; native adds 8.3 names where the
		// long name is not one (SHORT~N.EXT|long), as WiX does.
		c := col(map[string]string{"File": "FileName", "Directory": "DefaultDir"}[table])
		if short, long, ok := strings.Cut(row[c], "|"); ok {
			if who != "native" || !shortName.MatchString(short) {
				t.Errorf("%s %s: bad short name in %q", who, table, row[c])
			}
			row[c] = long
		}
	case "CustomAction":
		// wixl sets 0x800 (no impersonation) on immediate type-51 actions;
		// WiX writes plain 51, as native does (0x800 only means anything
		// for deferred actions).
		c := col("Type")
		if who == "wixl" && row[c] == "2099" {
			row[c] = "51"
		}
	case "Feature":
		// Absent="disallow" is msidbFeatureAttributesUIDisallowAbsent (16);
		// wixl ignores the attribute.
		c := col("Attributes")
		if who == "native" && row[c] == "16" {
			row[c] = "0"
		}
	case "InstallExecuteSequence", "InstallUISequence":
		// wixl schedules MigrateFeatureStates for any Upgrade table; WiX v3
		// (Linker.cs SequenceActions), as native, only when an Upgrade row
		// migrates features, which gomsi's do not (the action does nothing
		// without one).
		if who == "wixl" && row[0] == "MigrateFeatureStates" {
			return ""
		}
	case "RegLocator":
		// A RegistrySearch without Win64 searches the platform's view in
		// WiX (candle -arch x64 makes it 64-bit, +16); wixl searches the
		// 32-bit view. gomsi's sources say Win64 where it matters (HKLM).
		c := col("Type")
		if who == "native" && row[c] == "18" && row[col("Root")] == "1" {
			row[c] = "2"
		}
	}
	return strings.Join(row, "\t")
}

// normaliseRegistryIDs renames the Registry keys both compilers generate
// (each hashes differently) to one name per row content, in both dumps, and
// in the Component key paths that refer to them.
func normaliseRegistryIDs(dumps ...map[string]*idt) {
	for _, d := range dumps {
		reg := d["Registry"]
		if reg == nil {
			continue
		}
		rename := map[string]string{}
		for _, r := range reg.rows {
			if strings.HasPrefix(r[0], "reg") {
				name := "reg{" + strings.Join(r[1:], "|") + "}"
				rename[r[0]], r[0] = name, name
			}
		}
		if comp := d["Component"]; comp != nil {
			for _, r := range comp.rows {
				if n, ok := rename[r[5]]; ok {
					r[5] = n
				}
			}
		}
	}
}

// idt is one table as msidump -t writes it.
type idt struct {
	header []string // the three header lines
	cols   []string
	rows   [][]string
}

func dumpTables(t *testing.T, msi string) map[string]*idt {
	t.Helper()
	msidump := testtool.Require(t, "msidump")
	dir := t.TempDir()
	cmd := exec.Command(msidump, "-t", msi)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("msidump -t %s: %v: %s", msi, err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.idt"))
	tables := map[string]*idt{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n\x00"), "\n")
		if len(lines) < 3 {
			t.Fatalf("%s: %d lines", f, len(lines))
		}
		tb := &idt{header: lines[:3], cols: strings.Split(lines[0], "\t")}
		for _, l := range lines[3:] {
			tb.rows = append(tb.rows, strings.Split(l, "\t"))
		}
		sort.Slice(tb.rows, func(i, j int) bool { return strings.Join(tb.rows[i], "\t") < strings.Join(tb.rows[j], "\t") })
		tables[strings.TrimSuffix(filepath.Base(f), ".idt")] = tb
	}
	if len(tables) == 0 {
		t.Fatalf("msidump found no tables in %s", msi)
	}
	return tables
}

func noEnv(string) string { return "" }
