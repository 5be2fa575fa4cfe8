package harvest

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"VERSION":               {Data: []byte("go1.26.8\n")},
		"bin/go.exe":            {Data: []byte("MZ go")},
		"bin/gofmt.exe":         {Data: []byte("MZ gofmt")},
		"src/fmt/print.go":      {Data: []byte("package fmt")},
		"src/fmt/print_test.go": {Data: []byte("package fmt_test")},
		"pkg/include":           {Mode: fs.ModeDir | 0o755},
		"misc/wasm/x.js":        {Data: []byte("js")},
	}
}

var wixID = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]{0,71}$`)

func TestHarvest(t *testing.T) {
	tree, err := Harvest(testFS(), Options{GUIDScope: "scope"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range tree.Components {
		if !wixID.MatchString(c.ID) {
			t.Errorf("component id %q is not a WiX identifier", c.ID)
		}
		if c.File == nil {
			got = append(got, c.Dir.Path+"/")
			continue
		}
		if !wixID.MatchString(c.File.ID) {
			t.Errorf("file id %q is not a WiX identifier", c.File.ID)
		}
		if c.Dir.Path != "." && !strings.HasPrefix(c.File.Source, c.Dir.Path+"/") {
			t.Errorf("file %s sits in folder %s", c.File.Source, c.Dir.Path)
		}
		got = append(got, c.File.Source)
	}
	want := "VERSION bin/go.exe bin/gofmt.exe misc/wasm/x.js src/fmt/print.go src/fmt/print_test.go misc/ pkg/ pkg/include/ src/"
	if strings.Join(got, " ") != want {
		t.Errorf("components:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if tree.Files != 6 {
		t.Errorf("Files = %d, want 6", tree.Files)
	}
	if tree.Root.ID != "INSTALLDIR" || len(tree.Root.Dirs) != 4 || tree.Root.Dirs[0].Name != "bin" {
		t.Errorf("root = %+v", tree.Root)
	}
}

func TestHarvestIsDeterministic(t *testing.T) {
	a, _ := Harvest(testFS(), Options{GUIDScope: "upgrade|amd64|ProgramFiles64Folder\\Go"})
	b, _ := Harvest(testFS(), Options{GUIDScope: "upgrade|amd64|ProgramFiles64Folder\\Go"})
	other, _ := Harvest(testFS(), Options{GUIDScope: "upgrade|arm64|ProgramFiles64Folder\\Go"})
	seen := map[string]bool{}
	for i := range a.Components {
		ca, cb, co := a.Components[i], b.Components[i], other.Components[i]
		if ca.ID != cb.ID || ca.GUID != cb.GUID {
			t.Errorf("two harvests differ: %+v vs %+v", ca, cb)
		}
		if ca.GUID == co.GUID {
			t.Errorf("GUID %s is shared by two arches", ca.GUID)
		}
		if ca.ID != co.ID {
			t.Errorf("ids depend on the GUID scope: %s vs %s", ca.ID, co.ID)
		}
		if seen[ca.GUID] {
			t.Errorf("GUID %s repeats", ca.GUID)
		}
		seen[ca.GUID] = true
		if !regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`).MatchString(ca.GUID) {
			t.Errorf("GUID %s is not an uppercase name-based (v5) UUID", ca.GUID)
		}
	}
	// The same path in another version keeps its GUID; case does not matter.
	fs2 := testFS()
	fs2["bin/GO.EXE"] = fs2["bin/go.exe"]
	delete(fs2, "bin/go.exe")
	c, _ := Harvest(fs2, Options{GUIDScope: "upgrade|amd64|ProgramFiles64Folder\\Go"})
	if c.Components[1].File.Source != "bin/GO.EXE" || c.Components[1].GUID != a.Components[1].GUID {
		t.Errorf("GUID of bin/GO.EXE = %s, want that of bin/go.exe %s", c.Components[1].GUID, a.Components[1].GUID)
	}
}

func TestHarvestExclude(t *testing.T) {
	tree, err := Harvest(testFS(), Options{Exclude: []string{"*_test.go", "misc", "VERSION"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range tree.Components {
		if c.File != nil {
			got = append(got, c.File.Source)
		}
	}
	if want := "bin/go.exe bin/gofmt.exe src/fmt/print.go"; strings.Join(got, " ") != want {
		t.Errorf("after exclusion: %s, want %s", strings.Join(got, " "), want)
	}
	if _, err := Harvest(testFS(), Options{Exclude: []string{"[bad"}}); err == nil || !strings.Contains(err.Error(), `exclude pattern "[bad"`) {
		t.Errorf("bad pattern: %v", err)
	}
}

func TestHarvestLongPaths(t *testing.T) {
	long := strings.Repeat("very-long-folder-name.", 5)
	fsys := fstest.MapFS{long + "/" + long + "/" + long + ".go": {Data: []byte("x")}}
	tree, err := Harvest(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range tree.Components {
		if c.File == nil {
			continue
		}
		if !wixID.MatchString(c.ID) || !wixID.MatchString(c.File.ID) || !wixID.MatchString(c.Dir.ID) {
			t.Errorf("ids for a long path are not WiX identifiers: %s %s %s", c.ID, c.File.ID, c.Dir.ID)
		}
	}
}

func TestHarvestRemovesEveryFolder(t *testing.T) {
	tree, err := Harvest(testFS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	removed := map[string]int{}
	for _, c := range tree.Components {
		if c.RemoveFolder != "" {
			removed[c.Dir.Path]++
			if !wixID.MatchString(c.RemoveFolder) {
				t.Errorf("RemoveFolder id %q", c.RemoveFolder)
			}
		}
	}
	want := []string{".", "bin", "misc", "misc/wasm", "pkg", "pkg/include", "src", "src/fmt"}
	for _, p := range want {
		if removed[p] != 1 {
			t.Errorf("folder %s removed by %d components, want 1", p, removed[p])
		}
	}
	if len(removed) != len(want) {
		t.Errorf("removed folders %v, want %v", removed, want)
	}
}

// An exclude that takes go.exe or gofmt.exe (by name, by a folder above,
// or by a glob of everything) would build a Go MSI that installs no go
// command: refused, naming the glob.
func TestExcludeKeepsTheGoCommand(t *testing.T) {
	tests := []struct {
		exclude []string
		want    string
	}{
		{[]string{"bin/go.exe"}, `exclude "bin/go.exe" removes bin/go.exe`},
		{[]string{"*_test.go", "*.exe"}, `exclude "*.exe" removes bin/go.exe`},
		{[]string{"go.exe"}, `exclude "go.exe" removes bin/go.exe`},
		{[]string{"bin"}, `exclude "bin" removes bin/go.exe`},
		{[]string{"bin/*"}, `exclude "bin/*" removes bin/go.exe`},
		{[]string{"b?n"}, `exclude "b?n" removes bin/go.exe`},
		{[]string{"*"}, `exclude "*" removes bin/go.exe`},
		{[]string{"bin/gofmt.exe"}, `exclude "bin/gofmt.exe" removes bin/gofmt.exe`},
		{[]string{"gofmt*"}, `exclude "gofmt*" removes bin/gofmt.exe`},
	}
	for _, tt := range tests {
		_, err := Harvest(testFS(), Options{Exclude: tt.exclude})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "gomsi.yaml") {
			t.Errorf("exclude %q: %v\nwant an error containing %s", tt.exclude, err, tt.want)
		}
	}
}

// A tree without go.exe (not a Go distribution) may lose anything but its
// last file.
func TestExcludeLeavesAFile(t *testing.T) {
	fsys := fstest.MapFS{
		"README":      {Data: []byte("r")},
		"doc/a.html":  {Data: []byte("a")},
		"doc/b.html":  {Data: []byte("b")},
		"src/x/x.go":  {Data: []byte("x")},
		"src/x/y.txt": {Data: []byte("y")},
	}
	for _, tt := range []struct {
		exclude []string
		want    string
	}{
		{[]string{"*"}, `exclude "*" removes every file`},
		{[]string{"README", "doc", "src"}, `exclude "README", "doc", "src" removes every file`},
		{[]string{"*.go", "nothing-matches", "README", "*.*"}, `exclude "*.go", "README", "*.*" removes every file`},
	} {
		_, err := Harvest(fsys, Options{Exclude: tt.exclude})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("exclude %q: %v\nwant an error containing %s", tt.exclude, err, tt.want)
		}
	}
	for _, exclude := range [][]string{{"doc", "src"}, {"*.html", "x"}, {"README", "*.html", "*.go"}} {
		tree, err := Harvest(fsys, Options{Exclude: exclude})
		if err != nil || tree.Files == 0 {
			t.Errorf("exclude %q leaves a file: %v", exclude, err)
		}
	}
	// Excludes that spare the go command are fine in a distribution.
	for _, exclude := range [][]string{{"*_test.go", "misc"}, {"src/*"}, {"*.js", "VERSION"}, {"bin/gofmt.exe.bak"}} {
		if _, err := Harvest(testFS(), Options{Exclude: exclude}); err != nil {
			t.Errorf("exclude %q: %v", exclude, err)
		}
	}
}
