package wxs

import (
	"bytes"
	"encoding/xml"
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
	// IncludeDirs are searched in order for an <?include?> that is not
	// beside the file that includes it (candle's -I).
	IncludeDirs []string
	// Arch is $(sys.BUILDARCH) (candle's -arch): x86, x64, arm64, arm or
	// ia64; "" is x86, as for candle.
	Arch string
	// Warn receives the preprocessor's warnings: <?warning?>, deprecated
	// variables, redefined variables, ignored instructions. nil ignores
	// them.
	Warn func(Pos, string)
	// Localization holds the .wxl strings !(loc.X) resolves to (light's
	// -loc and -cultures: see SelectLocalizations). nil refuses !(loc.X).
	Localization *Localization
	// WixVariables are the WixVariable values !(wix.X) resolves to (see
	// wixvar.go); nil leaves !(wix.X) in the text for a second reading,
	// once the sources' WixVariable elements are known.
	WixVariables map[string]string
	// BindPathNames are the named bind paths (light's -b name=path): a
	// file path starting with !(bindpath.name) keeps it, as a BindPathRef,
	// for the file resolver.
	BindPathNames map[string]bool
}

// Parse reads one WiX source. name is used in positions (errors), and
// <?include?>s are looked for beside it first.
func Parse(name string, r io.Reader, opts Options) (*Element, error) {
	arch, err := buildArch(opts.Arch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &parser{opts: opts, arch: arch, vars: map[string]string{}, input: maxInputBytes, output: maxOutputBytes}
	for k, v := range opts.Vars {
		p.vars[k] = v
	}
	return p.parse(name, r)
}

func (p *parser) parse(name string, r io.Reader) (*Element, error) {
	hint := fmt.Sprintf("a WiX source starts with <Wix xmlns=%q>", Namespace)
	if err := p.run(newFileSource(name, r, nil, hint, &p.input), false); err != nil {
		return nil, err
	}
	if p.root == nil {
		return nil, fmt.Errorf("%s: no root element is left after preprocessing", name)
	}
	return p.root, nil
}

// buildArch checks an architecture name as candle's -arch does.
func buildArch(arch string) (string, error) {
	switch a := strings.ToLower(arch); a {
	case "":
		return "x86", nil
	case "x86", "x64", "arm64", "arm", "ia64":
		return a, nil
	}
	return "", fmt.Errorf("build architecture %q is not one WiX knows: use x86, x64 or arm64", arch)
}

type parser struct {
	opts      Options
	arch      string
	vars      map[string]string
	root      *Element
	open      []*openElement // the kept elements still open, across sources
	depth     int            // all elements open, kept or skipped, across sources
	sections  int            // numbers the conditional sections
	input     int64          // bytes the sources may still have
	output    int64          // bytes the result may still take
	passes    int            // <?foreach?> passes so far
	funcDepth int            // functions being evaluated
}

// openElement is an element being read and its text so far.
type openElement struct {
	e    *Element
	text []byte
}

// section is one branch of an <?if?> (or the whole source), as WiX v3's
// IfContext: keep says whether its content is kept, everKept whether one
// of the branches of its <?if?> was (then the other branches are not
// evaluated).
type section struct {
	keep, everKept bool
	elsePassed     bool // after <?else?>: nothing but <?endif?> may follow
	pos            Pos  // of its <?if?>
	id             int  // tells sections apart, so that elements do not straddle them
}

// frame is an element open in one source, kept or not.
type frame struct {
	section int
	kept    bool
	name    string
	pos     Pos
}

// run preprocesses one source into the tree. Each source has its own
// conditional sections, as in candle; include tells whether it is an
// include file, whose root element (<Include>) is left out.
func (p *parser) run(src source, include bool) error {
	sections := []section{{keep: true, everKept: true, id: p.newSection()}}
	var frames []frame
	for {
		t, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if pi, ok := t.tok.(xml.ProcInst); ok {
			done, err := p.conditional(&sections, t.pos, pi)
			if err != nil {
				return err
			}
			if done {
				continue
			}
		}
		cur := sections[len(sections)-1]
		switch tok := t.tok.(type) {
		case xml.StartElement:
			if p.depth >= maxDepth {
				return fmt.Errorf("%s: elements nest deeper than %d levels", t.pos, maxDepth)
			}
			p.depth++
			f := frame{section: cur.id, name: tok.Name.Local, pos: t.pos}
			switch {
			case !cur.keep:
			case include && len(frames) == 0: // <Include>, left out
				if tok.Name.Local != "Include" {
					return fmt.Errorf("%s: an include file's root element is <Include>, not <%s>", t.pos, tok.Name.Local)
				}
			default:
				if err := p.startElement(t.pos, tok); err != nil {
					return err
				}
				f.kept = true
			}
			frames = append(frames, f)
		case xml.EndElement:
			if len(frames) == 0 {
				return fmt.Errorf("%s: </%s> closes an element this part of the source did not open", t.pos, tok.Name.Local)
			}
			f := frames[len(frames)-1]
			frames = frames[:len(frames)-1]
			p.depth--
			if f.section != cur.id {
				return straddle(t.pos, f, sections)
			}
			if f.kept {
				if err := p.endElement(); err != nil {
					return err
				}
			}
		case xml.CharData:
			if cur.keep {
				if err := p.text(t.pos, tok); err != nil {
					return err
				}
			}
		case xml.ProcInst:
			if cur.keep {
				if err := p.instruction(src, t.pos, tok); err != nil {
					return err
				}
			}
		case xml.Directive:
			return fmt.Errorf("%s: XML directives (<!...>) are not supported by the native toolset", t.pos)
		}
	}
	if n := len(sections); n > 1 {
		return fmt.Errorf("%s: <?if?> has no <?endif?> before the end of %s", sections[n-1].pos, sections[n-1].pos.File)
	}
	return nil
}

// straddle is the error for an element that ends in another conditional
// section than it starts in.
func straddle(at Pos, f frame, sections []section) error {
	for i := len(sections) - 2; i >= 0; i-- {
		if sections[i].id == f.section {
			return fmt.Errorf("%s: the <?if?> has no <?endif?> inside <%s> (%s)", sections[i+1].pos, f.name, f.pos)
		}
	}
	return fmt.Errorf("%s: <%s> (%s) ends in another branch of an <?if?> than it starts in: a conditional section holds whole elements", at, f.name, f.pos)
}

func (p *parser) newSection() int {
	p.sections++
	return p.sections
}

func (p *parser) startElement(pos Pos, t xml.StartElement) error {
	var parent *Element
	if n := len(p.open); n > 0 {
		parent = p.open[n-1].e
	} else if p.root != nil {
		return fmt.Errorf("%s: a second root element <%s>", pos, t.Name.Local)
	}
	space := t.Name.Space
	if rest, ok := strings.CutPrefix(space, inheritSpace); ok {
		space = rest
		if parent != nil {
			space = parent.Space
		}
	}
	e := &Element{Name: t.Name.Local, Space: space, Pos: pos}
	if err := p.spend(pos, len(e.Name)+64); err != nil {
		return err
	}
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		if a.Name.Space != "" {
			return fmt.Errorf("%s: <%s>: attribute %s:%s from another namespace is not supported by the native toolset; %w", pos, e.Name, a.Name.Space, a.Name.Local, ErrNotNative)
		}
		v, err := p.preprocess(pos, a.Value)
		if err != nil {
			return fmt.Errorf("%s: <%s %s>: %w", pos, e.Name, a.Name.Local, err)
		}
		if err := p.spend(pos, len(a.Name.Local)+len(v)); err != nil {
			return err
		}
		e.Attrs = append(e.Attrs, Attr{Name: a.Name.Local, Value: v})
	}
	if parent != nil {
		parent.Children = append(parent.Children, e)
	} else {
		p.root = e
	}
	p.open = append(p.open, &openElement{e: e})
	return nil
}

func (p *parser) endElement() error {
	o := p.open[len(p.open)-1]
	p.open = p.open[:len(p.open)-1]
	text, err := p.bind(o.e.Pos, string(bytes.TrimSpace(o.text)))
	if err != nil {
		return fmt.Errorf("%s: <%s> text: %w", o.e.Pos, o.e.Name, err)
	}
	o.e.Text = text
	return nil
}

// text adds character data to the open element, preprocessed now: later
// <?define?>s do not change it, as in candle.
func (p *parser) text(pos Pos, data xml.CharData) error {
	if len(p.open) == 0 {
		if len(bytes.TrimSpace(data)) > 0 {
			return fmt.Errorf("%s: text outside the root element", pos)
		}
		return nil
	}
	o := p.open[len(p.open)-1]
	// Whitespace between child elements is dropped early: keeping it would
	// cost quadratic time on big folders.
	if len(o.text) == 0 && len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	v, err := p.expand(pos, string(data))
	if err != nil {
		return fmt.Errorf("%s: <%s> text: %w", pos, o.e.Name, err)
	}
	if err := p.spend(pos, len(v)); err != nil {
		return err
	}
	o.text = append(o.text, v...)
	return nil
}

// spend counts n bytes of result against maxOutputBytes.
func (p *parser) spend(pos Pos, n int) error {
	p.output -= int64(n)
	if p.output < 0 {
		return fmt.Errorf("%s: the preprocessed source grows past %d MiB, more than the native toolset reads (check <?foreach?> lists and <?include?>s)", pos, maxOutputBytes>>20)
	}
	return nil
}

// preprocess does to an attribute value what WiX v3 does from candle to
// light: the preprocessor's expand, then the binder's variables and
// escapes.
func (p *parser) preprocess(pos Pos, s string) (string, error) {
	v, err := p.expand(pos, s)
	if err != nil {
		return "", err
	}
	return p.bind(pos, v)
}

func (p *parser) warn(pos Pos, format string, args ...any) {
	if p.opts.Warn != nil {
		p.opts.Warn(pos, fmt.Sprintf(format, args...))
	}
}
