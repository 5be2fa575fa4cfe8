package compile

import (
	"strconv"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// shortcut handles a non-advertised <Shortcut>, in a File (targeting it)
// or in a Component (with a Target).
func (c *compiler) shortcut(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Directory", "Name", "ShortName", "Target", "Arguments", "Description",
		"Icon", "IconIndex", "Show", "WorkingDirectory", "Advertise", "Hotkey"))
	id, name, dir := e.Get("Id"), e.Get("Name"), e.Get("Directory")
	if !validID(id) || name == "" {
		c.err(e.Errorf("Id and Name are required"))
		return
	}
	if c.yesNo(e, "Advertise", false) {
		c.err(e.Errorf("advertised shortcuts are not supported by the native toolset; use GOMSI_TOOLSET=wix3 or wix4"))
	}
	if dir == "" {
		dir = s.dir
	} else {
		c.dirRefs = append(c.dirRefs, ref{"Directory", dir, e})
	}
	target := e.Get("Target")
	if s.file != nil {
		if target != "" {
			c.err(e.Errorf("a Shortcut inside a File targets that file: drop Target"))
		}
		target = "[#" + s.file.Key + "]"
	}
	if target == "" {
		c.err(e.Errorf("Target is required for a shortcut outside a File"))
	}
	fileName := name
	if sn := e.Get("ShortName"); sn != "" {
		fileName = sn + "|" + name
	} else if !isShortName(name) {
		base, ext := shortParts(name)
		fileName = base + "~1" + ext + "|" + name
	}
	var icon, iconIndex, show, hotkey any
	if i := e.Get("Icon"); i != "" {
		icon = i
		c.refs = append(c.refs, ref{"Icon", i, e})
	}
	if v := e.Get("IconIndex"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			c.err(e.Errorf("IconIndex %q is not a number", v))
		}
		iconIndex = n
	}
	if v := e.Get("Hotkey"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			c.err(e.Errorf("Hotkey %q is not a number", v))
		}
		hotkey = n
	}
	switch e.Get("Show") {
	case "":
	case "normal":
		show = 1
	case "maximized":
		show = 3
	case "minimized":
		show = 7
	default:
		c.err(e.Errorf("Show %q: use normal, maximized or minimized", e.Get("Show")))
	}
	for _, ch := range e.Children {
		if c.known(ch) {
			c.unexpected(ch, "Shortcut")
		}
	}
	c.add(e, "Shortcut", id, dir, fileName, s.comp.id, target, nilIfEmpty(e.Get("Arguments")),
		nilIfEmpty(e.Get("Description")), hotkey, icon, iconIndex, show, nilIfEmpty(e.Get("WorkingDirectory")),
		nil, nil, nil, nil)
}
