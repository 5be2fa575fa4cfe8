package compile

import (
	"crypto/md5"
	"encoding/hex"
	"regexp"
	"strings"
	"unicode/utf16"
)

// generatedID is WiX v3's Common.GenerateIdentifier (non-FIPS): prefix
// and the upper-case hex MD5 of the arguments joined by "|" in UTF-16LE,
// so rows without an Id get the identifiers WiX gives them.
func (c *compiler) generatedID(prefix string, args ...string) string {
	units := utf16.Encode([]rune(strings.Join(args, "|")))
	b := make([]byte, 2*len(units))
	for i, u := range units {
		b[2*i], b[2*i+1] = byte(u), byte(u>>8)
	}
	h := md5.Sum(b)
	return prefix + strings.ToUpper(hex.EncodeToString(h[:]))
}

// upperInvariant is .NET's ToUpperInvariant for the keys WiX hashes.
func upperInvariant(s string) string { return strings.ToUpper(s) }

// illegalIDChars are what WiX v3 replaces with "_" to make an identifier
// from a file name (Common.cs IllegalIdentifierCharacters): anything but
// letters, digits, "_" and ".", and runs of dots.
var illegalIDChars = regexp.MustCompile(`[^A-Za-z0-9_.]|\.{2,}`)

// identifierFromName is WiX v3's Common.GetIdentifierFromName, the Id of a
// File without one: its name with illegal characters replaced, prefixed
// with "_" unless it starts with a letter or "_". .NET replaces each UTF-16
// unit, so a character outside the BMP becomes two underscores.
func identifierFromName(name string) string {
	id := illegalIDChars.ReplaceAllStringFunc(name, func(m string) string {
		if strings.HasPrefix(m, ".") {
			return "_"
		}
		return strings.Repeat("_", len(utf16.Encode([]rune(m))))
	})
	if name != "" {
		if r := name[0]; !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			id = "_" + id
		}
	}
	return id
}
