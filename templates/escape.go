package templates

import (
	"fmt"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode"
	"unicode/utf8"

	"github.com/gomsi/gomsi/wix/dialect"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// A value a template prints (a file name, a link, a version, ...) is data:
// it must reach the MSI as it is, never as XML markup, a preprocessor
// variable or a binder variable. Every printed value goes through the
// escaper of the toolset the source is for (escapeActions adds it), which
// undoes, in reverse order, what that toolset does to the text it reads:
//
//   - WiX v3 (wix3, and gomsi's native toolset, which reads the same way):
//     candle's preprocessor turns "$$" into "$" and expands $(var.X),
//     $(env.X), $(sys.X) and functions (PreprocessorCore.PreprocessString,
//     src/tools/wix/PreprocessorCore.cs line 103), and light's binder
//     replaces !(loc.X), !(wix.X), !(bind.X), !(bindpath.X) and $(loc.X)
//     unless a "!" precedes them, which it removes
//     (WixVariableResolver.ResolveVariables, src/tools/wix/WixVariableResolver.cs
//     line 183, with WixVariableRegex, src/tools/wix/Common.cs line 93). So
//     a "!" goes before every binder variable, then every "$" is doubled.
//   - WiX v4 and later: the same preprocessor "$$" (PreprocessHelper.PreprocessString,
//     src/wix/WixToolset.Core/ExtensibilityServices/PreprocessHelper.cs line
//     357), and a binder that reads only the "!(" form and stops at the
//     first "!(" it cannot parse (Common.TryParseWixVariable,
//     src/wix/WixToolset.Core/Common.cs line 728; VariableResolver.ResolveVariables,
//     src/wix/WixToolset.Core/VariableResolver.cs line 90): a "!" goes
//     before each variable that binder would see, then "$" is doubled.
//   - wixl: its preprocessor (Preprocessor.eval, tools/wixl/preprocessor.vala
//     line 61 in msitools) has no binder, drops a "$" that precedes anything
//     but "$" or "(", and treats "$$(" as a "$" followed by a variable: no run
//     of dollars can end right before "(". So each "$" becomes
//     $(var.GomsiDollar), which wixl replaces with a "$" without reading it
//     again; the template defines GomsiDollar (wixlDollarDefine).
//
// The XML escaping comes last: the preprocessors read decoded XML.
type escaper struct {
	binder  func(string) string // inserts the binder's "!" escapes
	dollar  string              // what one "$" becomes
	missing string              // non-empty: a "$" cannot be escaped, and this says why
}

// wixlDollarDefine is the define a wixl source needs before any value that
// holds a "$": gomsi's wix3 templates write it when they render for wixl.
const wixlDollarDefine = `<?define GomsiDollar = "$"?>`

// newEscaper returns the escaper for a dialect's source. hasDollarDefine
// tells whether the template being rendered defines GomsiDollar, which a
// dialect without DollarEscape (wixl) needs.
func newEscaper(d dialect.Dialect, template string, hasDollarDefine bool) escaper {
	e := escaper{binder: func(s string) string { return s }, dollar: "$$"}
	switch {
	case d.Binder && d.Schema == dialect.V4:
		e.binder = escapeBinderV4
	case d.Binder:
		e.binder = escapeBinderV3
	}
	if !d.DollarEscape {
		e.dollar = "$(var.GomsiDollar)"
		if !hasDollarDefine {
			e.missing = fmt.Sprintf("wixl can only carry a literal $ through a variable: add the line %s after the XML declaration of %s, as gomsi's own templates have it", wixlDollarDefine, template)
		}
	}
	return e
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// value makes any value print literally: see escaper.
func (e escaper) value(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("value %q is not valid UTF-8, which XML cannot carry", s)
	}
	plain := true
	for _, r := range s {
		switch {
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			return "", fmt.Errorf("value %q holds the character %U, which XML cannot carry", s, r)
		case r == '&', r == '<', r == '>', r == '"', r == '\'', r == '$', r == '(':
			plain = false
		}
	}
	if plain { // most values: ids, GUIDs, plain names
		return s, nil
	}
	s = e.binder(s)
	if strings.Contains(s, "$") {
		if e.missing != "" {
			return "", fmt.Errorf("value %q holds a $: %s", s, e.missing)
		}
		s = strings.ReplaceAll(s, "$", e.dollar)
	}
	return xmlEscaper.Replace(s), nil
}

// escapeBinderV3 puts a "!" before every WiX v3 binder variable in s.
func escapeBinderV3(s string) string {
	matches := wxs.BinderVariable.FindAllStringIndex(s, -1)
	if matches == nil {
		return s
	}
	var b strings.Builder
	prev := 0
	for _, m := range matches {
		b.WriteString(s[prev:m[0]])
		b.WriteByte('!')
		prev = m[0]
	}
	b.WriteString(s[prev:])
	return b.String()
}

// escapeBinderV4 puts a "!" before every variable WiX v4's binder would
// resolve in s: it scans as that binder does, from the end of each
// variable, and stops where the binder stops.
func escapeBinderV4(s string) string {
	var b strings.Builder
	prev, start := 0, 0
	for {
		at, length, ok := parseBinderV4(s, start)
		if !ok {
			break
		}
		b.WriteString(s[prev:at])
		b.WriteByte('!')
		prev, start = at, at+length
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s[prev:])
	return b.String()
}

// parseBinderV4 finds the next "!(" in s from start and reports whether WiX
// v4 reads a variable there (Common.TryParseWixVariable): a namespace loc,
// bind or wix up to the first ".", a name (and for bind a scope after a
// second ".") that are identifiers, an optional "=default", and ")".
func parseBinderV4(s string, start int) (at, length int, ok bool) {
	i := strings.Index(s[start:], "!(")
	if i < 0 {
		return 0, 0, false
	}
	at = start + i
	dot := strings.IndexByte(s[at+1:], '.')
	if dot < 0 {
		return 0, 0, false
	}
	dot += at + 1
	ns := s[at+2 : dot]
	if ns != "loc" && ns != "bind" && ns != "wix" {
		return 0, 0, false
	}
	closing := strings.IndexByte(s[dot:], ')')
	if closing < 0 {
		return 0, 0, false
	}
	closing += dot
	end := closing
	if eq := strings.IndexByte(s[dot+1:closing], '='); eq >= 0 {
		end = dot + 1 + eq
	}
	name := s[dot+1 : end]
	if ns == "bind" {
		if second := strings.IndexByte(name, '.'); second >= 0 {
			if !isIdentifierV4(name[second+1:]) {
				return 0, 0, false
			}
			name = name[:second]
		}
	}
	if !isIdentifierV4(name) {
		return 0, 0, false
	}
	return at, closing + 1 - at, true
}

// isIdentifierV4 is WiX v4's Common.IsIdentifier: a letter or "_", then
// letters, "_", digits or ".". .NET's Char.IsDigit takes any decimal digit
// of the Basic Multilingual Plane (it sees UTF-16 units).
func isIdentifierV4(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || r == '_'
		if !letter && (i == 0 || !(r == '.' || r <= 0xFFFF && unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// formatted escapes a literal for a column of Windows Installer's Formatted
// type (Registry values and names, LaunchCondition descriptions, ...), which
// Windows Installer expands at install time: [Property], [#file], [!file],
// [$component], [%ENV], [\x], [~] and {...} groups. "[\x]" stands for the
// character x, without further processing (Microsoft's "Formatted" page), so
// each bracket and brace becomes one: the text holds no reference and no
// group. A template uses it where gomsi means a literal; values gomsi
// composes as formatted text on purpose ("[INSTALLDIR]bin") do not go
// through it.
func formatted(v any) string {
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	return Formatted(s)
}

// Formatted is what the templates' formatted function makes of s, for
// checks of what a Formatted column will hold (its length).
func Formatted(s string) string { return formattedEscaper.Replace(s) }

var formattedEscaper = strings.NewReplacer("[", `[\[]`, "]", `[\]]`, "{", `[\{]`, "}", `[\}]`)

// escapeActions appends "| xml" to every action that prints a value, the way
// html/template rewrites its templates, so that no template (gomsi's or a
// user's) can forget to escape. An action may end in "raw" to print verbatim.
// A "$" or "!" written right before a printed value is refused: with the
// value's first characters it would make a variable ("$" and "(env.X)")
// that no escaping of the value alone can prevent.
func escapeActions(t *template.Template) error {
	if t.Tree == nil {
		return nil
	}
	var err error
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for i, c := range n.Nodes {
				if text, ok := c.(*parse.TextNode); ok && i+1 < len(n.Nodes) && err == nil {
					if a, ok := n.Nodes[i+1].(*parse.ActionNode); ok && len(a.Pipe.Decl) == 0 && !endsWith(a.Pipe, "raw") && len(text.Text) > 0 {
						if last := text.Text[len(text.Text)-1]; last == '$' || last == '!' {
							loc, _ := t.Tree.ErrorContext(a)
							err = fmt.Errorf("%s: a %q right before {{ }} would join the value into a WiX variable; print it as part of the value ({{ print %q .X }}) instead", loc, last, string(last))
						}
					}
				}
				walk(c)
			}
		case *parse.ActionNode:
			if len(n.Pipe.Decl) > 0 || endsWith(n.Pipe, "xml", "raw") {
				return
			}
			id := parse.NewIdentifier("xml").SetTree(t.Tree).SetPos(n.Pos)
			n.Pipe.Cmds = append(n.Pipe.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: n.Pos, Args: []parse.Node{id}})
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(t.Tree.Root)
	return err
}

func endsWith(p *parse.PipeNode, names ...string) bool {
	last := p.Cmds[len(p.Cmds)-1]
	if id, ok := last.Args[0].(*parse.IdentifierNode); ok {
		for _, name := range names {
			if id.Ident == name {
				return true
			}
		}
	}
	return false
}
