package wxs

import (
	"strings"
	"testing"
)

// TestNamedBindPaths: a known !(bindpath.name) at the start of a value is
// kept for the file resolver; an escaped one is text; one elsewhere, with
// a default or of an unknown name is an error.
func TestNamedBindPaths(t *testing.T) {
	opts := Options{BindPathNames: map[string]bool{"Files": true}}
	root, err := Parse("a.wxs", strings.NewReader(`<Wix a="!(bindpath.Files)\sub\x.txt" b="!!(bindpath.Files)\x"/>`), opts)
	if err != nil {
		t.Fatal(err)
	}
	if name, rest, ok := BindPathRef(root.Get("a")); !ok || name != "Files" || rest != `\sub\x.txt` {
		t.Errorf("a: %q %q %v", name, rest, ok)
	}
	if DisplayBindPaths(root.Get("a")) != `!(bindpath.Files)\sub\x.txt` {
		t.Errorf("display %q", DisplayBindPaths(root.Get("a")))
	}
	if _, _, ok := BindPathRef(root.Get("b")); ok || root.Get("b") != `!(bindpath.Files)\x` {
		t.Errorf("escaped: %q", root.Get("b"))
	}
	for _, src := range []string{`x!(bindpath.Files)`, `!(bindpath.Other)\x`, `!(bindpath.Files=d)\x`} {
		_, err := Parse("a.wxs", strings.NewReader("<Wix>\n<P a=\""+src+"\"/></Wix>"), opts)
		if err == nil || !strings.Contains(err.Error(), "a.wxs:2: <P a>:") || !strings.Contains(err.Error(), "only at the start of a file path") {
			t.Errorf("%s: %v", src, err)
		}
	}
}
