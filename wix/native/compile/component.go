package compile

import (
	"encoding/binary"
	"path/filepath"
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
	guid       string // "*" until resolved
	attributes int
	condition  string
	keyPath    string // File, Registry key or "" for the directory
	keyFile    *File  // set when the key path is a file
	files      []*File
	e          *wxs.Element
}

func (c *compiler) component(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Guid", "Win64", "KeyPath", "Directory", "Permanent", "NeverOverwrite",
		"SharedDllRefCount", "Transitive", "Location", "DiskId", "UninstallWhenSuperseded", "DisableRegistryReflection"))
	id := e.Get("Id")
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return
	}
	if first := c.components[id]; first != nil {
		c.err(e.Errorf("Component %s is defined twice (first at %s)", id, first.e.Pos))
		return
	}
	dir := s.dir
	if d := e.Get("Directory"); d != "" {
		dir = d
		c.dirRefs = append(c.dirRefs, ref{"Directory", d, e})
	}
	if dir == "" {
		c.err(e.Errorf("the component has no directory: put it in a Directory or DirectoryRef, or give it a Directory attribute"))
		return
	}
	comp := &component{id: id, dir: dir, e: e}
	comp.guid = e.Get("Guid")
	if comp.guid != "" && comp.guid != "*" {
		g, err := guid(comp.guid)
		if err != nil {
			c.err(e.Errorf("Guid: %v", err))
		}
		comp.guid = g
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
	c.components[id] = comp
	c.compOrder = append(c.compOrder, id)
	if s.group != nil {
		s.group.items = append(s.group.items, ref{"Component", id, e})
	}
	explicitKey := ""
	if yes(e, "KeyPath") {
		explicitKey = "\x00dir" // the directory, stated
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
			if yes(ch, "KeyPath") {
				c.setKeyPath(ch, comp, &explicitKey, f.Key)
				comp.keyFile = f
			}
		case "CreateFolder":
			c.createFolder(ch, cs)
		case "RemoveFolder":
			c.removeFolder(ch, cs)
		case "RemoveFile":
			c.removeFile(ch, cs)
		case "RegistryKey", "RegistryValue":
			c.registry(ch, cs, "", "", &explicitKey)
		case "Environment":
			c.environment(ch, cs)
		case "Shortcut":
			c.shortcut(ch, cs)
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
	switch {
	case explicitKey == "\x00dir" || explicitKey == "":
		comp.keyPath = ""
		if explicitKey == "" && len(comp.files) > 0 {
			// WiX makes the first file the key path when none is marked.
			comp.keyPath, comp.keyFile = comp.files[0].Key, comp.files[0]
		}
	default:
		comp.keyPath = explicitKey
	}
}

func (c *compiler) setKeyPath(e *wxs.Element, comp *component, key *string, id string) {
	if *key != "" {
		c.err(e.Errorf("a second key path in component %s", comp.id))
		return
	}
	*key = id
}

func (c *compiler) file(e *wxs.Element, s scope, diskID int) *File {
	c.err(e.CheckAttrs("Id", "Name", "ShortName", "Source", "KeyPath", "DiskId", "Vital", "ReadOnly",
		"Hidden", "System", "Checksum", "Compressed"))
	src := e.Get("Source")
	if src == "" {
		c.err(e.Errorf("Source is required"))
		return nil
	}
	name := e.Get("Name")
	if name == "" {
		name = filepath.Base(filepath.FromSlash(strings.ReplaceAll(src, `\`, "/")))
	}
	if strings.ContainsAny(name, `\/:*?"<>|`) {
		c.err(e.Errorf("Name %q holds a character Windows forbids in file names", name))
	}
	id := e.Get("Id")
	if id == "" {
		id = name
	}
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier: give the File an Id", id))
		return nil
	}
	if v := e.Get("DiskId"); v != "" {
		diskID = c.diskID(e, v)
	}
	f := &File{Key: id, Component: s.comp.id, FileName: name, Source: resolvePath(e, src), DiskID: diskID, Pos: e.Pos}
	f.short = e.Get("ShortName")
	f.dir = s.dir
	if c.yesNo(e, "Vital", true) {
		f.Attributes |= 512
	}
	for attr, bit := range map[string]int{"ReadOnly": 1, "Hidden": 2, "System": 4, "Checksum": 1024} {
		if c.yesNo(e, attr, false) {
			f.Attributes |= bit
		}
	}
	switch e.Get("Compressed") {
	case "yes":
		f.Attributes |= 16384
	case "no":
		c.err(e.Errorf("Compressed=\"no\" (an uncompressed file) is not supported by the native toolset"))
	}
	if c.fileKeys[id] != nil {
		c.err(e.Errorf("File %s is defined twice (first at %s)", id, c.fileKeys[id].Pos))
		return nil
	}
	c.fileKeys[id] = f
	c.pkg.Files = append(c.pkg.Files, f)
	s.comp.files = append(s.comp.files, f)
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		switch ch.Name {
		case "Shortcut":
			c.shortcut(ch, scope{dir: s.dir, comp: s.comp, file: f})
		default:
			c.unexpected(ch, "File")
		}
	}
	return f
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
		if !c.pkg.compressed {
			f.Attributes |= 16384 // the native toolset always packs files into cabinets
		}
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
		if comp.keyPath != "" {
			key = comp.keyPath
		}
		if comp.guid != "" {
			gid = comp.guid
		}
		c.add(comp.e, "Component", comp.id, gid, comp.dir, comp.attributes, cond, key)
	}
}

// generatedGUID resolves Guid="*" as WiX does: a name-based UUID (version 5,
// SHA-1) of the key file's canonical target path in UTF-16LE, standard
// folders by their id, the rest lower-cased. WiX's own test data pins it:
// ProgramFilesFolder\guidcompatibility\foo.bar gives AD87A3DE-042B-5CB1-...
// Only file key paths qualify.
func (c *compiler) generatedGUID(comp *component) string {
	if comp.keyFile == nil {
		c.err(comp.e.Errorf("Guid=\"*\" needs a file as the key path (WiX derives the GUID from its target path); give the component an explicit Guid"))
		return ""
	}
	dir, ok := c.targetPath(comp.dir)
	if !ok {
		return ""
	}
	long := comp.keyFile.FileName
	if i := strings.IndexByte(long, '|'); i >= 0 {
		long = long[i+1:]
	}
	path := dir + `\` + strings.ToLower(long)
	if strings.HasPrefix(path, "TARGETDIR") {
		c.err(comp.e.Errorf("Guid=\"*\" for a file directly under TARGETDIR: WiX refuses such paths; install it under a standard folder or give an explicit Guid"))
		return ""
	}
	units := utf16.Encode([]rune(path))
	b := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(b[2*i:], u)
	}
	return "{" + strings.ToUpper(uuid.NewSHA1(componentNamespace, b).String()) + "}"
}

func (c *compiler) fileElement(f *File) *wxs.Element {
	return &wxs.Element{Name: "File", Attrs: []wxs.Attr{{Name: "Id", Value: f.Key}}, Pos: f.Pos}
}
