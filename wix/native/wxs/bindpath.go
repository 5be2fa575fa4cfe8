package wxs

import "strings"

// bindPathMarker brackets the name of a named bind path kept at the start
// of a value: a NUL, which no XML text can hold, so a marker never comes
// from a source (an escaped !!(bindpath.X) stays plain text).
const bindPathMarker = "\x00"

// BindPathRef splits a value that starts with a kept !(bindpath.name)
// (Options.BindPathNames) into the name and the rest of the path.
func BindPathRef(s string) (name, rest string, ok bool) {
	after, found := strings.CutPrefix(s, bindPathMarker)
	if !found {
		return "", "", false
	}
	name, rest, ok = strings.Cut(after, bindPathMarker)
	return name, rest, ok
}

// DisplayBindPaths writes kept bind path references back as !(bindpath.name),
// for messages.
func DisplayBindPaths(s string) string {
	if name, rest, ok := BindPathRef(s); ok {
		return "!(bindpath." + name + ")" + rest
	}
	return s
}
