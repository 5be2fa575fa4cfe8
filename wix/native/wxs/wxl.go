package wxs

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// LocalizationNamespace is the namespace of WiX v3 .wxl files.
const LocalizationNamespace = "http://schemas.microsoft.com/wix/2006/localization"

// Localization is the strings of a .wxl file (ReadLocalization), or of the
// .wxl files light would use together (SelectLocalizations), that
// !(loc.Id) resolves to.
type Localization struct {
	// Culture is the file's culture in lower case ("en-us"), "" for a
	// neutral one; for a selection, the first culture selected.
	Culture string
	// Codepage is the code page the database should have (WiX's
	// WixLocalization/@Codepage): 0 for a neutral database, -1 when not
	// set. For a selection, the first file's that sets one, as light
	// takes it.
	Codepage int
	// Strings are the strings by Id.
	Strings map[string]LocString
	// files names the files, for errors.
	files []string
}

// LocString is one <String> of a .wxl file.
type LocString struct {
	Value       string
	Overridable bool
	Pos         Pos
}

var locIdentifier = regexp.MustCompile(`^[_A-Za-z][0-9A-Za-z_.]*$`)

// ReadLocalizationFile reads the .wxl file at path.
func ReadLocalizationFile(path string) (*Localization, error) {
	if !isRegularFile(path) {
		return nil, fmt.Errorf("read localization %s: not a file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read localization: %w", err)
	}
	defer f.Close()
	return ReadLocalization(path, f)
}

// ReadLocalization reads a .wxl file as WiX v3's Localization.Parse does;
// name is used in positions (errors). The file is not preprocessed, as in
// WiX. <UI> entries, which move and retitle dialogs, are checked and left
// out: the native toolset builds no dialogs for them to apply to.
func ReadLocalization(name string, r io.Reader) (*Localization, error) {
	budget := int64(maxLocalizationBytes)
	src := newFileSource(name, r, nil, fmt.Sprintf("a .wxl file is <WixLocalization xmlns=%q>", LocalizationNamespace), &budget)
	loc := &Localization{Codepage: -1, Strings: map[string]LocString{}, files: []string{name}}
	depth := 0
	var str *LocString // the <String> being read
	var text []byte
	var id string
	for {
		t, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := t.tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if err := loc.root(t.pos, tok); err != nil {
					return nil, err
				}
			case depth > 2:
				return nil, fmt.Errorf("%s: <%s> inside a .wxl <%s> entry: an entry holds text only", t.pos, tok.Name.Local, "String or UI")
			case tok.Name.Space != LocalizationNamespace:
				return nil, fmt.Errorf("%s: <%s> (namespace %q) is not a .wxl element: want <String> or <UI>", t.pos, tok.Name.Local, tok.Name.Space)
			case tok.Name.Local == "String":
				s, sid, err := locString(t.pos, tok)
				if err != nil {
					return nil, err
				}
				str, id, text = &s, sid, nil
			case tok.Name.Local == "UI":
				if err := checkLocUI(t.pos, tok); err != nil {
					return nil, err
				}
			default:
				return nil, fmt.Errorf("%s: <%s> is not a .wxl element: want <String> or <UI>", t.pos, tok.Name.Local)
			}
		case xml.EndElement:
			depth--
			if depth == 1 && str != nil {
				str.Value = string(text)
				if err := loc.add(id, *str); err != nil {
					return nil, err
				}
				str = nil
			}
		case xml.CharData:
			if str != nil {
				text = append(text, tok...)
			} else if depth <= 1 && len(bytes.TrimSpace(tok)) > 0 {
				return nil, fmt.Errorf("%s: text directly in <WixLocalization>: put it in a <String Id=\"...\">", t.pos)
			}
		case xml.Directive:
			return nil, fmt.Errorf("%s: XML directives (<!...>) are not supported in .wxl files", t.pos)
		}
	}
	return loc, nil
}

func (l *Localization) root(pos Pos, t xml.StartElement) error {
	if t.Name.Local != "WixLocalization" {
		return fmt.Errorf("%s: <%s> is not a .wxl file's root: want <WixLocalization xmlns=%q>", pos, t.Name.Local, LocalizationNamespace)
	}
	if t.Name.Space != LocalizationNamespace {
		return fmt.Errorf("%s: <WixLocalization> is in namespace %q: want xmlns=%q", pos, t.Name.Space, LocalizationNamespace)
	}
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
		case a.Name.Space != "":
			return fmt.Errorf("%s: <WixLocalization>: attribute %s:%s is not a .wxl attribute", pos, a.Name.Space, a.Name.Local)
		case a.Name.Local == "Codepage":
			cp, err := parseCodepage(a.Value)
			if err != nil {
				return fmt.Errorf("%s: <WixLocalization Codepage=%q>: %w", pos, a.Value, err)
			}
			l.Codepage = cp
		case a.Name.Local == "Culture":
			l.Culture = strings.ToLower(a.Value)
		case a.Name.Local == "Language":
			// only WiX's locutil reads it
		default:
			return fmt.Errorf("%s: <WixLocalization>: attribute %s is not a .wxl attribute (Codepage, Culture, Language)", pos, a.Name.Local)
		}
	}
	return nil
}

// parseCodepage is WiX's Common.GetValidCodePage with -1 allowed: a number,
// or an encoding's name (windows-1252, iso-8859-1, utf-8, ...).
func parseCodepage(v string) (int, error) {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		if n < -1 || n > 65535 {
			return 0, fmt.Errorf("code page %d is out of range: want a Windows code page such as 1252, 0 for a neutral database, or -1", n)
		}
		return n, nil
	}
	if cp, ok := codePage(v); ok {
		return cp, nil
	}
	return 0, fmt.Errorf("unknown code page %q: use a number such as 1252, or a name such as windows-1252", v)
}

func locString(pos Pos, t xml.StartElement) (LocString, string, error) {
	s := LocString{Pos: pos}
	id, hasID := "", false
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
		case a.Name.Space != "" && a.Name.Space != LocalizationNamespace:
			return s, "", fmt.Errorf("%s: <String>: attribute %s:%s is not a .wxl attribute", pos, a.Name.Space, a.Name.Local)
		case a.Name.Local == "Id":
			id, hasID = a.Value, true
		case a.Name.Local == "Overridable":
			yes, err := yesNo(a.Value)
			if err != nil {
				return s, "", fmt.Errorf("%s: <String Overridable=%q>: %w", pos, a.Value, err)
			}
			s.Overridable = yes
		case a.Name.Local == "Localizable":
			// documentation only, in WiX too
		default:
			return s, "", fmt.Errorf("%s: <String>: attribute %s is not a .wxl attribute (Id, Overridable, Localizable)", pos, a.Name.Local)
		}
	}
	if !hasID {
		return s, "", fmt.Errorf("%s: <String> has no Id", pos)
	}
	if !locIdentifier.MatchString(id) {
		return s, "", fmt.Errorf("%s: <String Id=%q>: an Id is a letter or _ followed by letters, digits, _ and dots", pos, id)
	}
	return s, id, nil
}

func checkLocUI(pos Pos, t xml.StartElement) error {
	named := false
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
		case a.Name.Space != "" && a.Name.Space != LocalizationNamespace:
			return fmt.Errorf("%s: <UI>: attribute %s:%s is not a .wxl attribute", pos, a.Name.Space, a.Name.Local)
		case a.Name.Local == "Dialog" || a.Name.Local == "Control":
			named = named || a.Value != ""
		case strings.Contains(" X Y Width Height RightToLeft RightAligned LeftScroll ", " "+a.Name.Local+" "):
		default:
			return fmt.Errorf("%s: <UI>: attribute %s is not a .wxl attribute", pos, a.Name.Local)
		}
	}
	if !named {
		return fmt.Errorf("%s: <UI> names neither a Dialog nor a Control", pos)
	}
	return nil
}

func yesNo(v string) (bool, error) {
	switch v {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, fmt.Errorf("want yes or no")
}

// add puts a string into l as WiX does: a second definition of an Id
// replaces an overridable one, is ignored if it is overridable itself, and
// is an error otherwise.
func (l *Localization) add(id string, s LocString) error {
	old, ok := l.Strings[id]
	switch {
	case !ok || old.Overridable && !s.Overridable:
		l.Strings[id] = s
	case !s.Overridable:
		return fmt.Errorf("%s: the .wxl string %s is defined again (first at %s): mark one Overridable=\"yes\" or remove one", s.Pos, id, old.Pos)
	}
	return nil
}

// SelectLocalizations picks and merges .wxl files as light does with -loc
// and -cultures (light.cs, Localizer.AddLocalization): with cultures, the
// files of each culture in that order ("neutral" is a file without a
// culture); without, the neutral files, or all files if none is neutral.
// An Id defined in two files is an error unless one of them is
// Overridable.
func SelectLocalizations(files []*Localization, cultures []string) (*Localization, error) {
	var chosen []*Localization
	merged := &Localization{Codepage: -1, Strings: map[string]LocString{}}
	if cultures != nil {
		for _, c := range cultures {
			c = strings.ToLower(strings.TrimSpace(c))
			if c == "neutral" {
				c = ""
			}
			for _, l := range files {
				if l.Culture == c {
					chosen = append(chosen, l)
				}
			}
		}
		if len(files) > 0 && len(chosen) == 0 {
			return nil, fmt.Errorf("select localizations: no .wxl file is for the cultures %s (the files are for %s)", strings.Join(cultures, ", "), culturesOf(files))
		}
		if len(cultures) > 0 {
			merged.Culture = strings.ToLower(cultures[0])
		}
	} else {
		for _, l := range files {
			if l.Culture == "" {
				chosen = append(chosen, l)
			}
		}
		if len(chosen) == 0 {
			chosen = files
		}
	}
	for _, l := range chosen {
		if merged.Codepage == -1 {
			merged.Codepage = l.Codepage
		}
		merged.files = append(merged.files, l.files...)
		ids := make([]string, 0, len(l.Strings))
		for id := range l.Strings {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if err := merged.add(id, l.Strings[id]); err != nil {
				return nil, fmt.Errorf("select localizations: %w", err)
			}
		}
	}
	return merged, nil
}

func culturesOf(files []*Localization) string {
	var names []string
	for _, l := range files {
		c := l.Culture
		if c == "" {
			c = "neutral"
		}
		names = append(names, c)
	}
	return strings.Join(names, ", ")
}

// describe names the files l holds, for errors.
func (l *Localization) describe() string {
	if len(l.files) == 0 {
		return ""
	}
	return " (in " + strings.Join(l.files, ", ") + ")"
}
