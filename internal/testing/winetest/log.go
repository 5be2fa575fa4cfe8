package winetest

import (
	"regexp"
	"strings"
)

// LogProperty returns a property's final value from a verbose log's
// property dump, or "".
func LogProperty(log, name string) string {
	m := regexp.MustCompile(`(?m)^Property\(S\): `+regexp.QuoteMeta(name)+` = (.*)$`).FindAllStringSubmatch(log, -1)
	if m == nil {
		return ""
	}
	return strings.TrimRight(m[len(m)-1][1], "\r")
}

// ActionIndex is where an action starts in a verbose log, or -1.
func ActionIndex(log, action string) int {
	re := regexp.MustCompile(`Action start [0-9:]+: ` + regexp.QuoteMeta(action) + `\.`)
	if loc := re.FindStringIndex(log); loc != nil {
		return loc[0]
	}
	return -1
}
