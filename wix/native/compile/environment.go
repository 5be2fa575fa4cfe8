package compile

import (
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// environment handles <Environment> as WiX v3 does: the Name column carries
// the action as prefixes, "=" set, "+" create, "!" remove, then "-" remove
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
	case "", "set":
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
	value, hasValue := e.Attr("Value")
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
	if !hasValue && e.Get("Action") != "remove" {
		c.err(e.Errorf("Value is required unless Action=\"remove\""))
	}
	c.add(e, "Environment", id, prefix+name, nilIfEmpty(value), s.comp.id)
}
