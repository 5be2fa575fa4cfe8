package wxs

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// conditional handles <?if?>, <?ifdef?>, <?ifndef?>, <?elseif?>, <?else?>
// and <?endif?> as WiX v3's Preprocessor.PreprocessReader does, in kept and
// skipped sections alike (so that nesting stays right); it reports whether
// pi was one of them. In a skipped section no condition is evaluated, so a
// variable undefined there is no error.
func (p *parser) conditional(sections *[]section, pos Pos, pi xml.ProcInst) (bool, error) {
	s := *sections
	cur := &s[len(s)-1]
	arg := strings.TrimSpace(string(pi.Inst))
	switch pi.Target {
	case "if", "ifdef", "ifndef":
		next := section{everKept: true, pos: pos, id: p.newSection()}
		if cur.keep {
			var keep bool
			var err error
			switch pi.Target {
			case "if":
				keep, err = p.condition(pos, arg)
			case "ifdef":
				keep, err = p.defined(pos, arg)
			default:
				keep, err = p.defined(pos, arg)
				keep = !keep
			}
			if err != nil {
				return true, fmt.Errorf("%s: <?%s %s?>: %w", pos, pi.Target, clip(arg), err)
			}
			next.keep, next.everKept = keep, keep
		}
		*sections = append(s, next)
	case "elseif", "else":
		if len(s) == 1 {
			return true, fmt.Errorf("%s: <?%s?> without an <?if?> before it", pos, pi.Target)
		}
		if cur.elsePassed {
			return true, fmt.Errorf("%s: <?%s?> after the <?else?> of the <?if?> at %s", pos, pi.Target, cur.pos)
		}
		cur.id = p.newSection()
		switch {
		case cur.everKept:
			cur.keep = false
		case pi.Target == "else":
			cur.keep, cur.everKept = true, true
		default:
			keep, err := p.condition(pos, arg)
			if err != nil {
				return true, fmt.Errorf("%s: <?elseif %s?>: %w", pos, clip(arg), err)
			}
			cur.keep, cur.everKept = keep, keep
		}
		if pi.Target == "else" {
			cur.elsePassed = true
		}
	case "endif":
		if len(s) == 1 {
			return true, fmt.Errorf("%s: <?endif?> without an <?if?> before it", pos)
		}
		*sections = s[:len(s)-1]
	default:
		return false, nil
	}
	return true, nil
}

// instruction carries out a processing instruction in a kept section.
func (p *parser) instruction(src source, pos Pos, pi xml.ProcInst) error {
	arg := strings.TrimSpace(string(pi.Inst))
	switch pi.Target {
	case "xml":
		return nil // the declaration; the decoder read its encoding
	case "define":
		return p.define(pos, arg)
	case "undef":
		name, err := p.expand(pos, arg)
		if err != nil {
			return fmt.Errorf("%s: <?undef %s?>: %w", pos, clip(arg), err)
		}
		name = strings.TrimPrefix(name, "var.")
		if _, ok := p.vars[name]; !ok {
			return fmt.Errorf("%s: <?undef %s?>: $(var.%s) is not defined", pos, clip(arg), clip(name))
		}
		delete(p.vars, name)
		return nil
	case "error":
		msg, err := p.expand(pos, arg)
		if err != nil {
			return fmt.Errorf("%s: <?error %s?>: %w", pos, clip(arg), err)
		}
		return fmt.Errorf("%s: <?error?>: %s", pos, msg)
	case "warning":
		msg, err := p.expand(pos, arg)
		if err != nil {
			return fmt.Errorf("%s: <?warning %s?>: %w", pos, clip(arg), err)
		}
		p.warn(pos, "%s", msg)
		return nil
	case "include":
		return p.include(pos, arg)
	case "foreach":
		return p.foreach(src, pos, arg)
	case "endforeach":
		return fmt.Errorf("%s: <?endforeach?> without a <?foreach?> before it", pos)
	case "pragma":
		p.warn(pos, "<?pragma %s?> is ignored: no preprocessor extension handles it", clip(arg))
		return nil
	}
	// candle ignores instructions it does not know; a warning at least
	// shows a misspelt one.
	p.warn(pos, "<?%s?> is not a WiX preprocessor instruction and is ignored", pi.Target)
	return nil
}

// define is WiX v3's PreprocessDefine: <?define Name = value?>, the value
// optionally quoted ("..." or '...'), Name optionally prefixed "var.", and
// <?define Name?> for an empty value.
func (p *parser) define(pos Pos, arg string) error {
	name, value, _ := strings.Cut(arg, "=")
	name = strings.TrimPrefix(strings.TrimSpace(name), "var.")
	if !isVarName(name) {
		return fmt.Errorf("%s: <?define %s?>: want <?define Name = \"value\"?>", pos, clip(arg))
	}
	value = strings.TrimSpace(value)
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = value[1 : len(value)-1]
	}
	v, err := p.expand(pos, value)
	if err != nil {
		return fmt.Errorf("%s: <?define %s?>: %w", pos, name, err)
	}
	if _, ok := p.vars[name]; ok {
		p.warn(pos, "<?define %s?> replaces an earlier value of $(var.%s)", name, name)
	}
	p.vars[name] = v
	return nil
}

// isVarName accepts what can name a variable: WiX v3 itself takes any
// text, but one with spaces, quotes, "$", "=" or parentheses could never
// be referred to.
func isVarName(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t\r\n\"'$()=")
}

// foreach is WiX v3's PreprocessForeach: <?foreach Name in a;b;c?> ...
// <?endforeach?> preprocesses its body once for each item, with $(var.Name)
// the item. The variable keeps the last item afterwards, as in candle.
func (p *parser) foreach(src source, pos Pos, arg string) error {
	in := strings.Index(arg, " in ")
	if in < 0 {
		return fmt.Errorf("%s: <?foreach %s?>: want <?foreach Name in a;b;c?>", pos, clip(arg))
	}
	name := strings.TrimPrefix(strings.TrimSpace(arg[:in]), "var.")
	if !isVarName(name) {
		return fmt.Errorf("%s: <?foreach %s?>: want <?foreach Name in a;b;c?>", pos, clip(arg))
	}
	list, err := p.expand(pos, strings.TrimSpace(arg[in+4:]))
	if err != nil {
		return fmt.Errorf("%s: <?foreach %s?>: %w", pos, name, err)
	}
	if n := strings.Count(list, ";") + 1; n > maxForeachItems {
		return fmt.Errorf("%s: <?foreach %s?>: %d items, more than the %d the native toolset takes", pos, name, n, maxForeachItems)
	}
	body, size, err := record(src, pos)
	if err != nil {
		return err
	}
	for _, item := range strings.Split(list, ";") {
		p.passes++
		if p.passes > maxForeachPasses {
			return fmt.Errorf("%s: <?foreach %s?>: more than %d passes through <?foreach?> bodies in all", pos, name, maxForeachPasses)
		}
		// Each pass reads the body again, which counts as input: a
		// body of comments or skipped sections produces nothing, but
		// takes time.
		if p.input -= size; p.input < 0 {
			return fmt.Errorf("%s: <?foreach %s?>: %w", pos, name, errInputTooLarge)
		}
		p.vars[name] = item
		if err := p.run(&replaySource{tokens: body}, false); err != nil {
			return fmt.Errorf("%w (in the pass of <?foreach %s?> at %s with %s=%q)", err, name, pos, name, clip(item))
		}
	}
	return nil
}

// record reads the body of a <?foreach?> up to its <?endforeach?>, which
// must hold whole elements, and tells about how many bytes it was written
// in.
func record(src source, pos Pos) (body []token, size int64, err error) {
	nest, depth := 1, 0
	for {
		t, err := src.next()
		if err == io.EOF {
			return nil, 0, fmt.Errorf("%s: <?foreach?> has no <?endforeach?>", pos)
		}
		if err != nil {
			return nil, 0, err
		}
		size += tokenSize(t.tok)
		switch tok := t.tok.(type) {
		case xml.ProcInst:
			switch tok.Target {
			case "foreach":
				nest++
			case "endforeach":
				nest--
				if nest == 0 {
					if depth > 0 {
						return nil, 0, fmt.Errorf("%s: the <?endforeach?> of the <?foreach?> at %s is inside an element the loop opened: a loop holds whole elements", t.pos, pos)
					}
					return body, size, nil
				}
			}
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil, 0, fmt.Errorf("%s: </%s> comes before the <?endforeach?> of the <?foreach?> at %s: a loop holds whole elements", t.pos, tok.Name.Local, pos)
			}
			depth--
		}
		body = append(body, token{tok: xml.CopyToken(t.tok), pos: t.pos})
	}
}

// tokenSize is about the bytes a token is written in.
func tokenSize(tok xml.Token) int64 {
	n := 4 // the markup around it
	switch t := tok.(type) {
	case xml.StartElement:
		n += len(t.Name.Local)
		for _, a := range t.Attr {
			n += len(a.Name.Local) + len(a.Value) + 4
		}
	case xml.EndElement:
		n += len(t.Name.Local)
	case xml.CharData:
		n += len(t)
	case xml.Comment:
		n += len(t)
	case xml.ProcInst:
		n += len(t.Target) + len(t.Inst)
	case xml.Directive:
		n += len(t)
	}
	return int64(n)
}

// clip shortens source text quoted in an error.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
