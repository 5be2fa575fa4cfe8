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
