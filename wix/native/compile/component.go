package compile

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/google/uuid"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// componentNamespace is WiX's namespace for generated component GUIDs, so
// "*" gives the GUID WiX would.
var componentNamespace = uuid.MustParse("3064E5C6-FB63-4FE9-AC49-E446A792EFA5")

type component struct {
	id, dir    string
	guid       string // "*" until resolved; "" for an unmanaged component
	attributes int
	condition  string
	key        keyPath
	files      []*File
	e          *wxs.Element
}

// keyPath is a component's key path as WiX v3 picks it (Compiler.cs
// ParseComponentElement, lines 2666-2677): the File or RegistryValue marked
// KeyPath="yes", the component's directory when the Component is marked,
// else the first File or RegistryValue in document order (KeyPath="no"
// opts a direct child out), else the directory.
type keyPath struct {
	id       string    // File or Registry row; "" for the directory
	file     *File     // when a file
	reg      *regValue // when a registry value
	explicit bool      // something said KeyPath="yes"
}

// regValue is what WiX hashes of a registry key path for Guid="*".
type regValue struct {
	root      int
	key, name string
}

// mark makes id the explicit key path; a second one is an error.
func (k *keyPath) mark(c *compiler, e *wxs.Element, comp *component, id string, file *File, reg *regValue) {
	if k.explicit {
		what := "component " + comp.id
		if comp.id == defaultComponentID {
			what = "the component"
		}
		c.err(e.Errorf("a second key path in %s: mark one File or RegistryValue KeyPath=\"yes\"", what))
		return
	}
	*k = keyPath{id: id, file: file, reg: reg, explicit: true}
}

// offer makes id the key path when nothing was chosen yet.
func (k *keyPath) offer(id string, file *File, reg *regValue) {
	if !k.explicit && k.id == "" {
		*k = keyPath{id: id, file: file, reg: reg}
	}
}

// component compiles a Component and returns its id ("" when it has
// errors that leave it undefined).
func (c *compiler) component(e *wxs.Element, s scope) string {
	c.err(e.CheckAttrs("Id", "Guid", "Win64", "KeyPath", "Directory", "Permanent", "NeverOverwrite",
		"SharedDllRefCount", "Transitive", "Location", "DiskId", "UninstallWhenSuperseded", "DisableRegistryReflection", "Feature"))
	id, hasID := e.Attr("Id")
	if !hasID {
		id = defaultComponentID // replaced by the key path's id once known
	} else if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return ""
	}
	dir := s.dir
	if d := e.Get("Directory"); d != "" {
		dir = d
		c.dirRefs = append(c.dirRefs, ref{"Directory", d, e})
	}
	if dir == "" {
		c.err(e.Errorf("the component has no directory: put it in a Directory or DirectoryRef, or give it a Directory attribute"))
		return ""
	}
	comp := &component{id: id, dir: dir, e: e}
	// A missing Guid is "*" in WiX v3 (Compiler.cs:2334, string guid = "*");
	// an empty one is a deliberate unmanaged component (ComponentId NULL).
	g, hasGUID := e.Attr("Guid")
	switch {
	case !hasGUID || g == "*":
		comp.guid = "*"
	case g == "":
		if yes(e, "Permanent") {
			// WiX v3 Compiler.cs:2485-2488, IllegalAttributeValueWithOtherAttribute.
			c.err(e.Errorf("Permanent=\"yes\" cannot go with Guid=\"\" (an unmanaged component): give the component a Guid or \"*\""))
		}
	default:
		norm, err := guid(g)
		if err != nil {
			c.err(e.Errorf("Guid: %v", err))
		}
		comp.guid = norm
	}
	if c.yesNo(e, "Win64", c.opts.Platform == "x64" || c.opts.Platform == "arm64") {
		comp.attributes |= 256
	}
	for attr, bit := range map[string]int{"SharedDllRefCount": 8, "Permanent": 16, "Transitive": 64, "NeverOverwrite": 128, "UninstallWhenSuperseded": 1024, "DisableRegistryReflection": 512} {
		if c.yesNo(e, attr, false) {
			comp.attributes |= bit
		}
	}
	switch e.Get("Location") {
	case "", "local":
	case "source":
		comp.attributes |= 1
	case "either":
		comp.attributes |= 2
	default:
		c.err(e.Errorf("Location %q: use local, source or either", e.Get("Location")))
	}
	diskID := 1
	if v := e.Get("DiskId"); v != "" {
		diskID = c.diskID(e, v)
	}
	var mark tablesMark
	if !hasID {
		mark = c.t.mark() // the rows to rewrite once the id is known
	}
	// A component that is its directory's key path creates that folder
	// unless a CreateFolder already does (Compiler.cs shouldAddCreateFolder).
	ownFolder := yes(e, "KeyPath")
	if ownFolder {
		comp.key.mark(c, e, comp, "", nil, nil) // the directory, stated
	}
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		cs := scope{dir: dir, comp: comp}
		switch ch.Name {
		case "File":
			f := c.file(ch, cs, diskID)
			if f == nil {
				continue
			}
			switch ch.Get("KeyPath") {
			case "yes":
				comp.key.mark(c, ch, comp, f.Key, f, nil)
			case "no":
			default:
				comp.key.offer(f.Key, f, nil)
			}
		case "CreateFolder":
			if c.createFolder(ch, cs) == dir {
				ownFolder = false
			}
		case "RemoveFolder":
			c.removeFolder(ch, cs)
		case "RemoveFile":
			c.removeFile(ch, cs)
		case "RegistryKey", "RegistryValue":
			c.registry(ch, cs, "", "", false)
		case "Environment":
			c.environment(ch, cs)
		case "Shortcut":
			c.shortcut(ch, cs)
		case "ServiceInstall":
			c.serviceInstall(ch, cs)
		case "ServiceControl":
			c.serviceControl(ch, cs)
		case "Condition":
			c.err(ch.CheckAttrs())
			if comp.condition != "" {
				c.err(ch.Errorf("a second Condition in the component"))
			}
			comp.condition = ch.Text
		default:
			c.unexpected(ch, "Component")
		}
	}
	if comp.key.reg != nil {
		comp.attributes |= 4 // msidbComponentAttributesRegistryKeyPath
	}
	if ownFolder {
		c.add(e, "CreateFolder", dir, comp.id)
	}
	if !hasID && !c.defaultComponentID(comp, mark) {
		return ""
	}
	if first := c.components[comp.id]; first != nil {
		c.err(e.Errorf("Component %s is defined twice (first at %s)", comp.id, first.e.Pos))
		return ""
	}
	c.components[comp.id] = comp
	c.compOrder = append(c.compOrder, comp.id)
	if s.group != nil {
		s.group.items = append(s.group.items, ref{"Component", comp.id, e})
	}
	c.componentFeature(e, s, comp.id)
	return comp.id
}

// finishComponents names files (short names), resolves "*" GUIDs and adds
// the Component rows.
func (c *compiler) finishComponents() {
	for _, id := range c.dirOrder {
		if d := c.dirs[id]; d.parent != "" && d.short == "" {
			c.names.reserve(d.parent, d.name)
		}
	}
	for _, f := range c.pkg.Files {
		if f.short == "" {
			c.names.reserve(f.dir, f.FileName)
		}
	}
	for _, f := range c.pkg.Files {
		f.FileName = c.names.name(f.dir, f.FileName, f.short, c.fileElement(f), c)
		c.fileCompression(f)
	}
	for _, id := range c.compOrder {
		comp := c.components[id]
		if comp.guid == "*" {
			comp.guid = c.generatedGUID(comp)
		}
		var cond, key, gid any
		if comp.condition != "" {
			cond = comp.condition
		}
		if comp.key.id != "" {
			key = comp.key.id
		}
		if comp.guid != "" {
			gid = comp.guid
		}
		c.add(comp.e, "Component", comp.id, gid, comp.dir, comp.attributes, cond, key)
	}
}

// generatedGUID resolves Guid="*" as WiX v3's binder does (Binder.cs
// 5669-5820): a name-based UUID (version 5, SHA-1, UTF-16LE) of the key
// path. A key file gives its canonical target path (standard folders by
// their id, the rest lower-cased; WiX's own test data pins it:
// ProgramFilesFolder\guidcompatibility\foo.bar gives AD87A3DE-042B-5CB1-...).
// A registry key path gives "64" for a 64-bit component, then
// root\key\name lower-cased, the root as the Registry table's number. A
// directory key path has no GUID to derive.
func (c *compiler) generatedGUID(comp *component) string {
	switch {
	case comp.key.file != nil:
		return c.fileKeyGUID(comp)
	case comp.key.reg != nil:
		if len(comp.files) > 0 {
			// Compiler.cs:2697-2700, IllegalComponentWithAutoGeneratedGuid(true).
			c.err(comp.e.Errorf("Guid=\"*\" cannot be derived for a component with files and a registry key path: give it an explicit Guid, or put the files in components of their own"))
			return ""
		}
		r := comp.key.reg
		bitness := ""
		if comp.attributes&256 != 0 {
			bitness = "64"
		}
		return wixUUID(strings.ToLower(fmt.Sprintf("%s%d\\%s\\%s", bitness, r.root, r.key, r.name)))
	default:
		// Binder.cs:5674-5677, IllegalComponentWithAutoGeneratedGuid.
		what := "Guid=\"*\""
		if _, has := comp.e.Attr("Guid"); !has {
			what = "a component without Guid (WiX reads it as \"*\")"
		}
		c.err(comp.e.Errorf("%s needs a File or RegistryValue as the key path (WiX derives the GUID from it); a folder key path cannot have a generated GUID: give the component an explicit Guid", what))
		return ""
	}
}

// nonCanonicalPaths are the key file paths WiX v3 refuses to derive GUIDs
// from (Binder.cs:5797-5807): standard folders reached by name.
var nonCanonicalPaths = []string{`PersonalFolder\my pictures`, `ProgramFilesFolder\common files`,
	`ProgramMenuFolder\startup`, "TARGETDIR", `StartMenuFolder\programs`, `WindowsFolder\fonts`}

func (c *compiler) fileKeyGUID(comp *component) string {
	dir, ok := c.targetPath(comp.dir)
	if !ok {
		return ""
	}
	long := comp.key.file.FileName
	if i := strings.IndexByte(long, '|'); i >= 0 {
		long = long[i+1:]
	}
	path := dir + `\` + strings.ToLower(long)
	for _, p := range nonCanonicalPaths {
		if strings.HasPrefix(path, p) {
			c.err(comp.e.Errorf("Guid=\"*\" for the key file %s: WiX refuses paths under %s (not rooted in a standard folder by its id); install it under a standard folder or give an explicit Guid", path, p))
			return ""
		}
	}
	if len(comp.files) > 1 {
		c.pkg.SeveralFileAutoGUIDs = append(c.pkg.SeveralFileAutoGUIDs, AutoGUIDComponent{ID: comp.id, KeyFile: comp.key.file, Files: comp.files, Pos: comp.e.Pos})
	}
	return wixUUID(path)
}

// wixUUID is WiX's Uuid.NewUuid(WixComponentGuidNamespace, s) for a
// component GUID, braced and upper-case.
func wixUUID(s string) string {
	units := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(b[2*i:], u)
	}
	return "{" + strings.ToUpper(uuid.NewSHA1(componentNamespace, b).String()) + "}"
}

func (c *compiler) fileElement(f *File) *wxs.Element {
	return &wxs.Element{Name: "File", Attrs: []wxs.Attr{{Name: "Id", Value: f.Key}}, Pos: f.Pos}
}
