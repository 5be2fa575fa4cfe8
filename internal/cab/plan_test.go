package cab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testPlanner(maxCab, maxFolder int64) *planner {
	return &planner{maxCab: maxCab, maxFolder: maxFolder, name: func(i int) string { return fmt.Sprintf("c%d", i+1) }}
}

func sized(sizes ...int64) []File {
	var fs []File
	for i, s := range sizes {
		fs = append(fs, File{Name: fmt.Sprintf("f%d", i), Path: "/nonexistent", Size: s})
	}
	return fs
}

// layout renders a plan as "c1[f0 f1|f2] c2[f3]": cabinets, folders split by |.
func layout(plans []cabPlan, files []File) string {
	var b strings.Builder
	for _, c := range plans {
		fmt.Fprintf(&b, "%s[", c.name)
		for i, fo := range c.folders {
			if i > 0 {
				b.WriteString("|")
			}
			for k := fo.first; k <= fo.last; k++ {
				if k > fo.first {
					b.WriteString(" ")
				}
				b.WriteString(files[k].Name)
			}
		}
		b.WriteString("] ")
	}
	return strings.TrimSpace(b.String())
}

func TestPlanSplitsAtTheLimits(t *testing.T) {
	const gib = 1 << 30
	// The largest file a cabinet holds: header, one folder, one CFFILE named
	// "f0", and every block stored.
	var maxFile int64
	for maxFile = MaxCabinetBytes; headerSize+folderSize+fileSize+3+worstCase(maxFile) > MaxCabinetBytes; maxFile-- {
	}
	cases := []struct {
		name           string
		maxCab, maxFol int64
		files          []File
		want           string
	}{
		{"all in one", 1 << 62, maxFolderBytes, sized(10, 0, 70000), "c1[f0 f1 f2]"},
		{"cabinet size", 100, maxFolderBytes, sized(60, 40, 1, 0, 100), "c1[f0 f1] c2[f2 f3] c3[f4]"},
		{"file above MaxCabinetSize gets its own", 100, maxFolderBytes, sized(10, 500, 10), "c1[f0] c2[f1] c3[f2]"},
		{"folder size", 1 << 62, 100, sized(60, 40, 1, 200, 5), "c1[f0 f1|f2|f3|f4]"},
		{"2 GiB cabinets", 1 << 62, maxFolderBytes, sized(gib, gib, gib/2, gib), "c1[f0] c2[f1 f2] c3[f3]"},
		{"largest file", 1 << 62, maxFolderBytes, sized(1, maxFile, 1), "c1[f0] c2[f1] c3[f2]"},
	}
	for _, c := range cases {
		plans, err := testPlanner(c.maxCab, c.maxFol).plan(c.files)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := layout(plans, c.files); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
		for _, p := range plans {
			if p.headerBytes+p.dataBound > MaxCabinetBytes {
				t.Errorf("%s: %s may reach %d bytes", c.name, p.name, p.headerBytes+p.dataBound)
			}
			for _, fo := range p.folders {
				if fo.size > maxFolderBytes || fo.blocks() > 0xFFFF {
					t.Errorf("%s: folder of %d bytes", c.name, fo.size)
				}
			}
		}
	}
	// One byte more than the largest file is refused, naming the file.
	_, err := testPlanner(1<<62, maxFolderBytes).plan(sized(maxFile + 1))
	if err == nil || !strings.Contains(err.Error(), `"f0"`) || !strings.Contains(err.Error(), "/nonexistent") {
		t.Errorf("oversized file: %v", err)
	}
}

func TestPlanRefusesBadFiles(t *testing.T) {
	cases := map[string][]File{
		"has no name":          {{Path: "/x", Size: 1}},
		"bytes; cabinets":      {{Name: strings.Repeat("n", 256), Path: "/x"}},
		"NUL":                  {{Name: "a\x00b", Path: "/x"}},
		"no path":              {{Name: "a"}},
		"negative size":        {{Name: "a", Path: "/x", Size: -1}},
		"share the name \"a\"": {{Name: "a", Path: "/x"}, {Name: "a", Path: "/y"}},
	}
	for want, files := range cases {
		_, err := testPlanner(1<<62, maxFolderBytes).plan(files)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v", want, err)
		}
	}
}

// TestBuildSplitsAt65535Files builds real cabinets past the CFFILE count
// limit; every entry names the same small file on disk.
func TestBuildSplitsAt65535Files(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 70,000 file entries")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "same.txt")
	if err := os.WriteFile(p, []byte("same"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := make([]File, maxFiles+4465)
	want := map[string][]byte{}
	for i := range files {
		files[i] = File{Name: fmt.Sprintf("f%05d", i), Path: p, Size: 4}
	}
	cabs, err := Build(context.Background(), files, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(cabs) != 2 || cabs[0].LastFile != maxFiles-1 || cabs[1].FirstFile != maxFiles || cabs[1].LastFile != len(files)-1 {
		t.Fatalf("cabinets %+v", cabs)
	}
	for _, f := range files[maxFiles:] {
		want[f.Name] = []byte("same")
	}
	checkWithTools(t, cabs[1].Path, want)
	parsed, err := readCab(cabs[0].Path)
	if err != nil || len(parsed.files) != maxFiles {
		t.Fatalf("first cabinet: %v, %d files", err, len(parsed.files))
	}
}

func TestBuildSplitsCabinetsAndFolders(t *testing.T) {
	src := t.TempDir()
	files, want := writeCorpus(t, src)
	out := t.TempDir()
	cabs, err := Build(context.Background(), files, Options{Dir: out, NamePattern: "media%d.cab", MaxCabinetSize: 250_000, MaxFolderSize: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	if len(cabs) < 3 {
		t.Fatalf("%d cabinets from %d bytes at 250,000 per cabinet", len(cabs), cabs[len(cabs)-1].UncompressedSize)
	}
	next := 0
	for i, c := range cabs {
		if c.Name != fmt.Sprintf("media%d.cab", i+1) || c.FirstFile != next || c.LastFile < c.FirstFile {
			t.Fatalf("cabinet %d: %+v", i, c)
		}
		part := map[string][]byte{}
		var size int64
		for _, f := range files[c.FirstFile : c.LastFile+1] {
			part[f.Name] = want[f.Name]
			size += f.Size
		}
		if size != c.UncompressedSize || (size > 250_000 && c.LastFile > c.FirstFile) {
			t.Errorf("cabinet %d holds %d bytes, reports %d", i, size, c.UncompressedSize)
		}
		checkWithTools(t, c.Path, part)
		p, err := readCab(c.Path)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.folders) != c.Folders {
			t.Errorf("cabinet %d: %d folders, reports %d", i, len(p.folders), c.Folders)
		}
		next = c.LastFile + 1
	}
	if next != len(files) {
		t.Fatalf("cabinets end at file %d of %d", next, len(files))
	}
	if cabs[0].Folders < 2 {
		t.Errorf("first cabinet has %d folders at 100,000 bytes per folder", cabs[0].Folders)
	}
}

// leftovers lists what a failed build left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestFailedBuildLeavesNothing(t *testing.T) {
	src := t.TempDir()
	files, _ := writeCorpus(t, src)
	last := len(files) - 1
	cases := map[string]func([]File) ([]File, context.Context){
		"missing file in the last cabinet": func(fs []File) ([]File, context.Context) {
			fs[last].Path = filepath.Join(src, "gone")
			return fs, context.Background()
		},
		"file shorter than planned": func(fs []File) ([]File, context.Context) {
			fs[last].Size++
			return fs, context.Background()
		},
		"file longer than planned": func(fs []File) ([]File, context.Context) {
			fs[last].Size--
			return fs, context.Background()
		},
		"cancelled": func(fs []File) ([]File, context.Context) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return fs, ctx
		},
	}
	wants := map[string]string{
		"missing file in the last cabinet": "gone",
		"file shorter than planned":        "shorter than",
		"file longer than planned":         "longer than",
		"cancelled":                        context.Canceled.Error(),
	}
	for _, method := range []Method{MSZIP, LZX, Stored} {
		for name, mutate := range cases {
			fs, ctx := mutate(append([]File(nil), files...))
			out := t.TempDir()
			// Small cabinets so that earlier cabinets are complete when the
			// failure comes: they must go too.
			cabs, err := Build(ctx, fs, Options{Dir: out, MaxCabinetSize: 100_000, Workers: 2, Method: method})
			if err == nil || !strings.Contains(err.Error(), wants[name]) {
				t.Errorf("%v, %s: Build = %v, %v", method, name, cabs, err)
			}
			if name == "cancelled" && !errors.Is(err, context.Canceled) {
				t.Errorf("%v, cancelled: %v does not wrap context.Canceled", method, err)
			}
			if left := leftovers(t, out); len(left) != 0 {
				t.Errorf("%v, %s: left %v", method, name, left)
			}
		}
	}
}

func TestOptionsAreChecked(t *testing.T) {
	files := sized(1)
	cases := map[string]Options{
		"Dir is empty":              {},
		"exactly one %d":            {Dir: "x", NamePattern: "cab.cab"},
		"exactly one %d, like":      {Dir: "x", NamePattern: "sub/cab%d.cab"},
		"Level 10":                  {Dir: "x", Level: 10},
		"may not be negative":       {Dir: "x", Workers: -1},
		"outside the DOS range":     {Dir: "x", Time: time.Date(1979, 12, 31, 0, 0, 0, 0, time.UTC)},
		"no such file or directory": {Dir: "/nonexistent/dir"},
	}
	for want, o := range cases {
		_, err := Build(context.Background(), files, o)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "build cabinets: ") {
			t.Errorf("%q: %v", want, err)
		}
	}
}

func TestDOSTime(t *testing.T) {
	d, tm, err := dosTime(time.Date(2024, 5, 17, 13, 45, 31, 0, time.UTC))
	// 2024-05-17: (44<<9)|(5<<5)|17; 13:45:31 -> (13<<11)|(45<<5)|15.
	if err != nil || d != 44<<9|5<<5|17 || tm != 13<<11|45<<5|15 {
		t.Errorf("dosTime = %#x %#x %v", d, tm, err)
	}
	if d, tm, _ := dosTime(time.Time{}); d != 1<<5|1 || tm != 0 {
		t.Errorf("zero time = %#x %#x, want 1980-01-01", d, tm)
	}
}
