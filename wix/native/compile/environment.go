package compile

import (
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// environment handles <Environment> as WiX v3 does: the Name column carries
// the action as prefixes, "=" set, "+" create, "!" remove (none without
// Action), then "-" remove
// on uninstall unless Permanent, then "*" for a system variable. (wixl
// inverts Permanent; the native toolset follows WiX.)
func (c *compiler) environment(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Name", "Value", "Action", "Part", "Permanent", "System", "Separator"))
	id, name := e.Get("Id"), e.Get("Name")
	if !validID(id) || name == "" {
		c.err(e.Errorf("Id and Name are required"))
		return
	}
	var prefix string
	switch e.Get("Action") {
	case "": // no action prefix, as WiX v3 writes it (Compiler.cs ParseEnvironmentElement)
	case "set":
		prefix = "="
	case "create":
		prefix = "+"
	case "remove":
		prefix = "!"
	default:
		c.err(e.Errorf("Action %q: use set, create or remove", e.Get("Action")))
	}
	if !c.yesNo(e, "Permanent", false) {
		prefix += "-"
	}
	if c.yesNo(e, "System", false) {
		prefix += "*"
	}
	value := e.Get("Value") // may be absent, as in WiX: Windows Installer then sets the variable empty (or removes it)
	sep := ";"
	if v, ok := e.Attr("Separator"); ok {
		sep = v
	}
	switch e.Get("Part") {
	case "", "all":
	case "first":
		value = value + sep + "[~]"
	case "last":
		value = "[~]" + sep + value
	default:
		c.err(e.Errorf("Part %q: use all, first or last", e.Get("Part")))
	}
	c.add(e, "Environment", id, prefix+name, nilIfEmpty(value), s.comp.id)
}
