package compile

import (
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// setProp sets a property the compiler derives (ProductCode, ALLUSERS...).
func (c *compiler) setProp(e *wxs.Element, id, value string) {
	if _, dup := c.props[id]; dup {
		c.err(e.Errorf("property %s is set twice", id))
		return
	}
	c.props[id] = value
	c.propOrder = append(c.propOrder, id)
	c.propPos[id] = e.Pos
}

func (c *compiler) property(e *wxs.Element) {
	c.err(e.CheckAttrs("Id", "Value", "Secure", "Admin", "Hidden", "SuppressModularization"))
	id := e.Get("Id")
	if id == "" {
		c.err(e.Errorf("Id is required"))
		return
	}
	if id == "SecureCustomProperties" || id == "AdminProperties" || id == "MsiHiddenProperties" {
		// WiX v3: CannotAuthorSpecialProperties.
		c.err(e.Errorf("%s is written by the compiler: mark the properties Secure=\"yes\", Admin=\"yes\" or Hidden=\"yes\" instead", id))
		return
	}
	value, hasValue := e.Attr("Value")
	if e.Text != "" {
		if hasValue {
			c.err(e.Errorf("the value is given both as Value and as text"))
		}
		value, hasValue = e.Text, true
	}
	if yes(e, "Secure") {
		c.secure[id] = true
	}
	if yes(e, "Admin") {
		c.listProp("AdminProperties", id)
	}
	if yes(e, "Hidden") {
		c.listProp("MsiHiddenProperties", id)
	}
	for _, ch := range e.Children {
		if c.known(ch) && !c.propertySearch(ch, id) {
			c.unexpected(ch, "Property")
		}
	}
	if id == "ALLUSERS" && c.props["ALLUSERS"] != "" {
		c.err(e.Errorf("ALLUSERS is set by Package/@InstallScope already"))
		return
	}
	if hasValue && value == "" {
		c.err(e.Errorf("the value is empty: the Property table cannot hold an empty value; leave the element out (or declare it without Value for a search)"))
		return
	}
	if hasValue {
		c.setProp(e, id, value)
	} else if _, ok := c.props[id]; !ok {
		c.declared[id] = true // a search target: no row, but PropertyRef may name it
	}
}

// listProp appends to a ;-separated property the compiler maintains.
func (c *compiler) listProp(prop, id string) {
	c.lists[prop] = append(c.lists[prop], id)
}

func (c *compiler) finishProperties() {
	for id := range c.secure {
		c.lists["SecureCustomProperties"] = append(c.lists["SecureCustomProperties"], id)
	}
	for _, prop := range []string{"SecureCustomProperties", "AdminProperties", "MsiHiddenProperties"} {
		ids := c.lists[prop]
		if len(ids) == 0 {
			continue
		}
		c.propOrder = append(c.propOrder, prop)
		c.propPos[prop] = c.product.Pos
		c.props[prop] = strings.Join(uniqSorted(ids), ";")
	}
	for _, id := range c.propOrder {
		if v, ok := c.props[id]; ok {
			c.err(c.t.add(c.propPos[id], "Property", id, v))
		}
	}
}

func uniqSorted(ids []string) []string {
	m := map[string]bool{}
	var out []string
	for _, id := range ids {
		if id != "" && !m[id] {
			m[id] = true
			out = append(out, id)
		}
	}
	sortStrings(out)
	return out
}
