package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// literals are values each dialect would otherwise read as variables,
// escapes or functions, or that sit at the edges of those syntaxes.
var literals = []string{
	"plain", "", "$", "$$", "$$$", "a$", "$a", "$(", "$)", "($)",
	"$(env.GOMSI_SIGN_PASSWORD)", "src/$(env.GOMSI_SIGN_PASSWORD).txt", "$(var.SourceDir)", "$$(x)",
	"$(sys.CURRENTDIR)", "$(fun.AutoVersion(1.0))", "$(env.ProgramFiles(x86))", "$(loc.Foo)", "$(loc.X)",
	"!(loc.X)", "!(loc.Foo)", "!!(loc.Foo)", "!!!(loc.Foo)", "!(bind.FileVersion.x)", "!(bind.FileVersion.fil1)",
	"!(wix.Foo=default)", "!(wix.Foo=$(env.X))", "!(bindpath.Src)", "$(bindpath.Src)", "!(x) !(loc.Foo)",
	"!(loc.Foo)!(loc.Bar)", "!(loc.Foo.bar)", "!(bind.a.1)", "!(loc.a=b)", "!(loc.Ab", "https://x/$(env.GITHUB_TOKEN)",
	"[ProgramFilesFolder]", "Tom & Jerry's <notes>", "!(loc.Ab)$(env.X)!!(wix.Cd)", "!(loc.é1)", "!(loc.a١)",
}

// environment is what a preprocessor variable would expand to in these
// tests: a secret, so that an expansion shows.
func environment(string) string { return "SECRET" }

// TestEscapeV3 puts each literal into an attribute and a text as the
// wix3 dialect's escaper prints it, and reads it back with the native
// toolset's reader, which does what candle's preprocessor and light's
// binder do.
func TestEscapeV3(t *testing.T) {
	for _, toolset := range []string{"wix3", "native"} {
		e := newEscaper(ToolsetDialects[toolset], "T.wxs.tmpl", false)
		for _, v := range literals {
			if got, err := roundTripV3(e, v); err != nil || got != v {
				t.Errorf("%s: %q came back as %q (%v)", toolset, v, got, err)
			}
		}
	}
	if _, err := newEscaper(ToolsetDialects["wix3"], "T", false).value("a\xca"); err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

func roundTripV3(e escaper, v string) (string, error) {
	s, err := e.value(v)
	if err != nil {
		return "", err
	}
	root, err := wxs.Parse("t.wxs", strings.NewReader(`<Wix a="`+s+`">`+s+`</Wix>`), wxs.Options{Vars: map[string]string{"SourceDir": "SECRET", "X": "SECRET"}, Getenv: environment})
	if err != nil {
		return "", err
	}
	if root.Get("a") != root.Text {
		return "", errors.New("the attribute and the text differ: " + root.Get("a") + " / " + root.Text)
	}
	return root.Get("a"), nil
}

// TestEscapeV4 runs each literal through a model of WiX v4's preprocessor
// and binder: every "$" must come through as a "$", and the binder must
// find only escaped variables.
func TestEscapeV4(t *testing.T) {
	e := newEscaper(ToolsetDialects["wix4"], "T.wxs.tmpl", false)
	for _, v := range literals {
		if got, err := roundTripV4(e, v); err != nil || got != v {
			t.Errorf("%q came back as %q (%v)", v, got, err)
		}
	}
}

func roundTripV4(e escaper, v string) (string, error) {
	s, err := e.value(v)
	if err != nil {
		return "", err
	}
	s = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'").Replace(s)
	s, err = preprocessV4(s)
	if err != nil {
		return "", err
	}
	return resolveV4(s)
}

// preprocessV4 is WiX v4's PreprocessHelper.PreprocessString for text that
// must hold no variable: "$$" is "$", "$(" anything is an expansion.
func preprocessV4(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			b.WriteByte(s[i])
			continue
		}
		switch {
		case strings.HasPrefix(s[i+1:], "$"):
			b.WriteByte('$')
			i++
		case strings.HasPrefix(s[i+1:], "("):
			return "", errors.New("the preprocessor expands " + s[i:])
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), nil
}

// resolveV4 is WiX v4's VariableResolver.ResolveVariables for text that
// must hold no variable: an escaped one loses its "!", any other is an error.
func resolveV4(s string) (string, error) {
	start := 0
	for {
		at, length, ok := parseBinderV4(s, start)
		if !ok {
			return s, nil
		}
		if at == 0 || s[at-1] != '!' {
			return "", errors.New("the binder resolves " + s[at:at+length])
		}
		s = s[:at-1] + s[at:]
		start = at + length - 1
	}
}

// TestParseBinderV4 pins the model to WiX v4's rules (Common.TryParseWixVariable).
func TestParseBinderV4(t *testing.T) {
	for s, want := range map[string]bool{
		"!(loc.Foo)": true, "!(bind.FileVersion.fil1)": true, "!(wix.A=b)": true, "!(loc.a.b)": true,
		"$(loc.Foo)": false, "!(bindpath.A)": false, "!(loc.1a)": false, "!(bind.a.1)": false, "!(loc.Ab": false,
		"!(x) !(loc.Foo)": false, "!(loc.a١)": true, "!(loc.)": false, "!(wix.A=)": true,
	} {
		if _, _, ok := parseBinderV4(s, 0); ok != want {
			t.Errorf("%q: parsed %v, want %v", s, ok, want)
		}
	}
}

// TestEscapeWixl runs each literal through a model of wixl's preprocessor
// (Preprocessor.eval in msitools; TestNoInjection compiles with wixl itself).
func TestEscapeWixl(t *testing.T) {
	e := newEscaper(ToolsetDialects["wixl"], "T.wxs.tmpl", true)
	for _, v := range literals {
		if got, err := roundTripWixl(e, v); err != nil || got != v {
			t.Errorf("%q came back as %q (%v)", v, got, err)
		}
	}
	e = newEscaper(ToolsetDialects["wixl"], "Files.wxs.tmpl", false)
	if _, err := e.value("a$b"); err == nil || !strings.Contains(err.Error(), `<?define GomsiDollar = "$"?> after the XML declaration of Files.wxs.tmpl`) {
		t.Errorf("a $ without the define: %v", err)
	}
	if s, err := e.value("a(b) !(loc.Foo)"); err != nil || s != "a(b) !(loc.Foo)" {
		t.Errorf("without a $, no define is needed: %q, %v", s, err)
	}
}

func roundTripWixl(e escaper, v string) (string, error) {
	s, err := e.value(v)
	if err != nil {
		return "", err
	}
	s = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'").Replace(s)
	return evalWixl(s, map[string]string{"GomsiDollar": "$"})
}

// evalWixl is wixl 0.101's Preprocessor.eval: a "$" followed by "$" gives
// "$" (and the second "$" is read again), "$(...)" up to the matching ")"
// is a variable, and any other "$" is dropped.
func evalWixl(s string, vars map[string]string) (string, error) {
	var b strings.Builder
	end := 0
	for {
		i := strings.IndexByte(s[end:], '$')
		if i < 0 {
			return b.String() + s[end:], nil
		}
		pos := end + i
		b.WriteString(s[end:pos])
		end = pos + 1
		rest := s[end:]
		switch {
		case strings.HasPrefix(rest, "$"):
			b.WriteByte('$')
		case strings.HasPrefix(rest, "("):
			depth, closing := 0, -1
			for j, c := range rest {
				if c == '(' {
					depth++
				} else if c == ')' {
					if depth--; depth == 0 {
						closing = j
						break
					}
				}
			}
			if closing < 0 {
				return "", errors.New("no matching closing parenthesis")
			}
			name, ok := strings.CutPrefix(rest[1:closing], "var.")
			v, defined := vars[name]
			if !ok || !defined {
				return "", errors.New("wixl expands " + rest[:closing+1])
			}
			b.WriteString(v)
			end += closing + 1
		}
	}
}

// FuzzEscape: any value the escapers accept reaches the text each dialect
// compiles as it is.
func FuzzEscape(f *testing.F) {
	for _, v := range literals {
		f.Add(v)
	}
	v3 := newEscaper(ToolsetDialects["native"], "T", false)
	v4 := newEscaper(ToolsetDialects["wix4"], "T", false)
	wixl := newEscaper(ToolsetDialects["wixl"], "T", true)
	f.Fuzz(func(t *testing.T, v string) {
		if _, err := v3.value(v); err != nil {
			return // a character XML cannot carry: refused by name
		}
		if strings.ContainsRune(v, '\r') || strings.ContainsRune(v, '\t') || strings.ContainsRune(v, '\n') || strings.TrimSpace(v) != v {
			return // XML normalizes these in attributes and the reader trims texts
		}
		if got, err := roundTripV3(v3, v); err != nil || got != v {
			t.Errorf("WiX v3: %q came back as %q (%v)", v, got, err)
		}
		if got, err := roundTripV4(v4, v); err != nil || got != v {
			t.Errorf("WiX v4: %q came back as %q (%v)", v, got, err)
		}
		if got, err := roundTripWixl(wixl, v); err != nil || got != v {
			t.Errorf("wixl: %q came back as %q (%v)", v, got, err)
		}
	})
}

// TestFormatted: brackets and braces become [\x] escapes, nothing else changes.
func TestFormatted(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                  "plain",
		"[INSTALLDIR]":           `[\[]INSTALLDIR[\]]`,
		"{[A]}":                  `[\{][\[]A[\]][\}]`,
		`[\[]`:                   `[\[]\[\[][\]]`,
		"[%PATH] [#f] [!f] [$c]": `[\[]%PATH[\]] [\[]#f[\]] [\[]!f[\]] [\[]$c[\]]`,
		"[~] #x":                 `[\[]~[\]] #x`,
	} {
		if got := formatted(in); got != want {
			t.Errorf("formatted(%q) = %q, want %q", in, got, want)
		}
	}
}
