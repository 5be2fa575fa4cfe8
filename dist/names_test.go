package dist

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	good := []string{"bin/go.exe", "src/cmd/go/main.go", "icon.go/x", "context/x", "CONSOLE", "a b/c d.txt", "lib/time/zoneinfo.zip", "x.y.z", "ünïcode"}
	for _, name := range good {
		if err := CheckName(name); err != nil {
			t.Errorf("CheckName(%q) = %v, want nil", name, err)
		}
	}
	bad := []struct{ name, want string }{
		{"/etc/passwd", "absolute path"},
		{`\windows\x`, "absolute path"},
		{"C:/x", "drive letter"},
		{`a\b`, "backslash"},
		{"../evil", `path element ".."`},
		{"a/../../evil", `path element ".."`},
		{"a/./b", `path element "."`},
		{"a//b", "empty path element"},
		{"CON", "reserved device name"},
		{"src/nul.txt", "reserved device name"},
		{"x/Lpt9.go", "reserved device name"},
		{"x/COM1 .go", "reserved device name"},
		{"dots.", "ends with a dot or space"},
		{"space ", "ends with a dot or space"},
		{"a<b", `character '<'`},
		{"ab:c", `character ':'`},
		{`q"`, `character '"'`},
		{"p|", `character '|'`},
		{"why?", `character '?'`},
		{"star*", `character '*'`},
		{"tab\tname", `character '\t'`},
		{"", "empty path"},
	}
	for _, tt := range bad {
		err := CheckName(tt.name)
		if err == nil || !errors.Is(err, ErrUnsafeName) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckName(%q) = %v, want an ErrUnsafeName containing %q", tt.name, err, tt.want)
		}
	}
}

func TestCaseSet(t *testing.T) {
	s := caseSet{}
	for _, p := range []string{"src/a.go", "src/b.go", "src/sub/c.go"} {
		if err := s.add(p, false); err != nil {
			t.Fatalf("add(%q) = %v", p, err)
		}
	}
	if err := s.add("src", true); err != nil {
		t.Errorf("a folder entry for an existing folder: %v", err)
	}
	if err := s.add("SRC/d.go", false); err == nil || !strings.Contains(err.Error(), `"src" and "SRC" differ only by case`) {
		t.Errorf("folder case collision: %v", err)
	}
	if err := s.add("src/A.go", false); err == nil || !strings.Contains(err.Error(), `"src/a.go" and "src/A.go"`) {
		t.Errorf("file case collision: %v", err)
	}
	if err := s.add("src/a.go", false); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Errorf("duplicate: %v", err)
	}
}

// TestCheckNameWindowsRules: names Windows reserves or cannot hold, from
// Microsoft's "Naming Files, Paths, and Namespaces": COM0 and LPT0 and the
// superscript-digit ports are devices too; a name holds at most 255 UTF-16
// units (a character outside the BMP counts twice) and must be Unicode.
func TestCheckNameWindowsRules(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"COM0", "reserved device name"},
		{"src/lpt0.go", "reserved device name"},
		{"x/Com0 .txt", "reserved device name"},
		{"com¹.txt", "reserved device name"},
		{"src/LPT³", "reserved device name"},
		{strings.Repeat("a", 256), "256 UTF-16 units long; Windows names hold at most 255"},
		{"src/" + strings.Repeat("é", 256) + "/x", "256 UTF-16 units long"},
		{strings.Repeat("😀", 128), "256 UTF-16 units long"},
		{"bad\xffname.go", "not valid UTF-8"},
		{"src/\xc3(", "not valid UTF-8"},
		{"esc\x1b[31m", `character '\x1b'`},
		{"new\nline", `character '\n'`},
	} {
		err := CheckName(tc.name)
		if err == nil || !errors.Is(err, ErrUnsafeName) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckName(%.40q) = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	for _, ok := range []string{strings.Repeat("a", 255), strings.Repeat("😀", 127) + "a", strings.Repeat("é", 255), "COM10", "LPT", "COM", "com1x.txt", "comé"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%.40q) = %v, want nil", ok, err)
		}
	}
}

// TestCaseSetFileAndFolder: one path as a file in one entry and a folder in
// another, in either order and whatever the case, is an error naming both.
func TestCaseSetFileAndFolder(t *testing.T) {
	for _, tc := range []struct {
		first, second string
		firstDir      bool
		secondDir     bool
		want          string
	}{
		{"src/a", "src/a/b.go", false, false, `"src/a" is a file and also a folder (of "src/a/b.go")`},
		{"src/a/b.go", "src/a", false, false, `"src/a" is a file and also a folder (of "src/a")`},
		{"src/a", "src/a", false, true, `"src/a" is a file and also a folder`},
		{"src/a", "src/a", true, false, `"src/a" is a file and also a folder`},
		{"bin", "bin/x/y", false, false, `"bin" is a file and also a folder`},
		{"src/a", "SRC/A/b.go", false, false, "differ only by case"},
	} {
		s := caseSet{}
		if err := s.add(tc.first, tc.firstDir); err != nil {
			t.Fatal(err)
		}
		if err := s.add(tc.second, tc.secondDir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s then %s: %v, want %q", tc.first, tc.second, err, tc.want)
		}
	}
}
