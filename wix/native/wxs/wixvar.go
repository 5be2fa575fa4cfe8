package wxs

import (
	"fmt"
	"slices"
	"strings"
)

// WiX v3 resolves !(wix.X) when it binds, from the WixVariable elements of
// every source (Binder.cs gathers the WixVariable table, then
// WixVariableResolver.ResolveVariables): a variable is used before or
// after its definition, in any source. The native toolset reads the
// sources twice for that: once with Options.WixVariables nil, leaving
// !(wix.X) as written, to collect the WixVariable elements
// (CollectWixVariables), then with their values.

// wixVariable resolves !(wix.name) or !(wix.name=def). ok is false when
// the variables are not known yet (the first reading).
func (p *parser) wixVariable(name string, hasDefault bool, def string) (string, bool, error) {
	if p.opts.WixVariables == nil {
		return "", false, nil
	}
	if v, ok := p.opts.WixVariables[name]; ok {
		return v, true, nil
	}
	if hasDefault {
		return def, true, nil
	}
	return "", false, fmt.Errorf("!(wix.%s): no WixVariable has the Id %s: define it (<WixVariable Id=%q Value=\"...\"/>) or give a default, !(wix.%s=value)", name, name, name, name)
}

// WixVariableDef is one WixVariable element.
type WixVariableDef struct {
	Value       string
	Overridable bool
	Pos         Pos
}

// CollectWixVariables gathers the WixVariable elements under roots, as
// WiX's linker does: a second definition of an Id is an error unless the
// first is Overridable="yes" (the later, non-overridable one wins), as in
// WiX v3 (Linker.cs, WixVariable collisions).
func CollectWixVariables(roots []*Element) (map[string]WixVariableDef, error) {
	defs := map[string]WixVariableDef{}
	var walk func(e *Element) error
	walk = func(e *Element) error {
		if e.Space == Namespace && e.Name == "WixVariable" {
			id := e.Get("Id")
			if id == "" {
				return e.Errorf("Id is required")
			}
			d := WixVariableDef{Value: e.Get("Value"), Overridable: e.Get("Overridable") == "yes", Pos: e.Pos}
			if first, dup := defs[id]; dup {
				switch {
				case first.Overridable && !d.Overridable:
				case d.Overridable:
					return nil // the first definition stays
				default:
					return e.Errorf("WixVariable %s is defined twice (first at %s): keep one, or mark the default Overridable=\"yes\"", id, first.Pos)
				}
			}
			defs[id] = d
			return nil
		}
		for _, ch := range e.Children {
			if err := walk(ch); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range roots {
		if err := walk(r); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// UsesWixVariables reports whether a WixVariable element or a !(wix.X)
// (possibly an escaped one) is left under roots after the first reading.
func UsesWixVariables(roots []*Element) bool {
	var walk func(e *Element) bool
	walk = func(e *Element) bool {
		if e.Space == Namespace && e.Name == "WixVariable" || strings.Contains(e.Text, "(wix.") {
			return true
		}
		for _, a := range e.Attrs {
			if strings.Contains(a.Value, "(wix.") {
				return true
			}
		}
		return slices.ContainsFunc(e.Children, walk)
	}
	return slices.ContainsFunc(roots, walk)
}
