package dist

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnsafeName marks a path that Windows cannot hold or that would escape
// the install folder.
var ErrUnsafeName = errors.New("unsafe name")

// reserved device names: Windows maps them to devices in every folder and
// with any extension (NUL.txt is NUL).
var reserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true,
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

// caseSet finds paths that collide on a case-insensitive file system.
type caseSet map[string]string

// add records rel and the folders above it, returning an error if one of
// them differs from an earlier path only by case, or if a file repeats.
func (s caseSet) add(rel string, isDir bool) error {
	for p := rel; p != "."; p = parentOf(p) {
		key := strings.ToUpper(p)
		prev, ok := s[key]
		if !ok {
			s[key] = p
			continue
		}
		if prev != p {
			return fmt.Errorf("%w: %q and %q differ only by case and collide on Windows", ErrUnsafeName, prev, p)
		}
		if p == rel && !isDir {
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
