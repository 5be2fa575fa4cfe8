package msidb

import (
	"fmt"
	"unicode/utf16"

	"github.com/gomsi/gomsi/internal/cfb"
)

// mangle encodes a stream name the way Windows Installer stores it: the 64
// characters 0-9 A-Z a-z . _ are packed two per UTF-16 unit (0x3800 +
// a + b<<6) or one per unit (0x4800 + a); other characters stay as they
// are. Table streams carry the prefix unit 0x4840.
func mangle(name string, isTable bool) (string, error) {
	var out []rune
	if isTable {
		out = append(out, 0x4840)
	}
	r := []rune(name)
	for i := 0; i < len(r); i++ {
		a, ok := mangleIndex(r[i])
		if !ok {
			out = append(out, r[i])
			continue
		}
		if i+1 < len(r) {
			if b, ok := mangleIndex(r[i+1]); ok {
				out = append(out, rune(0x3800+a+b<<6))
				i++
				continue
			}
		}
		out = append(out, rune(0x4800+a))
	}
	if n := len(utf16.Encode(out)); n > cfb.MaxNameLen {
		return "", fmt.Errorf("stream name %q is %d units once encoded, the limit is %d: use a shorter key or name", name, n, cfb.MaxNameLen)
	}
	if name == "" {
		return "", fmt.Errorf("empty stream name")
	}
	return string(out), nil
}

func mangleIndex(c rune) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 36, true
	case c == '.':
		return 62, true
	case c == '_':
		return 63, true
	}
	return 0, false
}
