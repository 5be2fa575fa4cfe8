package wxs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreprocessorConstructs runs each construct of WiX v3's preprocessor
// over a small source of its own and compares the tree.
func TestPreprocessorConstructs(t *testing.T) {
	vars := map[string]string{"Mode": "release", "Ten": "10", "Empty": ""}
	for _, c := range []struct{ name, src, want string }{
		{"if true", `<?if $(var.Mode) = release?><A/><?else?><B/><?endif?>`, "Wix{A}"},
		{"if false", `<?if $(var.Mode) = debug?><A/><?else?><B/><?endif?>`, "Wix{B}"},
		{"elseif taken", `<?if $(var.Ten) < 5?><A/><?elseif $(var.Ten) < 20?><B/><?elseif $(var.Ten) < 30?><C/><?else?><D/><?endif?>`, "Wix{B}"},
		// wixl runs <?else?> after a matching <?elseif?>; candle does not.
		{"else after matching elseif", `<?if 1 = 2?><A/><?elseif 1 = 1?><B/><?else?><C/><?endif?>`, "Wix{B}"},
		{"first true branch only", `<?if 1 = 1?><A/><?elseif 1 = 1?><B/><?else?><C/><?endif?>`, "Wix{A}"},
		{"no branch", `<?if 1 = 2?><A/><?elseif 2 = 3?><B/><?endif?><C/>`, "Wix{C}"},
		{"nested", `<?if 1 = 1?><?if 1 = 2?><A/><?else?><B/><?endif?><?else?><C/><?endif?>`, "Wix{B}"},
		{"dead branch is not preprocessed",
			`<?if 1 = 2?><A V="$(var.Nope)"/><?if $(var.Nope) = 1?><B/><?elseif $(env.NOPE)?><C/><?else?><D/><?endif?><?include missing.wxi?><?error never?><?define Mode = x?><?else?><E V="$(var.Mode)"/><?endif?>`,
			"Wix{E[V=release]}"},
		{"dead foreach", `<?if 1 = 2?><?foreach X in a;b?><A/><?endforeach?><?endif?><B/>`, "Wix{B}"},
		{"ifdef", `<?ifdef Mode?><A/><?endif?><?ifdef var.Mode?><B/><?endif?><?ifdef Nope?><C/><?endif?><?ifdef Empty?><D/><?endif?>`, "Wix{A B D}"},
		{"ifdef env and sys", `<?ifdef env.HOME?><A/><?endif?><?ifdef env.NOPE?><B/><?endif?><?ifdef sys.BUILDARCH?><C/><?endif?>`, "Wix{A C}"},
		{"ifndef", `<?ifndef Nope?><A/><?else?><B/><?endif?><?ifndef Mode?><C/><?endif?>`, "Wix{A}"},
		{"define", `<?define A = "x y"?><?define B='$(var.A)!'?><?define C = $(var.B)z ?><?define var.D?><P a="$(var.A)" b="$(var.B)" c="$(var.C)" d="[$(var.D)]"/>`,
			"Wix{P[a=x y,b=x y!,c=x y!z,d=[]]}"},
		{"undef", `<?define A = 1?><?undef A?><?ifdef A?><B/><?else?><C/><?endif?><?define A = 2?><?undef var.A?><?ifndef A?><D/><?endif?>`, "Wix{C D}"},
		{"text is expanded where it is", `<P>$(var.Ten)<?define Ten = 11?> $(var.Ten)</P>`, `Wix{P"10 11"}`},
		{"foreach", `<?foreach L in 1033;1041;1055?><F Id="f.$(var.L)"/><?endforeach?>`, "Wix{F[Id=f.1033] F[Id=f.1041] F[Id=f.1055]}"},
		{"foreach over a variable", `<?define List = a;b?><?foreach var.X in $(var.List)?><F Id="$(var.X)"/><?endforeach?><G Id="$(var.X)"/>`, "Wix{F[Id=a] F[Id=b] G[Id=b]}"},
		{"foreach empty items", `<?foreach X in a;;b;?><F Id="[$(var.X)]"/><?endforeach?>`, "Wix{F[Id=[a]] F[Id=[]] F[Id=[b]] F[Id=[]]}"},
		{"nested foreach", `<?foreach X in a;b?><?foreach Y in 1;2?><F Id="$(var.X)$(var.Y)"/><?endforeach?><?endforeach?>`, "Wix{F[Id=a1] F[Id=a2] F[Id=b1] F[Id=b2]}"},
		{"foreach with if", `<?foreach X in 1;2;3?><?if $(var.X) >= 2?><F Id="$(var.X)"/><?endif?><?endforeach?>`, "Wix{F[Id=2] F[Id=3]}"},
		{"foreach inside an element", `<D><?foreach X in a;b?><F Id="$(var.X)"><G/></F><?endforeach?></D>`, "Wix{D{F[Id=a]{G} F[Id=b]{G}}}"},
		{"foreach defines", `<?foreach X in a;b?><?define Last = $(var.X)?><?endforeach?><P V="$(var.Last)"/>`, "Wix{P[V=b]}"},
		{"unknown instruction ignored", `<?xml-stylesheet href="x"?><A/>`, "Wix{A}"},
		{"env function form", `<P V="$(env.ProgramFiles(x86))"/>`, `Wix{P[V=C:\PF86]}`},
	} {
		src := `<Wix>` + c.src + `</Wix>`
		root, err := Parse("a.wxs", strings.NewReader(src), Options{Vars: vars, Getenv: fakeEnv})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := render(root); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func fakeEnv(k string) string {
	return map[string]string{"HOME": "/home/u", "ProgramFiles(x86)": `C:\PF86`}[k]
}

// TestPreprocessorErrors: each mistake is an error naming file:line and
// what is wrong.
func TestPreprocessorErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"<Wix>\n<?error Version $(var.V) is not supported?></Wix>", "a.wxs:2: <?error?>: Version 9 is not supported"},
		{"<Wix>\n<?if 1 = 1?>\n<?error in if?><?endif?></Wix>", "a.wxs:3: <?error?>: in if"},
		{"<Wix>\n<?if $(var.Nope) = 1?><?endif?></Wix>", "a.wxs:2: <?if $(var.Nope) = 1?>: undefined preprocessor variable $(var.Nope)"},
		{"<Wix/>\n<?if 1 = 1?>", "a.wxs:2: <?if?> has no <?endif?> before the end of a.wxs"},
		{"<Wix>\n<?if 1 = 1?></Wix>", "a.wxs:2: the <?if?> has no <?endif?> inside <Wix> (a.wxs:1)"},
		{"<Wix><?if 1 = 1?>\n<?else?>\n<?else?><?endif?></Wix>", "a.wxs:3: <?else?> after the <?else?> of the <?if?> at a.wxs:1"},
		{"<Wix><?if 1 = 1?><?else?>\n<?elseif 1 = 1?><?endif?></Wix>", "a.wxs:2: <?elseif?> after the <?else?>"},
		{"<Wix>\n<?else?></Wix>", "a.wxs:2: <?else?> without an <?if?>"},
		{"<Wix>\n<?elseif 1 = 1?></Wix>", "a.wxs:2: <?elseif?> without an <?if?>"},
		{"<Wix>\n<?endif?></Wix>", "a.wxs:2: <?endif?> without an <?if?>"},
		{"<Wix>\n<?endforeach?></Wix>", "a.wxs:2: <?endforeach?> without a <?foreach?>"},
		{"<Wix>\n<?foreach X in a?><A/></Wix>", "a.wxs:2: </Wix> comes before the <?endforeach?> of the <?foreach?> at a.wxs:2"},
		{"<Wix>\n<?foreach X in a?><A><?endforeach?></A></Wix>", "the <?endforeach?> of the <?foreach?> at a.wxs:2 is inside an element"},
		{"<Wix>\n<?foreach X a;b?><?endforeach?></Wix>", "a.wxs:2: <?foreach X a;b?>: want <?foreach Name in a;b;c?>"},
		{"<Wix>\n<?foreach X in a;b?>\n<A V=\"$(var.Y)\"/><?endforeach?></Wix>", `a.wxs:3: <A V>: undefined preprocessor variable $(var.Y): define it (-dY=value, <?define?>) or fix the name (in the pass of <?foreach X?> at a.wxs:2 with X="a")`},
		{"<Wix>\n<?undef Nope?></Wix>", "a.wxs:2: <?undef Nope?>: $(var.Nope) is not defined"},
		{"<Wix><?if 1 = 1?><A>\n<?else?></A><?endif?></Wix>", "a.wxs:2: <A> (a.wxs:1) ends in another branch of an <?if?>"},
		{"<Wix><A><?if 1 = 2?></A><B><?endif?></B></Wix>", "a.wxs:1: the <?if?> has no <?endif?> inside <A> (a.wxs:1)"},
		{"<Wix><?if 1 = 2?><A><?else?>\n</A><?endif?></Wix>", "a.wxs:2: <A> (a.wxs:1) ends in another branch"},
		{"<Wix><P V=\"$(fun.AutoVersion(1.0))\"/></Wix>", "from the build's clock"},
		{"<Wix><P V=\"$(env.X(\"/></Wix>", "unterminated variable reference"},
		{"<Wix><P V=\"$(.X)\"/></Wix>", "a variable needs a prefix"},
		{"<Wix><P V=\"$(var.)\"/></Wix>", "$(var.) is not a variable"},
		{"<Wix><P V=\"$(sys.X(1))\"/></Wix>", "undefined preprocessor function or variable $(sys.X(1))"},
		{"<Wix><P V=\"$(x(1))\"/></Wix>", "$(x(1)) is not a preprocessor function"},
		{"<Wix><?ifdef ?><?endif?></Wix>", "<?ifdef ?>: want a variable name"},
	} {
		_, err := Parse("a.wxs", strings.NewReader(c.src), Options{Vars: map[string]string{"V": "9"}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %q", c.src, err, c.want)
		}
	}
}

// TestWarnings: <?warning?>, redefinitions, $(sys.PLATFORM), $(loc.X) and
// unknown instructions reach Options.Warn with their position; a nil Warn
// is no error.
func TestWarnings(t *testing.T) {
	src := "<Wix>\n<?warning Watch $(var.V)?>\n<?define V = 2?>\n<P V=\"$(sys.PLATFORM)\"/>\n<?pragma wix.x?><?frobnicate?>\n<?ifdef $(var.V)?><Never/><?endif?></Wix>"
	var w warnings
	root, err := Parse("a.wxs", strings.NewReader(src), Options{Vars: map[string]string{"V": "1"}, Warn: w.warn, Arch: "x64"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a.wxs:2: Watch 1",
		"a.wxs:3: <?define V?> replaces an earlier value of $(var.V)",
		"a.wxs:4: $(sys.PLATFORM) is deprecated: use $(sys.BUILDARCH)",
		"a.wxs:5: <?pragma wix.x?> is ignored: no preprocessor extension handles it",
		"a.wxs:5: <?frobnicate?> is not a WiX preprocessor instruction and is ignored",
		`a.wxs:6: <?ifdef?> and <?ifndef?> take a name: $(var.V) tests a variable named "var.V)", which is never defined; write var.V`,
	}
	if strings.Join(w, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(w, "\n"), strings.Join(want, "\n"))
	}
	if got := render(root); got != "Wix{P[V=x64]}" {
		t.Errorf("tree %s", got)
	}
	if _, err := Parse("a.wxs", strings.NewReader(src), Options{Vars: map[string]string{"V": "1"}}); err != nil {
		t.Errorf("nil Warn: %v", err)
	}
}

// TestSystemVariables: $(sys.X) as candle sets them; directories end with
// a separator.
func TestSystemVariables(t *testing.T) {
	dir := writeFiles(t, map[string]string{"src/a.wxs": `<Wix a="$(sys.BUILDARCH)" d="$(sys.SOURCEFILEDIR)" p="$(sys.SOURCEFILEPATH)" c="$(sys.CURRENTDIR)"/>`})
	path := filepath.Join(dir, "src", "a.wxs")
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	sep := string(filepath.Separator)
	for arch, want := range map[string]string{"": "x86", "x64": "x64", "ARM64": "arm64", "x86": "x86"} {
		root, err := parseFile(t, path, Options{Arch: arch})
		if err != nil {
			t.Fatal(err)
		}
		if root.Get("a") != want || root.Get("d") != filepath.Join(dir, "src")+sep || root.Get("p") != path || root.Get("c") != cwd+sep {
			t.Errorf("arch %q: %s", arch, render(root))
		}
	}
	if _, err := parseFile(t, path, Options{Arch: "amd64"}); err == nil || !strings.Contains(err.Error(), `a.wxs: build architecture "amd64" is not one WiX knows`) {
		t.Errorf("bad arch: %v", err)
	}
}

// TestHostileInput: every bound holds, with an error that says which.
func TestHostileInput(t *testing.T) {
	many := strings.Repeat("x;", maxForeachItems)
	doubling := `<?define A = "xxxxxxxxxxxxxxxx"?>` + strings.Repeat(`<?define A = "$(var.A)$(var.A)"?>`, 30)
	nestedLoops := `<?foreach A in ` + strings.Repeat("a;", 999) + `a?><?foreach B in ` + strings.Repeat("b;", 999) + `b?><?endforeach?><?endforeach?>`
	deepIf := strings.Repeat("<?if 1 = 1?>", 5000) + strings.Repeat("<?endif?>", 5000)
	longExpr := `<?if "` + strings.Repeat("x", maxExpressionBytes) + `" = x?><?endif?>`
	longChain := "<?if " + strings.Repeat("1 = 1 and ", 900) + "1 = 1?><A/><?endif?>"
	deepExpr := "<?if " + strings.Repeat("(", maxExpressionDepth+1) + "1 = 1" + strings.Repeat(")", maxExpressionDepth+1) + "?><?endif?>"
	deepFunc := `<P V="` + strings.Repeat("$(a.b(", 20) + strings.Repeat("))", 20) + `"/>`
	for name, c := range map[string]struct{ src, want string }{
		"huge foreach":      {`<?foreach X in ` + many + `?><?endforeach?>`, "items, more than the 10000"},
		"nested loops":      {nestedLoops, "more than 100000 passes"},
		"doubling defines":  {doubling, "grows past 16 MiB"},
		"deep elements":     {strings.Repeat("<a>", maxDepth+1), "nest deeper than 512"},
		"long expression":   {longExpr, "longer than 64 KiB"},
		"deep expression":   {deepExpr, "nests deeper than 1000"},
		"deep functions":    {deepFunc, "functions nest deeper than 16"},
		"deep conditionals": {deepIf + "<x/>", ""},
		"long and chain":    {longChain, ""},
	} {
		_, err := Parse("h.wxs", strings.NewReader("<Wix>"+c.src+"</Wix>"), Options{})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "h.wxs:")):
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// TestOutputBound: a source whose preprocessed form outgrows the bound
// stops with an error (the bound is lowered here to keep the test small).
func TestOutputBound(t *testing.T) {
	src := `<Wix><?foreach X in ` + strings.Repeat("a;", 99) + `a?><F V="0123456789012345678901234567890123456789"/><?endforeach?></Wix>`
	p := &parser{arch: "x86", vars: map[string]string{}, input: maxInputBytes, output: 1000}
	if _, err := p.parse("o.wxs", strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), "o.wxs:1: the preprocessed source grows past") {
		t.Errorf("output bound: %v", err)
	}
	p = &parser{arch: "x86", vars: map[string]string{}, input: 100, output: maxOutputBytes}
	if _, err := p.parse("o.wxs", strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), "o.wxs:1: the source and its includes are larger than") {
		t.Errorf("input bound: %v", err)
	}
	// a body that produces nothing still counts, pass after pass
	src = `<Wix><?foreach X in ` + strings.Repeat("a;", 99) + `a?>` + strings.Repeat("<!-- nothing -->", 100) + `<?if 1 = 2?><A/><?endif?><?endforeach?></Wix>`
	p = &parser{arch: "x86", vars: map[string]string{}, input: int64(len(src)) * 20, output: maxOutputBytes}
	if _, err := p.parse("o.wxs", strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), "o.wxs:1: <?foreach X?>: the source and its includes are larger than") {
		t.Errorf("replay bound: %v", err)
	}
	p = &parser{arch: "x86", vars: map[string]string{}, input: int64(len(src)) * 200, output: maxOutputBytes}
	if _, err := p.parse("o.wxs", strings.NewReader(src)); err != nil {
		t.Errorf("within the replay bound: %v", err)
	}
}
