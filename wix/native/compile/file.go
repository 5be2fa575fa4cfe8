package compile

import (
	"path/filepath"
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// file handles a <File> in a component: its row values but size, version
// and sequence, which the caller measures. The Name defaults to the
// Source's base name and the Id to an identifier made from the Name.
func (c *compiler) file(e *wxs.Element, s scope, diskID int) *File {
	c.err(e.CheckAttrs("Id", "Name", "ShortName", "Source", "KeyPath", "DiskId", "Vital", "ReadOnly",
		"Hidden", "System", "Checksum", "Compressed", "Assembly", "AssemblyApplication", "AssemblyManifest",
		"ProcessorArchitecture", "BindPath", "SelfRegCost"))
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
		id = identifierFromName(name) // WiX v3, Compiler.cs ParseFileElement
	}
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier: give the File an Id", id))
		return nil
	}
	if v := e.Get("DiskId"); v != "" {
		diskID = c.diskID(e, v)
	}
	f := &File{Key: id, Component: s.comp.id, FileName: name, Source: c.resolvePath(e, "Source", src), DiskID: diskID, Pos: e.Pos}
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
	f.compressed = e.Get("Compressed")
	switch f.compressed {
	case "yes":
		f.Attributes |= 16384
	case "no":
		f.Attributes |= 8192
	case "":
	default:
		c.err(e.Errorf("Compressed %q: use yes or no", f.compressed))
	}
	if c.fileKeys[id] != nil {
		c.err(e.Errorf("File %s is defined twice (first at %s)", id, c.fileKeys[id].Pos))
		return nil
	}
	c.fileKeys[id] = f
	c.pkg.Files = append(c.pkg.Files, f)
	s.comp.files = append(s.comp.files, f)
	c.fileAssembly(e, f, s.comp)
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		switch ch.Name {
		case "Shortcut":
			c.shortcut(ch, scope{dir: s.dir, comp: s.comp, file: f})
		case "Permission":
			c.permission(ch, f.Key, "File")
		case "PermissionEx":
			c.permissionEx(ch, f.Key, "File")
		case "AssemblyName":
			c.assemblyName(ch, s.comp)
		default:
			c.unexpected(ch, "File")
		}
	}
	return f
}
