package compile

import (
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// CreateFolder, RemoveFolder and RemoveFile: the folders and files a
// component creates or removes besides its own files.

// createFolder handles <CreateFolder> and returns the folder it creates.
func (c *compiler) createFolder(e *wxs.Element, s scope) string {
	c.err(e.CheckAttrs("Directory"))
	dir := s.dir
	if d := e.Get("Directory"); d != "" {
		dir = d
		c.dirRefs = append(c.dirRefs, ref{"Directory", d, e})
	}
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		switch ch.Name {
		case "Shortcut": // a shortcut to the folder (Compiler.cs ParseCreateFolderElement)
			c.shortcut(ch, scope{dir: dir, comp: s.comp, createFolder: true})
		case "Permission":
			c.permission(ch, dir, "CreateFolder")
		case "PermissionEx":
			c.permissionEx(ch, dir, "CreateFolder")
		default:
			c.unexpected(ch, "CreateFolder")
		}
	}
	c.add(e, "CreateFolder", dir, s.comp.id)
	return dir
}

func installMode(c *compiler, e *wxs.Element) int {
	switch e.Get("On") {
	case "install":
		return 1
	case "uninstall":
		return 2
	case "both":
		return 3
	}
	c.err(e.Errorf("On=%q: use install, uninstall or both", e.Get("On")))
	return 0
}

func (c *compiler) removeFolder(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Directory", "On", "Property"))
	dir := s.dir
	if d := e.Get("Directory"); d != "" {
		dir = d
		c.dirRefs = append(c.dirRefs, ref{"Directory", d, e})
	}
	if p := e.Get("Property"); p != "" {
		dir = p
	}
	id := e.Get("Id")
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return
	}
	c.add(e, "RemoveFile", id, s.comp.id, nil, dir, installMode(c, e))
}

func (c *compiler) removeFile(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Name", "ShortName", "Directory", "On", "Property"))
	dir := s.dir
	if d := e.Get("Directory"); d != "" {
		dir = d
		c.dirRefs = append(c.dirRefs, ref{"Directory", d, e})
	}
	if p := e.Get("Property"); p != "" {
		dir = p
	}
	id, name := e.Get("Id"), e.Get("Name")
	if !validID(id) || name == "" {
		c.err(e.Errorf("Id and Name are required"))
		return
	}
	if sn := e.Get("ShortName"); sn != "" {
		name = sn + "|" + name
	}
	c.add(e, "RemoveFile", id, s.comp.id, name, dir, installMode(c, e))
}
