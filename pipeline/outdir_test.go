package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/internal/testing/msitest"
)

// plant creates files (a name ending in / is a folder) below dir.
func plant(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if strings.HasSuffix(n, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// listTree lists every file and folder below dir, slash-separated, sorted.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	slices.Sort(names)
	return names
}

// TestOutPlacesRefused: the working folder, its parents, a repository
// root, home and / are refused for building and cleaning, whatever they
// hold, even with gomsi's mark; nothing in them is touched.
func TestOutPlacesRefused(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	repo := t.TempDir()
	wd := filepath.Join(t.TempDir(), "clone")
	plant(t, repo, ".git/HEAD", "main.go", outMarker)
	plant(t, home, "notes.txt", outMarker)
	plant(t, wd, "main.go", "sub/", outMarker)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(wd, link); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(wd, "sub"))
	for _, c := range []struct{ out, why string }{
		{".", "the working folder"},
		{"./", "the working folder"},
		{"..", "a parent of the working folder"},
		{link, "a parent of the working folder"},
		{filepath.Dir(wd), "a parent of the working folder"},
		{repo, "the root of a git repository"},
		{home, "the home folder"},
		{"/", "the root of a volume"},
		{"", "is empty"},
	} {
		before := [][]string{listTree(t, repo), listTree(t, home), listTree(t, wd)}
		p := newTestPipeline(t, msitest.SmallTree(t, "go1.26.8"))
		p.Config.Out = c.out
		p.Config.Toolset = "native"
		_, err := p.Clean(context.Background())
		if err == nil || !strings.Contains(err.Error(), c.why) || !strings.Contains(err.Error(), "out folder "+c.out) && c.out != "" {
			t.Errorf("clean %q: %v, want an error naming it and saying %q", c.out, err, c.why)
		}
		if _, err := p.MSI(context.Background()); err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("build into %q: %v, want an error saying %q", c.out, err, c.why)
		}
		if after := [][]string{listTree(t, repo), listTree(t, home), listTree(t, wd)}; !slices.EqualFunc(before, after, slices.Equal) {
			t.Errorf("out %q: the folders changed from %q to %q", c.out, before, after)
		}
	}
}

// TestForeignFolderRefused: a folder holding anything gomsi does not make,
// without gomsi's mark, is neither built into nor cleaned.
func TestForeignFolderRefused(t *testing.T) {
	for _, c := range []struct {
		name   string
		files  []string
		naming string
	}{
		{"a project", []string{"go.mod", "main.go", "go1.26.8.windows-amd64.msi"}, `"go.mod", "main.go"`},
		{"a file in dist", []string{"dist/go1.26.8.windows-amd64/VERSION", "dist/mine.txt"}, `"dist/mine.txt"`},
		{"another MSI", []string{"setup.msi"}, `"setup.msi"`},
		{"a build name of an unknown arch", []string{"go1.26.8.windows-mips.msi"}, `"go1.26.8.windows-mips.msi"`},
		{"a file named wxs", []string{"wxs"}, `"wxs"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newTestPipeline(t, msitest.SmallTree(t, "go1.26.8"))
			p.Config.Toolset = "native"
			plant(t, p.Config.Out, c.files...)
			before := listTree(t, p.Config.Out)
			want := "out folder " + p.Config.Out + " holds " + c.naming
			if _, err := p.MSI(context.Background()); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "set GOMSI_OUT") {
				t.Errorf("build: %v, want %q", err, want)
			}
			if _, err := p.Clean(context.Background()); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("clean: %v, want %q", err, want)
			}
			if after := listTree(t, p.Config.Out); !slices.Equal(before, after) {
				t.Errorf("the folder changed from %q to %q", before, after)
			}
		})
	}
}

// TestOutFolderLifecycle: a new folder is created and marked; an unmarked
// one made by older gomsi (only gomsi's entries) is adopted; clean removes
// what gomsi made, and the folder when nothing else is left.
func TestOutFolderLifecycle(t *testing.T) {
	legacy := []string{
		"dist/go1.26.8.windows-amd64/VERSION", "dist/go1.25.1.windows-386.tmp-copy/bin/go.exe",
		"wxs/go1.26.8.windows-amd64/Product.wxs", "wxs/go1.26.8.windows-amd64/obj/Product.wixobj",
		"go1.26.8.windows-amd64.msi", "go1.26.8.windows-amd64.msi.sha256", "go1.27rc1.windows-arm64.msi", "SHA256SUMS",
		"go1.26.8.windows-amd64-setup.exe", "go1.26.8.windows-386.deploy.json", "winget/manifests/g/GoLang/Go/1.26.8/GoLang.Go.yaml",
		"bench-tree/go/VERSION", "bench/signed.msi",
		".go1.26.8.windows-amd64.msi.tmp-123",
	}
	for _, c := range []struct {
		name  string
		files []string
	}{{"new", nil}, {"empty", []string{}}, {"older gomsi's", legacy}} {
		t.Run(c.name, func(t *testing.T) {
			p := newTestPipeline(t, msitest.SmallTree(t, "go1.26.8"))
			p.Config.Toolset = "native"
			if c.files != nil {
				if err := os.MkdirAll(p.Config.Out, 0o755); err != nil {
					t.Fatal(err)
				}
				plant(t, p.Config.Out, c.files...)
			}
			if _, err := p.MSI(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(p.Config.Out, outMarker)); err != nil {
				t.Errorf("no mark after the build: %v", err)
			}
			if _, err := os.Stat(filepath.Join(p.Config.Out, outOwner)); err == nil {
				t.Error("the owner file stayed after the run")
			}
			kept, err := p.Clean(context.Background())
			if err != nil || len(kept) > 0 {
				t.Fatalf("clean: kept %q, %v", kept, err)
			}
			if _, err := os.Stat(p.Config.Out); err == nil {
				t.Errorf("the out folder is still there: %q", listTree(t, p.Config.Out))
			}
			if kept, err := p.Clean(context.Background()); err != nil || kept != nil {
				t.Errorf("cleaning again: %q, %v", kept, err)
			}
		})
	}
}

// TestCleanKeepsForeignFiles: in a marked folder, clean removes what gomsi
// made and keeps (and reports) anything else, with the mark.
func TestCleanKeepsForeignFiles(t *testing.T) {
	p := newTestPipeline(t, "")
	plant(t, p.Config.Out, outMarker, "notes.txt", "go1.26.8.windows-amd64.msi", "dist/go1.26.8.windows-amd64/VERSION", "dist/keep/me", "wxs/go1.26.8.windows-amd64/Files.wxs")
	kept, err := p.Clean(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"dist/keep", "notes.txt"}; !slices.Equal(kept, want) {
		t.Errorf("kept %q, want %q", kept, want)
	}
	if got, want := listTree(t, p.Config.Out), []string{outLock, outMarker, "dist", "dist/keep", "dist/keep/me", "notes.txt"}; !slices.Equal(got, want) {
		t.Errorf("left %q, want %q", got, want)
	}
}

// TestRunSweepsLeftovers plants what killed runs leave, of every kind
// gomsi writes into the out folder, freshly made (a killed run may have
// died a second ago): the next run removes them all.
func TestRunSweepsLeftovers(t *testing.T) {
	p := newTestPipeline(t, writeTreeZip(t, msitest.SmallTree(t, "go1.26.8")))
	p.Config.Toolset = "native"
	leftovers := []struct{ plant, temporary string }{
		{".go1.26.8.windows-amd64.msi.tmp-123", ""},                                                                 // a compiler's temporary MSI (wix.tempOut)
		{".go1.26.8.windows-amd64.msi.tmp-456.msi", ""},                                                             // light's and wix build's (msiTemp)
		{".go1.26.8.windows-amd64.msi.cab-789/.disk1-1.cab.1.tmp", ".go1.26.8.windows-amd64.msi.cab-789"},           // the native compiler's cabinets
		{".go1.26.8.windows-amd64.msi.2718.tmp", ""},                                                                // the MSI database writer
		{".msipatch-31/go1.26.8.windows-amd64.msi", ".msipatch-31"},                                                 // msibuild's copy
		{".go1.26.8.windows-amd64.msi.sign-99", ""},                                                                 // signing
		{".go1.26.8.windows-amd64.msi.sha256.tmp-5", ""},                                                            // atomicfile
		{".go1.26.7.windows-amd64.msi.tmp-6", ""},                                                                   // another version's
		{"dist/.go1.26.8.windows-amd64.tmp-42/VERSION", "dist/.go1.26.8.windows-amd64.tmp-42"},                      // an extraction
		{"dist/.go1.26.8.windows-amd64.tmp-copy/VERSION", "dist/.go1.26.8.windows-amd64.tmp-copy"},                  // a folder source's copy
		{"wxs/go1.26.8.windows-amd64/.Files.wxs.tmp-7", ""},                                                         // a rendered source
		{"winget/manifests/g/GoLang/Go/.1.26.8.tmp-8/GoLang.Go.yaml", "winget/manifests/g/GoLang/Go/.1.26.8.tmp-8"}, // winget manifests
	}
	names := []string{outMarker}
	for _, l := range leftovers {
		names = append(names, l.plant)
	}
	plant(t, p.Config.Out, names...)
	if _, err := p.MSI(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, l := range leftovers {
		if l.temporary == "" {
			l.temporary = l.plant
		}
		if _, err := os.Lstat(filepath.Join(p.Config.Out, filepath.FromSlash(l.temporary))); err == nil {
			t.Errorf("%s is still there after the next run", l.temporary)
		}
	}
}

// TestTemporaryNamesAreSwept reads gomsi's source for every temporary file
// or folder it creates (os.CreateTemp, os.MkdirTemp) and checks that the
// sweep recognises its name: a writer with a new name fails here until the
// sweep knows it.
func TestTemporaryNamesAreSwept(t *testing.T) {
	root := ".."
	var checked int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "_out" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		// Test helpers write into their own temporary folders, and the setup
		// launcher runs on the machine being installed, not where gomsi builds.
		if slashed := filepath.ToSlash(path); strings.Contains(slashed, "/internal/testing/") || strings.Contains(slashed, "/setup/launch/") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "CreateTemp" && sel.Sel.Name != "MkdirTemp") {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "os" {
				return true
			}
			name := strings.ReplaceAll(renderPattern(call.Args[1]), "*", "12345")
			checked++
			if !atomicfile.IsTemporary(name) {
				t.Errorf("%s: %s makes temporary names like %q, which the next run does not sweep: use a name atomicfile.IsTemporary knows", path, fset.Position(call.Pos()), name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 8 {
		t.Errorf("found only %d temporary names in the source; the scan is broken", checked)
	}
}

// renderPattern renders a CreateTemp pattern expression with its string
// literals as they are and every other operand as an output name.
func renderPattern(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if s, err := strconv.Unquote(e.Value); err == nil {
			return s
		}
	case *ast.BinaryExpr:
		return renderPattern(e.X) + renderPattern(e.Y)
	case *ast.Ident:
		if e.Name == "TempMark" { // inside package atomicfile
			return atomicfile.TempMark
		}
	case *ast.SelectorExpr:
		if e.Sel.Name == "TempMark" {
			return atomicfile.TempMark
		}
	case *ast.ParenExpr:
		return renderPattern(e.X)
	}
	return "go1.26.8.windows-amd64.msi"
}

// syncBuffer is a log that goroutines write while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls until cond holds, failing after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestConcurrentBuildsWait: runs using one out folder wait for each other
// (saying so and for whom) and all succeed; a waiting run writes nothing.
func TestConcurrentBuildsWait(t *testing.T) {
	zipPath := writeTreeZip(t, msitest.SmallTree(t, "go1.26.8"))
	out := filepath.Join(t.TempDir(), "out")
	pipe := func(log *syncBuffer) *Pipeline {
		p := newTestPipeline(t, zipPath)
		p.Config.Out, p.Config.Toolset, p.Log = out, "native", log
		return p
	}
	holder := pipe(&syncBuffer{})
	release, err := holder.Hold(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	logs := []*syncBuffer{{}, {}}
	errs := make([]error, len(logs))
	var wg sync.WaitGroup
	for i, log := range logs {
		wg.Go(func() { _, errs[i] = pipe(log).MSI(context.Background()) })
	}
	waitFor(t, "both runs to wait", func() bool {
		return strings.Contains(logs[0].String(), "waiting for another gomsi run") && strings.Contains(logs[1].String(), "waiting for another gomsi run")
	})
	if !strings.Contains(logs[0].String(), "uses "+out+" (process ") {
		t.Errorf("the wait does not say for whom: %s", logs[0])
	}
	if got := listTree(t, out); !slices.Equal(got, []string{outLock, outMarker, outOwner}) {
		t.Errorf("waiting runs wrote %q", got)
	}
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v\n%s", i, err, logs[i])
		}
	}
	if n := strings.Count(logs[0].String()+logs[1].String(), "waiting for another gomsi run"); n != 2 {
		t.Errorf("%d waits logged, want 2", n)
	}
	assertChecksumMatches(t, filepath.Join(out, "go1.26.8.windows-amd64.msi"))
}

// assertChecksumMatches checks that an MSI's .sha256 file holds its hash.
func assertChecksumMatches(t *testing.T, msi string) {
	t.Helper()
	sum, err := os.ReadFile(msi + ".sha256")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%x  %s\n", sha256.Sum256(data), filepath.Base(msi)); string(sum) != want {
		t.Errorf("%s.sha256 holds %q, want %q", msi, sum, want)
	}
}

// TestWaitIsCancellable: a run waiting for the out folder stops when its
// context ends, having written nothing.
func TestWaitIsCancellable(t *testing.T) {
	p := newTestPipeline(t, msitest.SmallTree(t, "go1.26.8"))
	release, err := p.Hold(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	other := newTestPipeline(t, p.Config.Source)
	other.Config.Out = p.Config.Out
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := other.Fetch(ctx); err != context.DeadlineExceeded {
		t.Errorf("fetch while another run holds the folder: %v, want the context's error", err)
	}
	if got := listTree(t, p.Config.Out); !slices.Equal(got, []string{outLock, outMarker, outOwner}) {
		t.Errorf("the cancelled run wrote %q", got)
	}
}

// TestRunSweepsCacheLeftovers: a download run removes the temporary files
// killed downloads left in the cache over an hour ago.
func TestRunSweepsCacheLeftovers(t *testing.T) {
	p, _ := downloadPipeline(t, writeTreeZip(t, msitest.SmallTree(t, "go1.26.8")))
	p.Config.Toolset = "native"
	cache := p.Config.Env.Fetch.Cache
	leftovers := []string{"dl/0123/.go1.26.7.windows-amd64.zip.tmp-1", "dl/.index-0123456789abcdef.json.tmp-2", "sumdb/sum.golang.org/.latest.tmp-3"}
	plant(t, cache, leftovers...)
	old := time.Now().Add(-2 * time.Hour)
	for _, l := range leftovers {
		os.Chtimes(filepath.Join(cache, l), old, old)
	}
	if _, err := p.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, l := range leftovers {
		if _, err := os.Stat(filepath.Join(cache, l)); err == nil {
			t.Errorf("%s is still in the cache", l)
		}
	}
}
