package dist

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrUnsafeName marks a path that Windows cannot hold or that would escape
// the install folder.
var ErrUnsafeName = errors.New("unsafe name")

// reserved device names: Windows maps them to devices in every folder and
// with any extension (NUL.txt is NUL). Microsoft's "Naming Files, Paths,
// and Namespaces" lists COM0 to COM9 and LPT0 to LPT9, and the superscript
// digits ¹ ² ³, which Windows reads as digits in these names.
var reserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true,
	"COM0": true, "LPT0": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
	"COM¹": true, "COM²": true, "COM³": true, "LPT¹": true, "LPT²": true, "LPT³": true,
}

// CheckName reports whether rel, a slash-separated path relative to the Go
// root, is a relative path Windows can create inside the install folder.
func CheckName(rel string) error {
	if rel == "" {
		return fmt.Errorf("%w: empty path", ErrUnsafeName)
	}
	if strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) {
		return fmt.Errorf("%w: %q is an absolute path", ErrUnsafeName, rel)
	}
	if len(rel) >= 2 && rel[1] == ':' {
		return fmt.Errorf("%w: %q starts with a drive letter", ErrUnsafeName, rel)
	}
	if strings.Contains(rel, `\`) {
		return fmt.Errorf("%w: %q contains a backslash, which Windows reads as a folder separator", ErrUnsafeName, rel)
	}
	for _, elem := range strings.Split(rel, "/") {
		if err := checkElem(elem); err != nil {
			return fmt.Errorf("%w: %q: %s", ErrUnsafeName, rel, err)
		}
	}
	return nil
}

func checkElem(elem string) error {
	switch elem {
	case "":
		return errors.New("empty path element (double slash)")
	case ".", "..":
		return fmt.Errorf("path element %q", elem)
	}
	if !utf8.ValidString(elem) {
		return fmt.Errorf("%q is not valid UTF-8, so it has no Windows (UTF-16) name", elem)
	}
	if n := utf16Len(elem); n > maxNameUnits {
		return fmt.Errorf("%q is %d UTF-16 units long; Windows names hold at most %d", elem, n, maxNameUnits)
	}
	for _, r := range elem {
		if r < 0x20 || strings.ContainsRune(`<>:"|?*`, r) {
			return fmt.Errorf("%q holds the character %q, which Windows forbids in names", elem, r)
		}
	}
	if last := elem[len(elem)-1]; last == '.' || last == ' ' {
		return fmt.Errorf("%q ends with a dot or space, which Windows strips", elem)
	}
	base, _, _ := strings.Cut(elem, ".")
	if reserved[strings.ToUpper(strings.TrimRight(base, " "))] {
		return fmt.Errorf("%q is a reserved device name on Windows", elem)
	}
	return nil
}

// maxNameUnits is the longest name (one path element) NTFS holds, in UTF-16
// code units: a character outside the BMP counts twice.
const maxNameUnits = 255

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// caseSet finds paths that collide on a case-insensitive file system.
type caseSet map[string]casePath

type casePath struct {
	path string
	dir  bool
}

// add records rel and the folders above it, returning an error if one of
// them differs from an earlier path only by case, if a file repeats, or if
// one path is a file in one entry and a folder in another.
func (s caseSet) add(rel string, isDir bool) error {
	for p, dir := rel, isDir; p != "."; p, dir = parentOf(p), true {
		key := strings.ToUpper(p)
		prev, ok := s[key]
		if !ok {
			s[key] = casePath{p, dir}
			continue
		}
		if prev.path != p {
			return fmt.Errorf("%w: %q and %q differ only by case and collide on Windows", ErrUnsafeName, prev.path, p)
		}
		if prev.dir != dir {
			return fmt.Errorf("%w: %q is a file and also a folder (of %q): Windows cannot hold both", ErrUnsafeName, p, rel)
		}
		if !dir {
			return fmt.Errorf("%w: %q appears twice", ErrUnsafeName, rel)
		}
		break // the folders above were recorded with p
	}
	return nil
}

func parentOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}
