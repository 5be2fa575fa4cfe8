package wxs

import (
	"fmt"
	"regexp"
	"strings"
)

// BinderVariable matches what WiX v3 resolves after preprocessing, when it
// links and binds: !(loc.X), !(wix.X), !(bind.X.Y), !(bindpath.X), the same
// with $ (a leftover $(loc.X) is still a localization variable), with an
// optional =default. It is WiX v3's WixVariableRegex (src/tools/wix/Common.cs,
// line 93) in Go's syntax; both engines take the leftmost match first, so
// they find the same matches. Its groups are the namespace, the full name
// (name and scope) and the default.
var BinderVariable = regexp.MustCompile(`(?s)[!$]\((loc|wix|bind|bindpath)\.([_A-Za-z][0-9A-Za-z_]+(?:\.[_A-Za-z][0-9A-Za-z_.]*)?)(?:=(.+?))?\)`)

// bind does for the native toolset what WiX v3's binder does with a
// preprocessed value (WixVariableResolver.ResolveVariables): a match of
// BinderVariable right after a "!" is escaped, and loses that "!"; a
// localization variable takes its string from Options.Localization, once
// (the string is not resolved again); any other match is a variable the
// native toolset cannot resolve, and an error, rather than text taken
// literally that WiX would have replaced.
func (p *parser) bind(pos Pos, s string) (string, error) {
	if !strings.Contains(s, "(") {
		return s, nil
	}
	matches := BinderVariable.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s, nil
	}
	var b strings.Builder
	prev := 0
	for _, m := range matches {
		whole := s[m[0]:m[1]]
		if m[0] > 0 && s[m[0]-1] == '!' {
			b.WriteString(s[prev : m[0]-1])
			prev = m[0]
			continue
		}
		if s[m[2]:m[3]] == "wix" {
			v, ok, err := p.wixVariable(s[m[4]:m[5]], m[6] >= 0, s[max(m[6], 0):max(m[7], 0)])
			if err != nil {
				return "", err
			}
			if !ok {
				continue // left for the second reading (wixvar.go)
			}
			b.WriteString(s[prev:m[0]])
			b.WriteString(v)
			prev = m[1]
			continue
		}
		if s[m[2]:m[3]] == "bindpath" && m[0] == 0 && m[6] < 0 && p.opts.BindPathNames[s[m[4]:m[5]]] {
			b.WriteString(bindPathMarker + s[m[4]:m[5]] + bindPathMarker)
			prev = m[1]
			continue
		}
		if s[m[2]:m[3]] == "bindpath" {
			return "", fmt.Errorf("%s is resolved by WiX's binder only at the start of a file path (File/@Source, Binary/@SourceFile, Icon/@SourceFile), from the named bind path -b %s=folder (light, wixc); give that, or write !%s for the text itself", whole, s[m[4]:m[5]], whole)
		}
		if s[m[2]:m[3]] != "loc" {
			return "", fmt.Errorf("%s is resolved by WiX's binder (WiX and bind variables), which the native toolset does not have (write !%s for the text itself); %w", whole, whole, ErrNotNative)
		}
		v, err := p.localize(pos, whole, s[m[4]:m[5]], m[6] >= 0)
		if err != nil {
			return "", err
		}
		b.WriteString(s[prev:m[0]])
		b.WriteString(v)
		prev = m[1]
		if b.Len() > maxValueBytes {
			return "", fmt.Errorf("the value grows past %d MiB as localization variables are replaced", maxValueBytes>>20)
		}
	}
	b.WriteString(s[prev:])
	return b.String(), nil
}

// localize resolves one localization variable, written ref, as light does.
func (p *parser) localize(pos Pos, ref, id string, hasDefault bool) (string, error) {
	loc := p.opts.Localization
	switch {
	case hasDefault:
		return "", fmt.Errorf("%s: a localization variable has no default value (WiX refuses it): define the string in a .wxl file", ref)
	case loc == nil:
		return "", fmt.Errorf("%s is a localization variable: give the .wxl file that defines it (light's -loc), or write !%s for the text itself", ref, ref)
	}
	s, ok := loc.Strings[id]
	if !ok {
		return "", fmt.Errorf("%s: no .wxl string has the Id %s%s", ref, id, loc.describe())
	}
	if ref[0] == '$' {
		p.warn(pos, "%s is the deprecated form of !(loc.%s)", ref, id)
	}
	return s.Value, nil
}
