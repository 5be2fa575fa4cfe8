package compile

import (
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// advertisedTarget is what WiX v3's compiler writes as an advertised
// shortcut's target (Guid.Empty); the linker replaces it with the feature
// of the shortcut's component (Linker.cs ResolveFeatures).
const advertisedTarget = "{00000000-0000-0000-0000-000000000000}"

// shortcut handles <Shortcut> as WiX v3 does (Compiler.cs
// ParseShortcutElement): in a Component it targets Target or the
// component's folder and defaults to its Directory; in a File it targets
// the file and needs a Directory; Advertise="yes" targets the feature.
func (c *compiler) shortcut(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Directory", "Name", "ShortName", "Target", "Arguments", "Description",
		"Icon", "IconIndex", "Show", "WorkingDirectory", "Advertise", "Hotkey"))
	id, name, dir := e.Get("Id"), e.Get("Name"), e.Get("Directory")
	if !validID(id) || name == "" {
		c.err(e.Errorf("Id and Name are required"))
		return
	}
	advertise := c.yesNo(e, "Advertise", false)
	target := e.Get("Target")
	switch {
	case advertise && target != "":
		c.err(e.Errorf("Target cannot go with Advertise=\"yes\": an advertised shortcut starts its component's key path"))
	case s.file != nil && target != "":
		c.err(e.Errorf("a Shortcut inside a File targets that file: drop Target"))
	}
	if dir == "" {
		if s.file != nil || s.createFolder {
			// WiX v3: ExpectedAttributeWhenElementNotUnderElement.
			c.err(e.Errorf("Directory is required for a Shortcut inside a File or CreateFolder (only a Shortcut directly in a Component defaults to its folder)"))
			return
		}
		dir = s.dir
	} else {
		c.dirRefs = append(c.dirRefs, ref{"Directory", dir, e})
	}
	switch {
	case advertise:
		target = advertisedTarget
		c.advertised = append(c.advertised, advertisedShortcut{id: id, comp: s.comp, e: e})
	case target != "":
	case s.file != nil:
		target = "[#" + s.file.Key + "]"
	default:
		target = "[" + s.dir + "]"
	}
	fileName := name
	if sn := e.Get("ShortName"); sn != "" {
		fileName = sn + "|" + name
	} else if !isShortName(name) {
		base, ext := shortParts(name)
		fileName = base + "~1" + ext + "|" + name
	}
	var icon, show any
	if i := e.Get("Icon"); i != "" {
		icon = i
		c.refs = append(c.refs, ref{"Icon", i, e})
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
		if !c.known(ch) {
			continue
		}
		if ch.Name == "ShortcutProperty" {
			c.shortcutProperty(ch, id)
			continue
		}
		c.unexpected(ch, "Shortcut")
	}
	c.add(e, "Shortcut", id, dir, fileName, s.comp.id, target, nilIfEmpty(e.Get("Arguments")),
		nilIfEmpty(e.Get("Description")), c.intAttr(e, "Hotkey", 0, 32767), icon, c.intAttr(e, "IconIndex", -32767, 32767),
		show, nilIfEmpty(e.Get("WorkingDirectory")), nil, nil, nil, nil)
}

// shortcutProperty handles <ShortcutProperty Id Key Value> (a property of
// the shortcut's shell link, Windows 7 and later): an MsiShortcutProperty
// row, its Id generated from the shortcut and key when missing.
func (c *compiler) shortcutProperty(e *wxs.Element, shortcut string) {
	c.err(e.CheckAttrs("Id", "Key", "Value"))
	id, key, value := e.Get("Id"), e.Get("Key"), e.Get("Value")
	if e.Text != "" {
		if value != "" {
			c.err(e.Errorf("the value is given both as Value and as text"))
		}
		value = e.Text
	}
	if key == "" || value == "" {
		c.err(e.Errorf("Key and Value are required"))
		return
	}
	if id == "" {
		id = c.generatedID("scp", shortcut, upperInvariant(key))
	} else if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return
	}
	for _, ch := range e.Children {
		if c.known(ch) {
			c.unexpected(ch, "ShortcutProperty")
		}
	}
	c.add(e, "MsiShortcutProperty", id, shortcut, key, value)
}

// advertisedShortcut is a shortcut whose target is its component's feature.
type advertisedShortcut struct {
	id   string
	comp *component
	e    *wxs.Element
}

// finishAdvertisedShortcuts writes the feature of each advertised
// shortcut's component into its Target, as WiX v3's linker does.
func (c *compiler) finishAdvertisedShortcuts() {
	for _, a := range c.advertised {
		feature := c.primaryFeature[a.comp.id]
		if feature == "" {
			continue // the component in no feature is reported already
		}
		if a.comp.key.file == nil {
			c.err(a.e.Errorf("advertised shortcut %s: its component %s needs a File as key path (Windows Installer starts the key path)", a.id, a.comp.id))
		}
		for _, r := range c.t.Rows("Shortcut") {
			if r[0] == a.id {
				r[4] = feature
			}
		}
	}
}
