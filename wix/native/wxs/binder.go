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
// they find the same matches.
var BinderVariable = regexp.MustCompile(`(?s)[!$]\((?:loc|wix|bind|bindpath)\.[_A-Za-z][0-9A-Za-z_]+(?:\.[_A-Za-z][0-9A-Za-z_.]*)?(?:=.+?)?\)`)

// resolveBinder does for the native toolset what WiX v3's binder does with
// a preprocessed value (WixVariableResolver.ResolveVariables): a match of
// BinderVariable right after a "!" is escaped, and loses that "!"; any other
// match is a variable the native toolset cannot resolve, and an error,
// rather than text taken literally that WiX would have replaced.
func resolveBinder(s string) (string, error) {
	if !strings.Contains(s, "(") {
		return s, nil
	}
	matches := BinderVariable.FindAllStringIndex(s, -1)
	if matches == nil {
		return s, nil
	}
	var b strings.Builder
	prev := 0
	for _, m := range matches {
		if m[0] == 0 || s[m[0]-1] != '!' {
			return "", fmt.Errorf("%s is resolved by WiX's binder (localization, WiX and bind variables), which the native toolset does not have: use GOMSI_TOOLSET=wix3 or wix4, or write !%s for the text itself", s[m[0]:m[1]], s[m[0]:m[1]])
		}
		b.WriteString(s[prev : m[0]-1])
		prev = m[0]
	}
	b.WriteString(s[prev:])
	return b.String(), nil
}
