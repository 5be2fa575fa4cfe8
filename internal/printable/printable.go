// Package printable makes text from servers, indexes and archives safe to
// print: what a terminal or a log reader would interpret is escaped.
package printable

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String escapes what a terminal or a log reader would interpret in
// text from a server or an index (control characters, escape sequences,
// bidirectional overrides, invalid UTF-8), so that it cannot forge log
// lines or rewrite the screen. Printable text, spaces and backslashes
// (Windows paths) are kept as they are.
func String(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !unicode.IsPrint(r) && r != ' ':
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// printableError shows err's text through String, keeping err for
// errors.Is and errors.As: for errors that quote a server (a library's
// message about what a checksum database or a module zip held).
type printableError struct{ err error }

func (e *printableError) Error() string { return String(e.err.Error()) }
func (e *printableError) Unwrap() error { return e.err }

// Error shows err's text through String, keeping err for errors.Is and
// errors.As; nil stays nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	return &printableError{err}
}
