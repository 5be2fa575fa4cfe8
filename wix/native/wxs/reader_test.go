package wxs

import (
	"strings"
	"testing"
)

func parse(t *testing.T, src string, vars map[string]string) (*Element, error) {
	t.Helper()
	return Parse("a.wxs", strings.NewReader(src), Options{Vars: vars, Getenv: func(k string) string {
		if k == "HOME" {
			return "/home/u"
		}
		return ""
	}})
}

func TestPreprocessor(t *testing.T) {
	src := `<?xml version="1.0"?>
<?define Name = "Go &amp; co"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Fragment>
    <Property Id="A" Value="$(var.SourceDir)/x &amp; $(var.Name)"/>
    <Property Id="B">$(env.HOME) costs $$5 $(Plain)</Property>
  </Fragment>
</Wix>`
	root, err := parse(t, src, map[string]string{"SourceDir": "/s", "Plain": "p"})
	if err != nil {
		t.Fatal(err)
	}
	frag := root.Children[0]
	if got := frag.Children[0].Get("Value"); got != "/s/x & Go &amp; co" {
		t.Errorf("A = %q", got) // a PI's text is not XML-decoded, as in candle
	}
	if got := frag.Children[1].Text; got != "/home/u costs $5 p" {
		t.Errorf("B = %q", got)
	}
	if frag.Children[1].Pos.Line != 6 || root.Pos.Line != 3 {
		t.Errorf("positions %v %v", frag.Children[1].Pos, root.Pos)
	}
}

func TestReaderErrors(t *testing.T) {
	for src, want := range map[string]string{
		`<Wix><P V="$(var.Nope)"/></Wix>`:        "a.wxs:1: <P V>: undefined preprocessor variable $(var.Nope)",
		"<Wix>\n<P V=\"$(env.NOPE)\"/></Wix>":    "a.wxs:2: <P V>: environment variable NOPE in $(env.NOPE) is not set",
		`<Wix><P V="$(sys.X)"/></Wix>`:           "$(sys.X) is not supported by the native toolset",
		"<Wix>\n<?include a.wxi?></Wix>":         "a.wxs:2: preprocessor instruction <?include?> is not supported",
		"<Wix>\n\n<P></Q></Wix>":                 "a.wxs:3: invalid XML",
		`<Wix/><Wix/>`:                           "a second root element",
		``:                                       "no root element",
		`<Wix><P V="$(var.Unterminated"/></Wix>`: "unterminated variable reference",
		`<!DOCTYPE Wix><Wix/>`:                   "XML directives",
		`<Wix x:a="1" xmlns:x="urn:x"/>`:         "attribute urn:x:a from another namespace",
		strings.Repeat("<a>", maxDepth+1):        "nest deeper than 512",
		`<?define 9 bad?><Wix/>`:                 "want <?define Name = \"value\"?>",
	} {
		_, err := parse(t, src, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
}

func TestCheckAttrs(t *testing.T) {
	root, err := parse(t, "<Wix>\n<File Id=\"f\" Sauce=\"x\"/></Wix>", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = root.Children[0].CheckAttrs("Id", "Source")
	if err == nil || !strings.Contains(err.Error(), `a.wxs:2: <File Id="f">: attribute Sauce is not supported`) {
		t.Errorf("CheckAttrs: %v", err)
	}
}

// FuzzParse: the reader never panics, and every error names the source.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Fragment/></Wix>`,
		`<?define A="$(var.B)"?><Wix a="$(var.A)"/>`,
		`<Wix>$$$(</Wix>`,
		"<Wix>\x00</Wix>",
		`<a><b></a>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Parse("f.wxs", strings.NewReader(src), Options{Vars: map[string]string{"B": "b"}})
		if err != nil && !strings.Contains(err.Error(), "f.wxs") {
			t.Errorf("error without the source name: %v", err)
		}
	})
}

// TestBinderEscapes: as WiX v3's binder, a "!" before a binder variable
// escapes it (and goes), and an unescaped one is an error, not text.
func TestBinderEscapes(t *testing.T) {
	for src, want := range map[string]string{
		`!!(loc.Foo)`:                     `!(loc.Foo)`,
		`!!!(loc.Foo)`:                    `!!(loc.Foo)`,
		`!$$(loc.Foo)`:                    `$(loc.Foo)`,
		`a !!(bind.FileVersion.fil1) b`:   `a !(bind.FileVersion.fil1) b`,
		`!!(wix.Ab=$(env.HOME))`:          `!(wix.Ab=/home/u)`,
		`!(loc.X) !(x) $(loc.X) (loc.Ab)`: `!(loc.X) !(x) $(loc.X) (loc.Ab)`, // not variables: a one-letter name, no namespace
		`$$(env.HOME) $$$$(x)`:            `$(env.HOME) $$(x)`,
	} {
		root, err := parse(t, `<Wix a="`+src+`">`+src+`</Wix>`, nil)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if root.Get("a") != want || root.Text != want {
			t.Errorf("%s: attribute %q, text %q, want %q", src, root.Get("a"), root.Text, want)
		}
	}
	for _, src := range []string{`!(loc.Foo)`, `$(loc.Foo)`, `x!(bind.FileVersion.f)`, `!(wix.Ab=1)`, `$$(bindpath.Src)`} {
		_, err := parse(t, `<Wix a="`+src+`"/>`, nil)
		if err == nil || !strings.Contains(err.Error(), "resolved by WiX's binder") || !strings.Contains(err.Error(), "a.wxs:1") {
			t.Errorf("%s: %v, want the binder error", src, err)
		}
	}
}
