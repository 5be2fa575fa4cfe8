// Package wixcheck checks rendered WiX source for what the WiX schemas cannot
// say: that ids are unique and short enough, that every reference resolves,
// that every component has a GUID and exactly one key path, and that every
// folder created in a user profile is removed (WiX v3's light checks that
// last one as ICE64, on Windows only). The sources of one package are
// checked together, as the linker sees them.
package wixcheck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// MaxIDLength is the longest identifier WiX accepts.
const MaxIDLength = 72

// definers maps an element that defines an id to the table the id lives
// in: ids must be unique per table.
var definers = map[string]string{
	"Component":         "Component",
	"File":              "File",
	"Directory":         "Directory",
	"StandardDirectory": "Directory",
	"ComponentGroup":    "ComponentGroup",
	"Feature":           "Feature",
	"CustomAction":      "CustomAction",
	"SetProperty":       "CustomAction",
	"SetDirectory":      "CustomAction",
	"Property":          "Property",
	"RemoveFolder":      "RemoveFile",
	"RemoveFile":        "RemoveFile",
	"Environment":       "Environment",
	"RegistryValue":     "Registry",
	"RegistryKey":       "Registry",
	"Binary":            "Binary",
	"Icon":              "Icon",
	"Shortcut":          "Shortcut",
	"DirectorySearch":   "Signature",
	"RegistrySearch":    "Signature",
	"FileSearch":        "Signature",
	"ComponentSearch":   "Signature",
}

// ref is an attribute that names an id in a table.
type ref struct{ element, attr, table string }

var refs = []ref{
	{"ComponentRef", "Id", "Component"},
	{"ComponentGroupRef", "Id", "ComponentGroup"},
	{"DirectoryRef", "Id", "Directory"},
	{"FeatureRef", "Id", "Feature"},
	{"PropertyRef", "Id", "Property"},
	{"CustomActionRef", "Id", "CustomAction"},
	{"Custom", "Action", "CustomAction"},
	{"Feature", "ConfigurableDirectory", "Directory"},
	{"Component", "Directory", "Directory"},
	{"CustomAction", "FileKey", "File"},
	{"CustomAction", "FileRef", "File"},
	{"CustomAction", "BinaryKey", "Binary"},
	{"CustomAction", "BinaryRef", "Binary"},
	{"CustomAction", "Directory", "Directory"},
	{"Shortcut", "Directory", "Directory"},
	{"Shortcut", "Icon", "Icon"},
	{"SetDirectory", "Id", "Directory"},
}

// builtin ids exist without being defined in the sources: TARGETDIR (WiX
// v4 and later add it) and the ids extensions define, which WiX reserves
// the Wix prefix for.
func builtin(table, id string) bool {
	return table == "Directory" && id == "TARGETDIR" || strings.HasPrefix(id, "Wix")
}

var guidRE = regexp.MustCompile(`^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$`)

// keyPathHolders are the children of a Component that can be its key path.
var keyPathHolders = map[string]bool{"File": true, "RegistryValue": true, "RegistryKey": true, "ODBCDataSource": true}

type site struct {
	file string
	line int
}

func (s site) String() string { return fmt.Sprintf("%s:%d", s.file, s.line) }

type component struct {
	id        string
	dir       string // the Directory it installs to
	at        site
	guid      string
	keyPaths  int
	resources int // children that could be the key path
}

type checker struct {
	defined map[string]map[string]site // table -> id -> where
	used    []use
	errs    []error
	parent  map[string]string // Directory id -> the Directory holding it ("" at the root)
	removed map[string]bool   // Directory ids a RemoveFolder removes
}

func newChecker() *checker {
	return &checker{defined: map[string]map[string]site{}, parent: map[string]string{}, removed: map[string]bool{}}
}

// profileFolders are the standard folders of the user profile: ICE64 wants
// every folder a package creates below them removed on uninstall, or a
// roaming profile keeps it.
var profileFolders = map[string]bool{
	"AppDataFolder": true, "DesktopFolder": true, "FavoritesFolder": true, "LocalAppDataFolder": true,
	"MyPicturesFolder": true, "NetHoodFolder": true, "PersonalFolder": true, "PrintHoodFolder": true,
	"ProgramMenuFolder": true, "RecentFolder": true, "SendToFolder": true, "StartMenuFolder": true,
	"StartupFolder": true, "TemplateFolder": true,
}

type use struct {
	table, id, what string
	at              site
}

// Check checks the sources of one package (file name to content) together
// and returns every problem found, each naming its file and line.
func Check(sources map[string][]byte) error {
	c := newChecker()
	names := make([]string, 0, len(sources))
	for n := range sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := c.file(n, sources[n]); err != nil {
			c.errs = append(c.errs, fmt.Errorf("%s: %w", n, err))
		}
	}
	for _, u := range c.used {
		if _, ok := c.defined[u.table][u.id]; !ok && !builtin(u.table, u.id) {
			c.errs = append(c.errs, fmt.Errorf("%s: %s refers to %s %q, which no source defines", u.at, u.what, u.table, u.id))
		}
	}
	c.checkProfileFolders()
	return errors.Join(c.errs...)
}

// checkProfileFolders reports folders below a user profile folder that no
// RemoveFolder removes (ICE64).
func (c *checker) checkProfileFolders() {
	ids := make([]string, 0, len(c.parent))
	for id := range c.parent {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if profileFolders[id] || c.removed[id] {
			continue
		}
		for up := c.parent[id]; up != ""; up = c.parent[up] {
			if profileFolders[up] {
				c.errorf(c.defined["Directory"][id], "Directory %q is in the user profile (under %s) but no RemoveFolder removes it: add <RemoveFolder Id=\"...\" Directory=%q On=\"uninstall\"/> to a component (WiX v3's light fails with ICE64)", id, up, id)
				break
			}
		}
	}
}

func (c *checker) errorf(at site, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: "+format, append([]any{at}, args...)...))
}

func (c *checker) file(name string, body []byte) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	var stack []*component // the enclosing Component of each open element, or nil
	var dirs []string      // the Directory each open element is in, or ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := d.InputPos()
			at := site{name, line}
			var cur *component
			dir := ""
			if len(stack) > 0 {
				cur, dir = stack[len(stack)-1], dirs[len(dirs)-1]
			}
			dir = c.folder(t, dir, cur)
			cur = c.element(t, at, cur, dir)
			stack, dirs = append(stack, cur), append(dirs, dir)
		case xml.EndElement:
			top := stack[len(stack)-1]
			stack, dirs = stack[:len(stack)-1], dirs[:len(dirs)-1]
			if t.Name.Local == "Component" && top != nil {
				c.endComponent(top)
			}
		}
	}
}

// folder records the folder tree and the folders removed; it returns the
// Directory the element's children are in.
func (c *checker) folder(e xml.StartElement, dir string, cur *component) string {
	switch e.Name.Local {
	case "Directory", "StandardDirectory":
		if id, ok := attr(e, "Id"); ok {
			if _, seen := c.parent[id]; !seen || dir != "" {
				c.parent[id] = dir
			}
			return id
		}
	case "DirectoryRef":
		if id, ok := attr(e, "Id"); ok {
			return id
		}
	case "RemoveFolder":
		if d, ok := attr(e, "Directory"); ok {
			c.removed[d] = true
		} else if _, byProperty := attr(e, "Property"); !byProperty && cur != nil {
			c.removed[cur.dir] = true
		}
	}
	return dir
}

func attr(e xml.StartElement, name string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

// element records what one element defines and uses, and returns the
// component its children belong to; dir is the Directory it is in.
func (c *checker) element(e xml.StartElement, at site, cur *component, dir string) *component {
	el := e.Name.Local
	if table, ok := definers[el]; ok {
		id, has := attr(e, "Id")
		if el == "SetProperty" {
			// its custom action is named by Action, or Set + the property
			if a, ok := attr(e, "Action"); ok {
				id, has = a, true
			} else if has {
				id = "Set" + id
			}
		}
		if el == "SetDirectory" {
			table, id, has = "", "", false // its Id names a directory: a reference
		}
		if has {
			c.define(table, id, el, at)
		} else if el == "Component" || el == "File" || el == "Directory" {
			c.errorf(at, "%s has no Id: give it one, so that its id is stable across builds", el)
		}
	}
	for _, r := range refs {
		if r.element != el {
			continue
		}
		if v, ok := attr(e, r.attr); ok && v != "" {
			c.checkLength(v, el+"/@"+r.attr, at)
			c.used = append(c.used, use{table: r.table, id: v, what: el + "/@" + r.attr, at: at})
		}
	}
	if el == "Component" {
		id, _ := attr(e, "Id")
		comp := &component{id: id, at: at, dir: dir}
		if d, ok := attr(e, "Directory"); ok {
			comp.dir = d
		}
		comp.guid, _ = attr(e, "Guid")
		if kp, _ := attr(e, "KeyPath"); kp == "yes" {
			comp.keyPaths++
		}
		return comp
	}
	if cur != nil && keyPathHolders[el] {
		cur.resources++
		if kp, _ := attr(e, "KeyPath"); kp == "yes" {
			cur.keyPaths++
		}
	}
	return cur
}

func (c *checker) define(table, id, el string, at site) {
	c.checkLength(id, el+"/@Id", at)
	ids := c.defined[table]
	if ids == nil {
		ids = map[string]site{}
		c.defined[table] = ids
	}
	if prev, dup := ids[id]; dup {
		if el == "StandardDirectory" {
			// WiX v4 merges the references to a standard folder
			return
		}
		c.errorf(at, "%s id %q is defined twice in the %s table (first at %s)", el, id, table, prev)
		return
	}
	ids[id] = at
}

func (c *checker) checkLength(id, what string, at site) {
	if len(id) > MaxIDLength {
		c.errorf(at, "%s %q is %d characters long; WiX accepts at most %d", what, id, len(id), MaxIDLength)
	}
}

func (c *checker) endComponent(comp *component) {
	switch {
	case comp.guid == "":
		c.errorf(comp.at, "Component %q has no Guid: give it a stable GUID (WiX would generate none, or a new one each build)", comp.id)
	case !guidRE.MatchString(comp.guid):
		c.errorf(comp.at, "Component %q has Guid %q, not an explicit GUID such as 22EA7650-4AC6-4001-BF29-F4B8775DB1C0", comp.id, comp.guid)
	}
	switch {
	case comp.keyPaths == 0 && comp.resources == 0:
		// A component of folders only: Windows Installer makes its folder
		// the key path (a null KeyPath), which is what it is for. wixl
		// cannot say so explicitly: it warns about Component/@KeyPath.
	case comp.keyPaths == 0:
		c.errorf(comp.at, "Component %q has no key path: mark one of its files or registry values KeyPath=\"yes\" (WiX would pick one itself)", comp.id)
	case comp.keyPaths > 1:
		c.errorf(comp.at, "Component %q has %d key paths; Windows Installer allows one", comp.id, comp.keyPaths)
	}
}

// Defined lists the ids the sources define, by table, sorted: two dialects
// that render the same installer define the same ids.
func Defined(sources map[string][]byte) (map[string][]string, error) {
	c := newChecker()
	for n, body := range sources {
		if err := c.file(n, body); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
	}
	out := map[string][]string{}
	for table, ids := range c.defined {
		for id := range ids {
			out[table] = append(out[table], id)
		}
		sort.Strings(out[table])
	}
	return out, nil
}
