package printable

import "testing"

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, with spaces":        "plain text, with spaces",
		`C:\Program Files\Go`:            `C:\Program Files\Go`,
		"ünïcode 😀":                      "ünïcode 😀",
		"line\nforged: ok":               `line\nforged: ok`,
		"\x1b[2J\x1b[31mred":             `\x1b[2J\x1b[31mred`,
		"bidi \u202eexe.txt":             `bidi \u202eexe.txt`,
		"bad \xff byte":                  `bad \xff byte`,
		"nul\x00 tab\t del\x7f c1\u0085": `nul\x00 tab\t del\x7f c1\u0085`,
		"zero\u200bwidth":                `zero\u200bwidth`,
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
