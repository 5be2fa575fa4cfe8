package compile

import "github.com/gomsi/gomsi/wix/native/wxs"

// wixVariable checks a <WixVariable>: its value was already put in place
// of every !(wix.X) when the sources were read (wxs/wixvar.go), and, as in
// WiX v3, it adds no row to the package.
func (c *compiler) wixVariable(e *wxs.Element, parent *wxs.Element) {
	c.err(e.CheckAttrs("Id", "Value", "Overridable"))
	switch parent.Name {
	case "Product", "Fragment":
	default:
		c.unexpected(e, parent.Name)
		return
	}
	if !validID(e.Get("Id")) {
		c.err(e.Errorf("Id %q is not a valid identifier", e.Get("Id")))
	}
	if _, ok := e.Attr("Value"); !ok {
		c.err(e.Errorf("Value is required"))
	}
	c.yesNo(e, "Overridable", false)
}
