package compile

import (
	"fmt"
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// shortNames hands out 8.3 names for long names that are not valid 8.3
// names, unique (ignoring case) among the files and folders of one parent,
// in the NAME~N.EXT style Windows uses. Names depend only on the order of
// the source, so builds are reproducible.
type shortNames struct {
	taken map[string]map[string]bool // parent directory -> upper-cased short names
	next  map[string]int             // parent + stem -> the next ~N to try
}

// name returns the Filename column value for long under parent: "long" when
// it is a valid 8.3 name, else "SHORT|long". short is an authored ShortName.
func (s *shortNames) name(parent, long, short string, e *wxs.Element, c *compiler) string {
	if s.taken == nil {
		s.taken = map[string]map[string]bool{}
	}
	taken := s.taken[parent]
	if taken == nil {
		taken = map[string]bool{}
		s.taken[parent] = taken
	}
	if short != "" {
		if !isShortName(short) {
			c.err(e.Errorf("ShortName %q is not a valid 8.3 name", short))
		}
		taken[strings.ToUpper(short)] = true
		if short == long {
			return long
		}
		return short + "|" + long
	}
	if isShortName(long) {
		taken[strings.ToUpper(long)] = true
		return long
	}
	base, ext := shortParts(long)
	if s.next == nil {
		s.next = map[string]int{}
	}
	stem := parent + "\x00" + base + ext
	n := max(s.next[stem], 1)
	defer func() { s.next[stem] = n + 1 }()
	for ; ; n++ {
		suffix := fmt.Sprintf("~%d", n)
		b := base
		if len(b)+len(suffix) > 8 {
			b = b[:8-len(suffix)]
		}
		cand := b + suffix + ext // stays 8.3 up to ~9999999
		if !taken[cand] {
			taken[cand] = true
			return cand + "|" + long
		}
	}
}

// reserve marks a valid 8.3 long name as taken before generated names are
// handed out, so that "a.txt" and a later generated name never collide.
func (s *shortNames) reserve(parent, long string) {
	if !isShortName(long) {
		return
	}
	if s.taken == nil {
		s.taken = map[string]map[string]bool{}
	}
	if s.taken[parent] == nil {
		s.taken[parent] = map[string]bool{}
	}
	s.taken[parent][strings.ToUpper(long)] = true
}

// shortParts upper-cases a long name and keeps the characters 8.3 names
// allow: the base (at most 6 characters, to leave room for ~N) and ".EXT".
func shortParts(long string) (base, ext string) {
	name := long
	if i := strings.LastIndexByte(long, '.'); i > 0 {
		name, ext = long[:i], long[i+1:]
	}
	clean := func(s string, max int) string {
		var b strings.Builder
		for _, r := range strings.ToUpper(s) {
			if b.Len() >= max {
				break
			}
			if r < 0x80 && r > ' ' && !strings.ContainsRune(shortForbidden, r) {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	base = clean(name, 6)
	if base == "" {
		base = "FILE"
	}
	if ext = clean(ext, 3); ext != "" {
		ext = "." + ext
	}
	return base, ext
}

const shortForbidden = `\?|><:/*"+,;=[]. `

// isShortName reports whether name is a valid 8.3 name as WiX checks it:
// up to 8 allowed characters, optionally a dot and up to 3 more.
func isShortName(name string) bool {
	base, ext, hasDot := strings.Cut(name, ".")
	if len(base) < 1 || len(base) > 8 || len(ext) > 3 || (hasDot && strings.Contains(ext, ".")) {
		return false
	}
	for _, r := range base + ext {
		if r >= 0x80 || r < ' ' || strings.ContainsRune(shortForbidden, r) {
			return false
		}
	}
	return true
}
