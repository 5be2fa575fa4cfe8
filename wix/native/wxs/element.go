// Package wxs reads WiX v3 source into a tree of elements. It runs WiX v3's
// preprocessor on the way (candle's: $(var.X), $(env.X), $(sys.X),
// <?define?>, <?if?>, <?include?>, <?foreach?>, ...), resolves !(loc.X)
// from .wxl files and WiX v3's escapes ($$, and a "!" before a binder
// variable), and remembers where each element was written so that errors
// can say so.
package wxs

import (
	"errors"
	"fmt"
	"strings"
)

// Namespace is the WiX v3 source namespace.
const Namespace = "http://schemas.microsoft.com/wix/2006/wi"

// Element is one XML element of a WiX source, after preprocessing.
type Element struct {
	Name     string // local name, such as "Component"
	Space    string // namespace URI
	Attrs    []Attr // in source order
	Children []*Element
	Text     string // the element's own character data, trimmed
	Pos      Pos
}

// Attr is one attribute, its value preprocessed.
type Attr struct {
	Name, Value string
}

// Pos is where something was written.
type Pos struct {
	File string
	Line int
	// IncludedFrom is the <?include?> that brought File in; nil in the
	// main source.
	IncludedFrom *Pos
}

// String is "file:line", followed by the chain of includes that led there.
func (p Pos) String() string {
	s := fmt.Sprintf("%s:%d", p.File, p.Line)
	if p.IncludedFrom == nil {
		return s
	}
	var b strings.Builder
	b.WriteString(s)
	b.WriteString(" (included from ")
	for f := p.IncludedFrom; f != nil; f = f.IncludedFrom {
		if f != p.IncludedFrom {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s:%d", f.File, f.Line)
	}
	b.WriteString(")")
	return b.String()
}

// Attr returns the value of the attribute named name, and whether it is set.
func (e *Element) Attr(name string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Get returns the value of the attribute named name, or "".
func (e *Element) Get(name string) string {
	v, _ := e.Attr(name)
	return v
}

// String names the element as errors show it: <Component Id="x">.
func (e *Element) String() string {
	if id, ok := e.Attr("Id"); ok {
		return fmt.Sprintf("<%s Id=%q>", e.Name, id)
	}
	return "<" + e.Name + ">"
}

// Errorf formats an error that names the element and where it is.
func (e *Element) Errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", e.Pos, e, fmt.Sprintf(format, args...))
}

// ErrNotNative marks errors about WiX that WiX v3 and v4 compile and the
// native toolset does not. Its text ends each such message; a caller that
// can pick another toolset (gomsi's pipeline) finds it with errors.Is and
// says how.
var ErrNotNative = errors.New("WiX v3 and v4 compile it")

// NotNativef is Errorf for what WiX v3 and v4 compile and the native
// toolset does not.
func (e *Element) NotNativef(format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s; %w", e.Pos, e, fmt.Sprintf(format, args...), ErrNotNative)
}

// CheckAttrs returns an error naming the first attribute of e that is not in
// allowed, so that nothing the author wrote is silently ignored.
func (e *Element) CheckAttrs(allowed ...string) error {
	for _, a := range e.Attrs {
		if strings.HasPrefix(a.Name, "xmlns") {
			continue
		}
		ok := false
		for _, name := range allowed {
			if a.Name == name {
				ok = true
				break
			}
		}
		if !ok {
			return e.NotNativef("attribute %s is not supported by the native toolset (supported here: %s)", a.Name, strings.Join(allowed, ", "))
		}
	}
	return nil
}
