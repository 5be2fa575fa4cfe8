package wxs

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const includeOpen = `<Include xmlns="http://schemas.microsoft.com/wix/2006/wi">`

// TestInclude: an include's content is spliced in, where it is, in the
// namespace of the element it lands in, with its own positions.
func TestInclude(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"src/Product.wxs": wixOpen + "\n<Product>\n<?include common.wxi?>\n<After V=\"$(var.FromInclude)\"/>\n</Product></Wix>",
		"src/common.wxi":  `<?xml version="1.0"?>` + "\n<?define FromInclude = yes?>\n" + includeOpen + "\n<Property Id=\"P\"/>\n<?include sub\\nested.wxi?>\n</Include>",
		// without xmlns: candle puts the content in the including namespace
		"src/sub/nested.wxi": "<Include>\n\n<Feature Id=\"F\"><ComponentRef Id=\"C\"/></Feature><Dir V=\"$(sys.SOURCEFILEDIR)\" P=\"$(sys.SOURCEFILEPATH)\"/></Include>",
	})
	root, err := parseFile(t, filepath.Join(dir, "src", "Product.wxs"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "src", "sub")
	if got, want := render(root), "Wix{Product{Property[Id=P] Feature[Id=F]{ComponentRef[Id=C]} Dir[V="+sub+string(filepath.Separator)+",P="+filepath.Join(sub, "nested.wxi")+"] After[V=yes]}}"; got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	product := root.Children[0]
	feature := product.Children[1]
	for _, e := range []*Element{product.Children[0], feature, feature.Children[0]} {
		if e.Space != Namespace {
			t.Errorf("%s: namespace %q", e, e.Space)
		}
	}
	want := filepath.Join(dir, "src", "sub", "nested.wxi") + ":3 (included from " + filepath.Join(dir, "src", "common.wxi") + ":5, " + filepath.Join(dir, "src", "Product.wxs") + ":3)"
	if got := feature.Pos.String(); got != want {
		t.Errorf("position %s\nwant %s", got, want)
	}
}

// TestIncludeSearch: beside the including file first, then the include
// folders in order; absolute paths as they are; quotes and variables in
// the name.
func TestIncludeSearch(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"src/a.wxs":         wixOpen + `<?include "x.wxi"?><?include y.wxi?><?include $(var.Dir)/z.wxi?></Wix>`,
		"src/x.wxi":         includeOpen + `<Beside/></Include>`,
		"inc1/x.wxi":        includeOpen + `<Inc1X/></Include>`,
		"inc1/y.wxi":        includeOpen + `<Inc1Y/></Include>`,
		"inc2/y.wxi":        includeOpen + `<Inc2Y/></Include>`,
		"inc2/z.wxi":        includeOpen + `<Inc2Z/></Include>`,
		"abs/absolute.wxi":  includeOpen + `<Absolute/></Include>`,
		"src/b.wxs":         wixOpen + `<?include '$(var.Abs)'?></Wix>`,
		"src/c.wxs":         wixOpen + `<?include nowhere.wxi?></Wix>`,
		"src/d.wxs":         wixOpen + `<?include inc1?></Wix>`,
		"src/e.wxs":         wixOpen + `<?include ../notxml/passwd?></Wix>`,
		"notxml/passwd":     "root:x:0:0:root:/root:/bin/bash\n",
		"src/f.wxs":         wixOpen + `<?include wrongroot.wxi?></Wix>`,
		"src/wrongroot.wxi": "<Wix>\n</Wix>",
	})
	opts := Options{IncludeDirs: []string{filepath.Join(dir, "inc1"), filepath.Join(dir, "inc2")}, Vars: map[string]string{"Dir": ".", "Abs": filepath.Join(dir, "abs", "absolute.wxi")}}
	root, err := parseFile(t, filepath.Join(dir, "src", "a.wxs"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := render(root); got != "Wix{Beside Inc1Y Inc2Z}" {
		t.Errorf("search order: %s", got)
	}
	root, err = parseFile(t, filepath.Join(dir, "src", "b.wxs"), opts)
	if err != nil || render(root) != "Wix{Absolute}" {
		t.Errorf("absolute: %v", err)
	}
	for file, want := range map[string]string{
		"c.wxs": "c.wxs:1: <?include nowhere.wxi?>: cannot find nowhere.wxi in " + filepath.Join(dir, "src") + ", " + filepath.Join(dir, "inc1") + ", " + filepath.Join(dir, "inc2"),
		"d.wxs": "cannot find inc1", // a folder is not an include
		"e.wxs": "passwd:1 (included from " + filepath.Join(dir, "src", "e.wxs") + ":1): text outside the root element",
		"f.wxs": "wrongroot.wxi:1 (included from " + filepath.Join(dir, "src", "f.wxs") + ":1): an include file's root element is <Include>, not <Wix>",
	} {
		_, err := parseFile(t, filepath.Join(dir, "src", file), opts)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v\nwant %q", file, err, want)
		}
	}
}

// TestIncludeHostile: a file including itself stops at the depth bound
// with an error that says so; a guarded one is read once; special files are
// not read.
func TestIncludeHostile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"loop.wxs":     wixOpen + `<?include self.wxi?></Wix>`,
		"self.wxi":     includeOpen + "\n<?include self.wxi?></Include>",
		"guarded.wxs":  wixOpen + `<?include guard.wxi?><?include guard.wxi?></Wix>`,
		"guard.wxi":    includeOpen + `<?ifndef GuardIncluded?><?define GuardIncluded?><Once/><?include guard.wxi?><?endif?></Include>`,
		"pingpong.wxs": wixOpen + `<?include ping.wxi?></Wix>`,
		"ping.wxi":     includeOpen + `<?include pong.wxi?></Include>`,
		"pong.wxi":     includeOpen + `<?include ping.wxi?></Include>`,
		"error.wxs":    wixOpen + "\n<?include error.wxi?></Wix>",
		"error.wxi":    includeOpen + "\n\n<?error stop here?></Include>",
		"unclosed.wxs": wixOpen + "\n<?include unclosed.wxi?><?endif?></Wix>",
		"unclosed.wxi": includeOpen + "\n<?if 1 = 1?></Include>",
	})
	for file, want := range map[string]string{
		"loop.wxs":     "includes nest deeper than 64 levels: " + filepath.Join(dir, "self.wxi") + " includes itself",
		"pingpong.wxs": "includes itself (directly or through other files)",
		"error.wxs":    filepath.Join(dir, "error.wxi") + ":3 (included from " + filepath.Join(dir, "error.wxs") + ":2): <?error?>: stop here",
		"unclosed.wxs": "unclosed.wxi:2 (included from " + filepath.Join(dir, "unclosed.wxs") + ":2): the <?if?> has no <?endif?> inside <Include>",
	} {
		_, err := parseFile(t, filepath.Join(dir, file), Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %.400v\nwant %q", file, err, want)
		}
	}
	root, err := parseFile(t, filepath.Join(dir, "guarded.wxs"), Options{})
	if err != nil || render(root) != "Wix{Once}" {
		t.Errorf("guarded include: %v", err)
	}
	if runtime.GOOS != "windows" {
		if _, err := os.Stat("/dev/zero"); err == nil {
			src := wixOpen + `<?include /dev/zero?></Wix>`
			if _, err := Parse(filepath.Join(dir, "dev.wxs"), strings.NewReader(src), Options{}); err == nil || !strings.Contains(err.Error(), "/dev/zero is not a file") {
				t.Errorf("/dev/zero: %v", err)
			}
		}
	}
}

// TestIncludeInLoop: an include in a <?foreach?> is read in each pass, with
// that pass's variables; one in a skipped branch is not read at all.
func TestIncludeInLoop(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.wxs":    wixOpen + `<?foreach L in en;de?><?include lang.wxi?><?endforeach?><?if 1 = 2?><?include missing.wxi?><?endif?></Wix>`,
		"lang.wxi": includeOpen + `<?foreach N in 1;2?><F Id="$(var.L)$(var.N)"/><?endforeach?></Include>`,
	})
	root, err := parseFile(t, filepath.Join(dir, "a.wxs"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := render(root); got != "Wix{F[Id=en1] F[Id=en2] F[Id=de1] F[Id=de2]}" {
		t.Errorf("got %s", got)
	}
	for _, e := range root.Children {
		if e.Space != Namespace {
			t.Errorf("%s: namespace %q", e, e.Space)
		}
	}
}
