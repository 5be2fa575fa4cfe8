package wxs

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Options are what the preprocessor needs from outside.
type Options struct {
	// Vars are the $(var.X) values (candle's -dX=Y).
	Vars map[string]string
	// Getenv resolves $(env.X); nil leaves env variables undefined.
	Getenv func(string) string
}

// maxDepth bounds element nesting: real sources nest a few dozen levels,
// and a bound keeps hostile input from exhausting the stack.
const maxDepth = 512

// Parse reads one WiX source. name is used in positions (errors).
func Parse(name string, r io.Reader, opts Options) (*Element, error) {
	p := &parser{name: name, opts: opts, vars: map[string]string{}}
	for k, v := range opts.Vars {
		p.vars[k] = v
	}
	d := xml.NewDecoder(r)
	d.Strict = true
	var stack []*Element
	var texts [][]byte // character data of each open element
	var root *Element
	line := 1
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("%s:%d: invalid XML: %s", name, se.Line, se.Msg)
			}
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		pos := Pos{File: name, Line: line}
		line, _ = d.InputPos()
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("%s: elements nest deeper than %d levels", pos, maxDepth)
			}
			if root != nil && len(stack) == 0 {
				return nil, fmt.Errorf("%s: a second root element <%s>", pos, t.Name.Local)
			}
			e := &Element{Name: t.Name.Local, Space: t.Name.Space, Pos: pos}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				if a.Name.Space != "" {
					return nil, fmt.Errorf("%s: <%s>: attribute %s:%s from another namespace is not supported by the native toolset; use GOMSI_TOOLSET=wix3 or wix4", pos, e.Name, a.Name.Space, a.Name.Local)
				}
				v, err := p.preprocess(a.Value)
				if err != nil {
					return nil, fmt.Errorf("%s: <%s %s>: %w", pos, e.Name, a.Name.Local, err)
				}
				e.Attrs = append(e.Attrs, Attr{Name: a.Name.Local, Value: v})
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, e)
			} else {
				root = e
			}
			stack = append(stack, e)
			texts = append(texts, nil)
		case xml.EndElement:
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			raw := texts[len(texts)-1]
			texts = texts[:len(texts)-1]
			text, err := p.preprocess(string(bytes.TrimSpace(raw)))
			if err != nil {
				return nil, fmt.Errorf("%s: <%s> text: %w", e.Pos, e.Name, err)
			}
			e.Text = text
		case xml.CharData:
			if len(stack) > 0 {
				// Whitespace between child elements is dropped early:
				// keeping it would cost quadratic time on big folders.
				if top := len(texts) - 1; len(texts[top]) > 0 || len(bytes.TrimSpace(t)) > 0 {
					texts[top] = append(texts[top], t...)
				}
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("%s: text outside the root element", pos)
			}
		case xml.ProcInst:
			if err := p.procInst(pos, t); err != nil {
				return nil, err
			}
		case xml.Directive:
			return nil, fmt.Errorf("%s: XML directives (<!...>) are not supported by the native toolset", pos)
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%s: no root element: a WiX source starts with <Wix xmlns=%q>", name, Namespace)
	}
	return root, nil
}

type parser struct {
	name string
	opts Options
	vars map[string]string
}

// procInst handles <?define?>; any other preprocessor instruction is an
// error, since ignoring <?if?> or <?include?> would build the wrong package.
func (p *parser) procInst(pos Pos, pi xml.ProcInst) error {
	switch pi.Target {
	case "xml":
		return nil
	case "define":
		name, value, ok := strings.Cut(strings.TrimSpace(string(pi.Inst)), "=")
		name = strings.TrimSpace(name)
		if !ok || !isVarName(name) {
			return fmt.Errorf("%s: <?define %s?>: want <?define Name = \"value\"?>", pos, pi.Inst)
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		v, err := p.expand(value)
		if err != nil {
			return fmt.Errorf("%s: <?define %s?>: %w", pos, name, err)
		}
		p.vars[name] = v
		return nil
	}
	return fmt.Errorf("%s: preprocessor instruction <?%s?> is not supported by the native toolset (it supports <?define?> and $(var.X), $(env.X)); use GOMSI_TOOLSET=wix3 or wix4", pos, pi.Target)
}

// preprocess does to an attribute value or an element's text what WiX v3
// does from candle to light: the preprocessor's expand, then the binder's
// escapes (resolveBinder).
func (p *parser) preprocess(s string) (string, error) {
	v, err := p.expand(s)
	if err != nil {
		return "", err
	}
	return resolveBinder(v)
}

// expand replaces $(var.X) and $(env.X) as WiX v3's preprocessor does
// (PreprocessorCore.PreprocessString, src/tools/wix/PreprocessorCore.cs):
// "$$" is one literal "$", a "$" before anything else stays, and
// $(loc.X) is left for the binder.
func (p *parser) expand(s string) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "$$"):
			b.WriteByte('$')
			s = s[2:]
		case strings.HasPrefix(s, "$(loc."):
			end := strings.IndexByte(s, ')')
			if end < 0 {
				return "", fmt.Errorf("unterminated variable reference %q", s)
			}
			b.WriteString(s[:end+1])
			s = s[end+1:]
		case strings.HasPrefix(s, "$("):
			end := strings.IndexByte(s, ')')
			if end < 0 {
				return "", fmt.Errorf("unterminated variable reference %q", s)
			}
			v, err := p.lookup(s[2:end])
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			s = s[end+1:]
		default:
			b.WriteByte('$')
			s = s[1:]
		}
	}
}

func (p *parser) lookup(ref string) (string, error) {
	kind, name, ok := strings.Cut(ref, ".")
	if !ok {
		kind, name = "var", ref // WiX accepts $(X) for $(var.X)
	}
	switch kind {
	case "var":
		if v, ok := p.vars[name]; ok {
			return v, nil
		}
		return "", fmt.Errorf("undefined preprocessor variable $(%s): define it (-d%s=value, <?define?>) or fix the name", ref, name)
	case "env":
		if p.opts.Getenv != nil {
			if v := p.opts.Getenv(name); v != "" {
				return v, nil
			}
		}
		return "", fmt.Errorf("environment variable %s in $(%s) is not set", name, ref)
	}
	return "", fmt.Errorf("preprocessor variable $(%s) is not supported by the native toolset (it supports $(var.X) and $(env.X))", ref)
}

func isVarName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
