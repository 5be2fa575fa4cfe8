package compile

import (
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Searches: the children of a Property that make AppSearch set it, as WiX
// v3 compiles them (Compiler.cs ParseSearchSignatures and the Parse*Search
// methods). Each returns the signature AppSearch looks up; a nested search
// narrows its parent's (a DirectorySearch in a DirectorySearch, a
// FileSearch in a DirectorySearch), its signature replacing the parent's.

// propertySearch compiles a search child of Property prop, adding the
// AppSearch row. It reports false when ch is not a search.
func (c *compiler) propertySearch(ch *wxs.Element, prop string) bool {
	var sig string
	switch ch.Name {
	case "RegistrySearch":
		sig = c.registrySearch(ch)
	case "RegistrySearchRef":
		c.err(ch.CheckAttrs("Id"))
		c.refs = append(c.refs, ref{"RegLocator", ch.Get("Id"), ch})
		sig = ch.Get("Id")
	case "DirectorySearch":
		sig = c.directorySearch(ch, "")
	case "DirectorySearchRef":
		sig = c.directorySearchRef(ch, "")
	case "ComponentSearch":
		sig = c.componentSearch(ch)
	case "IniFileSearch":
		sig = c.iniFileSearch(ch)
	default:
		return false
	}
	if sig == "" {
		return true
	}
	if strings.ToUpper(prop) != prop {
		// WiX v3: SearchPropertyNotUppercase; Windows Installer only
		// passes public (upper-case) properties to the execute sequence.
		c.err(ch.Errorf("property %s is set by a search, so its Id must be upper-case (a public property)", prop))
	}
	c.add(ch, "AppSearch", prop, sig)
	return true
}

// nestedSearch compiles the one search a locator element may hold, whose
// signature replaces the parent's (the boolean: a FileSearch, which also
// becomes the locator's own key in RegistrySearch, ComponentSearch and
// IniFileSearch).
func (c *compiler) nestedSearch(e *wxs.Element, id string) (sig string, file bool) {
	sig = id
	n := 0
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		n++
		if n == 2 {
			c.err(ch.Errorf("%s holds one search element at most", e.Name))
		}
		switch ch.Name {
		case "DirectorySearch":
			sig = c.directorySearch(ch, id)
		case "DirectorySearchRef":
			sig = c.directorySearchRef(ch, id)
		case "FileSearch":
			sig, file = c.fileSearch(ch, id, false, -1), true
		default:
			c.unexpected(ch, e.Name)
		}
	}
	return sig, file
}

// registrySearch handles <RegistrySearch Id Root Key Name Type Win64>.
func (c *compiler) registrySearch(e *wxs.Element) string {
	c.err(e.CheckAttrs("Id", "Root", "Key", "Name", "Type", "Win64"))
	id := e.Get("Id")
	root, ok := registryRoots[e.Get("Root")]
	if !validID(id) || !ok || root < 0 || e.Get("Key") == "" {
		c.err(e.Errorf("Id, Root (HKLM, HKCU, HKCR or HKU) and Key are required"))
		return ""
	}
	typ, ok := map[string]int{"directory": 0, "file": 1, "raw": 2}[e.Get("Type")]
	if !ok {
		c.err(e.Errorf("Type %q: use directory, file or raw", e.Get("Type")))
	}
	if c.yesNo(e, "Win64", c.opts.Platform == "x64" || c.opts.Platform == "arm64") {
		typ |= 16 // msidbLocatorType64bit
	}
	sig, file := c.nestedSearch(e, id)
	if file {
		id = sig // WiX: "FileSearch signatures override parent signatures"
	}
	c.add(e, "RegLocator", id, root, e.Get("Key"), nilIfEmpty(e.Get("Name")), typ)
	return sig
}

// directorySearch handles <DirectorySearch Id Path Depth AssignToProperty>
// under parent ("" at the top).
func (c *compiler) directorySearch(e *wxs.Element, parent string) string {
	c.err(e.CheckAttrs("Id", "Path", "Depth", "AssignToProperty"))
	id := e.Get("Id")
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return ""
	}
	depth := c.intAttr(e, "Depth", 0, 32767)
	assign := c.yesNo(e, "AssignToProperty", false)
	sig := id
	var file bool
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		if file || sig != id {
			c.err(ch.Errorf("%s holds one search element at most", e.Name))
		}
		switch ch.Name {
		case "DirectorySearch":
			sig = c.directorySearch(ch, id)
		case "DirectorySearchRef":
			sig = c.directorySearchRef(ch, id)
		case "FileSearch":
			sig, file = c.fileSearch(ch, id, assign, depth), true
		default:
			c.unexpected(ch, e.Name)
		}
	}
	if assign && !file {
		c.err(e.Errorf("AssignToProperty=\"yes\" needs a FileSearch inside the DirectorySearch"))
	}
	key := id
	if assign && file {
		// The property gets the directory: the file's locator row is keyed
		// by the file and AppSearch looks up the directory.
		key, sig = sig, id
	}
	c.add(e, "DrLocator", key, nilIfEmpty(parent), nilIfEmpty(e.Get("Path")), depth)
	return sig
}

// directorySearchRef handles <DirectorySearchRef Id Parent Path>: a
// DrLocator row defined elsewhere, which may be narrowed further.
func (c *compiler) directorySearchRef(e *wxs.Element, parent string) string {
	c.err(e.CheckAttrs("Id", "Parent", "Path"))
	id := e.Get("Id")
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return ""
	}
	if p := e.Get("Parent"); p != "" {
		if parent != "" {
			c.err(e.Errorf("the search %s has two parents, %s and %s: drop Parent", id, p, parent))
		}
		parent = p
	}
	c.refs = append(c.refs, ref{"DrLocator", id + "/" + parent + "/" + e.Get("Path"), e})
	sig, _ := c.nestedSearch(e, id)
	return sig
}

// fileSearch handles <FileSearch Id Name ShortName MinVersion ...> under
// the search parent. In a DirectorySearch with AssignToProperty the
// directory's row locates the file; otherwise a FileSearch with an Id of
// its own gets a DrLocator row naming its parent.
func (c *compiler) fileSearch(e *wxs.Element, parent string, assignParent bool, parentDepth any) string {
	c.err(e.CheckAttrs("Id", "Name", "ShortName", "MinVersion", "MaxVersion", "MinSize", "MaxSize", "MinDate", "MaxDate", "Languages"))
	id := e.Get("Id")
	if id == "" {
		id = parent
	}
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return ""
	}
	if assignParent && id == parent {
		c.err(e.Errorf("a FileSearch in a DirectorySearch with AssignToProperty=\"yes\" needs an Id of its own"))
	}
	if d, ok := parentDepth.(int); ok && d > 1 && id != parent {
		c.err(e.Errorf("a FileSearch under a DirectorySearch with Depth above 1 must leave out Id (it shares the directory's)"))
	}
	name, short := e.Get("Name"), e.Get("ShortName")
	if name == "" && short == "" {
		c.err(e.Errorf("Name is required"))
		return ""
	}
	fileName := msiFileName(short, name)
	c.add(e, "Signature", id, fileName, nilIfEmpty(e.Get("MinVersion")), nilIfEmpty(e.Get("MaxVersion")),
		c.intAttr(e, "MinSize", 0, 1<<31-1), c.intAttr(e, "MaxSize", 0, 1<<31-1),
		c.dateAttr(e, "MinDate"), c.dateAttr(e, "MaxDate"), nilIfEmpty(e.Get("Languages")))
	for _, ch := range e.Children {
		if c.known(ch) {
			c.unexpected(ch, e.Name)
		}
	}
	if id != parent {
		if assignParent {
			c.add(e, "DrLocator", parent, id, nil, nil)
		} else {
			c.add(e, "DrLocator", id, nilIfEmpty(parent), nil, nil)
		}
	}
	return id
}

// componentSearch handles <ComponentSearch Id Guid Type>.
func (c *compiler) componentSearch(e *wxs.Element) string {
	c.err(e.CheckAttrs("Id", "Guid", "Type"))
	id := e.Get("Id")
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return ""
	}
	g, err := guid(e.Get("Guid"))
	if err != nil {
		c.err(e.Errorf("Guid: %v", err))
	}
	typ, ok := map[string]int{"": 1, "file": 1, "directory": 0}[e.Get("Type")]
	if !ok {
		c.err(e.Errorf("Type %q: use file or directory", e.Get("Type")))
	}
	sig, file := c.nestedSearch(e, id)
	if file {
		id = sig
	}
	c.add(e, "CompLocator", id, g, typ)
	return sig
}

// iniFileSearch handles <IniFileSearch Id Name Section Key Field Type>.
func (c *compiler) iniFileSearch(e *wxs.Element) string {
	c.err(e.CheckAttrs("Id", "Name", "ShortName", "Section", "Key", "Field", "Type"))
	id, name, section, key := e.Get("Id"), e.Get("Name"), e.Get("Section"), e.Get("Key")
	if !validID(id) || name == "" || section == "" || key == "" {
		c.err(e.Errorf("Id, Name, Section and Key are required"))
		return ""
	}
	typ, ok := map[string]int{"": 1, "file": 1, "directory": 0, "raw": 2}[e.Get("Type")]
	if !ok {
		c.err(e.Errorf("Type %q: use file, directory or raw", e.Get("Type")))
	}
	short := e.Get("ShortName")
	if short == "" && !isShortName(name) {
		base, ext := shortParts(name)
		short = base + "~1" + ext
	}
	sig, file := c.nestedSearch(e, id)
	if file {
		id = sig
	}
	c.add(e, "IniLocator", id, msiFileName(short, name), section, key, c.intAttr(e, "Field", 0, 32767), typ)
	return sig
}
