package compile

import "github.com/gomsi/gomsi/wix/native/wxs"

// componentFeature notes Component/@Feature, WiX v3's shorthand for a
// ComponentRef in that Feature, which also makes it the component's
// primary feature (Compiler.cs ParseComponentElement: a complex reference
// with isPrimary). It is refused on a Component that a Feature already
// holds, as WiX does (IllegalAttributeWhenNested).
func (c *compiler) componentFeature(e *wxs.Element, s scope, id string) {
	fid, ok := e.Attr("Feature")
	if !ok {
		return
	}
	if s.feature != nil {
		c.err(e.Errorf("Feature %q on a Component inside a Feature: drop the attribute, the Feature element already holds the component", fid))
		return
	}
	if !validID(fid) {
		c.err(e.Errorf("Feature %q is not a valid identifier", fid))
		return
	}
	c.featureOf = append(c.featureOf, ref{fid, id, e})
}

// addComponentFeatures adds each Component/@Feature to its feature's
// references, once every source is compiled.
func (c *compiler) addComponentFeatures() {
	for _, r := range c.featureOf {
		f := c.features[r.kind]
		if f == nil {
			c.err(r.e.Errorf("Feature %q is not defined in any source", r.kind))
			continue
		}
		f.items = append(f.items, ref{"Component", r.id, r.e})
	}
}
