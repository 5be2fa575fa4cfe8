package native_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native"
)

// TestFileResolver follows light's order: the path as given (absolute, or
// against the working directory), then each base path in turn; SourceDir\
// is looked up in the base paths only.
func TestFileResolver(t *testing.T) {
	root := t.TempDir()
	write := func(rel string) string {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(rel), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("cwd/here.txt")
	write("cwd/both.txt")
	write("b1/both.txt")
	write("b1/only1.txt")
	write("b2/only1.txt")
	write("b2/sub/only2.txt")
	write("b2/SourceDir/odd.txt")
	abs := write("elsewhere/abs.txt")
	os.MkdirAll(filepath.Join(root, "cwd", "adir"), 0o755)
	t.Chdir(filepath.Join(root, "cwd"))
	b1, b2 := filepath.Join(root, "b1"), filepath.Join(root, "b2")
	r := native.FileResolver{BasePaths: []string{b1, b2}}

	tests := []struct {
		source, want string // want "" for not found
	}{
		{abs, abs},
		{"here.txt", "here.txt"},
		{"both.txt", "both.txt"}, // the working directory comes first
		{"only1.txt", filepath.Join(b1, "only1.txt")},
		{`sub\only2.txt`, filepath.Join(b2, "sub", "only2.txt")},
		{"sub/only2.txt", filepath.Join(b2, "sub", "only2.txt")},
		{`SourceDir\sub\only2.txt`, filepath.Join(b2, "sub", "only2.txt")},
		{`SourceDir\here.txt`, ""}, // never against the working directory
		{`SourceDir\odd.txt`, filepath.Join(b2, "SourceDir", "odd.txt")},
		{"adir", ""}, // a folder is not a file
		{filepath.Join(root, "cwd", "adir"), filepath.Join(root, "cwd", "adir")}, // refused when measured
		{"nowhere.txt", ""},
		{filepath.Join(root, "nowhere.txt"), ""},
	}
	for _, tt := range tests {
		got, err := r.Resolve(tt.source)
		if tt.want == "" {
			if err == nil || !errors.Is(err, native.ErrFileNotFound) {
				t.Errorf("Resolve(%q) = %q, %v; want not found", tt.source, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tt.source, got, err, tt.want)
		}
	}

	// The error lists every place tried, in order.
	_, err := r.Resolve(`lib\x.dll`)
	want := []string{"lib/x.dll", filepath.Join(b1, "lib", "x.dll"), filepath.Join(b2, "lib", "x.dll")}
	msg := err.Error()
	last := -1
	for _, w := range want {
		i := strings.Index(msg, w)
		if i <= last {
			t.Errorf("error does not list %s after the previous paths: %s", w, msg)
		}
		last = i
	}
	if !strings.Contains(msg, `lib\x.dll`) || !strings.Contains(msg, "-b") {
		t.Errorf("error does not name the source value and the fix: %s", msg)
	}
	if _, err := r.Resolve("adir"); err == nil || !strings.Contains(err.Error(), "adir (a folder)") {
		t.Errorf("a folder in the way is not named as one: %v", err)
	}
	if _, err := (native.FileResolver{}).Resolve(""); err == nil {
		t.Error("an empty path resolved")
	}
}
