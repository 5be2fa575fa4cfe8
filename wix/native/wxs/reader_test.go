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
    <Property Id="B">$(env.HOME) costs $$5 $(var.Plain)</Property>
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
		`<Wix><P V="$(sys.X)"/></Wix>`:           "$(sys.X) is not a WiX system variable",
		`<Wix><P V="$(Plain)"/></Wix>`:           "a.wxs:1: <P V>: $(Plain) is not a variable: WiX v3 wants a prefix",
		`<Wix><P V="$(foo.X)"/></Wix>`:           "foo is not a preprocessor variable prefix",
		"<Wix>\n<?include a.wxi?></Wix>":         "a.wxs:2: <?include a.wxi?>: cannot find a.wxi",
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
// Inputs with <?include?> are skipped: they would read files of the
// machine (include_test.go covers includes).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Fragment/></Wix>`,
		`<?define A="$(var.B)"?><Wix a="$(var.A)"/>`,
		`<Wix>$$$(</Wix>`,
		"<Wix>\x00</Wix>",
		`<a><b></a>`,
		`<Wix><?if $(var.B) = b and not (1 < 2 or "x" ~= X)?><A/><?elseif 1?><B/><?else?><C/><?endif?></Wix>`,
		`<Wix><?ifdef B?><?ifndef var.C?><A/><?endif?><?endif?></Wix>`,
		`<Wix><?foreach X in a;b;$(var.B)?><?foreach Y in 1;2?><F Id="$(var.X)$(var.Y)"/><?endforeach?><?endforeach?></Wix>`,
		`<Wix><P V="!(loc.Name) !!(loc.Name) $(loc.Name) !(wix.A=1) $(env.ProgramFiles(x86)) $(sys.BUILDARCH)"/></Wix>`,
		`<Wix><?undef B?><?warning w?><?error e $(var.B)?></Wix>`,
		"\xff\xfe<\x00W\x00/\x00>\x00",
		`<?xml version="1.0" encoding="windows-1252"?><Wix a="\xe9"/>`,
		`<Wix><A><?if 1 = 2?></A><A><?endif?></A></Wix>`,
	} {
		f.Add(s)
	}
	loc := &Localization{Codepage: -1, Strings: map[string]LocString{"Name": {Value: "n"}}}
	f.Fuzz(func(t *testing.T, src string) {
		if strings.Contains(src, "include") {
			t.Skip()
		}
		_, err := Parse("f.wxs", strings.NewReader(src), Options{Vars: map[string]string{"B": "b"}, Localization: loc})
		if err != nil && !strings.Contains(err.Error(), "f.wxs") {
			t.Errorf("error without the source name: %v", err)
		}
	})
}

// FuzzCondition: an <?if?> expression never panics or runs away.
func FuzzCondition(f *testing.F) {
	for _, s := range []string{`$(var.A) = 1 and not ($(var.B) ~= "X" or 2 < 3)`, `(("a)" = "a)"))`, `not not not 1 = 1`, `$(.X) or $(env.ProgramFiles(x86))`, `1 <> 2`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		p := &parser{arch: "x86", vars: map[string]string{"A": "1", "B": "x"}}
		p.condition(Pos{File: "c.wxs", Line: 1}, expr)
	})
}

// FuzzReadLocalization: a .wxl never panics the reader, and every error
// names the file.
func FuzzReadLocalization(f *testing.F) {
	for _, s := range []string{
		`<WixLocalization xmlns="http://schemas.microsoft.com/wix/2006/localization" Culture="en-us" Codepage="1252"><String Id="A">a</String><UI Dialog="D"/></WixLocalization>`,
		`<WixLocalization xmlns="http://schemas.microsoft.com/wix/2006/localization"><String Id="A" Overridable="yes"/><String Id="A"/></WixLocalization>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ReadLocalization("f.wxl", strings.NewReader(src))
		if err != nil && !strings.Contains(err.Error(), "f.wxl") {
			t.Errorf("error without the file name: %v", err)
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
	for _, src := range []string{`!(loc.Foo)`, `$(loc.Foo)`, `x!(bind.FileVersion.f)`, `$$(bindpath.Src)`} {
		_, err := parse(t, `<Wix a="`+src+`"/>`, nil)
		if err == nil || !strings.Contains(err.Error(), "a.wxs:1") || !strings.Contains(err.Error(), "resolved by WiX's binder") && !strings.Contains(err.Error(), "give the .wxl file") {
			t.Errorf("%s: %v, want the binder error", src, err)
		}
	}
}
