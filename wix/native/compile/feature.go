package compile

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

type group struct {
	id    string
	items []ref // Component and ComponentGroup references, in order
	e     *wxs.Element
}

type feature struct {
	id    string
	items []ref
	e     *wxs.Element
}

func (c *compiler) componentGroup(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Directory", "Source"))
	id := e.Get("Id")
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return
	}
	if first := c.groups[id]; first != nil {
		c.err(e.Errorf("ComponentGroup %s is defined twice (first at %s)", id, first.e.Pos))
		return
	}
	if e.Get("Source") != "" {
		c.err(e.Errorf("Source is not supported on ComponentGroup by the native toolset; give each File its Source"))
	}
	g := &group{id: id, e: e}
	c.groups[id] = g
	c.groupOrder = append(c.groupOrder, id)
	dir := s.dir
	if d := e.Get("Directory"); d != "" {
		dir = d
		c.dirRefs = append(c.dirRefs, ref{"Directory", d, e})
	}
	c.refItems(e, scope{dir: dir, group: g}, &g.items)
}

// refItems compiles the children of a ComponentGroup or Feature: references
// and components defined in place.
func (c *compiler) refItems(e *wxs.Element, s scope, items *[]ref) {
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		switch ch.Name {
		case "ComponentRef", "ComponentGroupRef":
			c.err(ch.CheckAttrs("Id", "Primary"))
			*items = append(*items, ref{ch.Name[:len(ch.Name)-3], ch.Get("Id"), ch})
		case "Component":
			if id := c.component(ch, s); s.feature != nil && id != "" {
				*items = append(*items, ref{"Component", id, ch})
			}
		case "Feature":
			if s.feature == nil {
				c.unexpected(ch, e.Name)
				continue
			}
			c.feature(ch, s)
		case "Condition":
			if s.feature == nil {
				c.unexpected(ch, e.Name)
				continue
			}
			c.featureCondition(ch, s.feature)
		default:
			c.unexpected(ch, e.Name)
		}
	}
}

func (c *compiler) feature(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Title", "Description", "Level", "Display", "Absent", "AllowAdvertise",
		"ConfigurableDirectory", "InstallDefault", "TypicalDefault"))
	id := e.Get("Id")
	if !validID(id) || len(id) > 38 {
		c.err(e.Errorf("Id %q is not a valid feature identifier (at most 38 characters)", id))
		return
	}
	if first := c.features[id]; first != nil {
		c.err(e.Errorf("Feature %s is defined twice (first at %s)", id, first.e.Pos))
		return
	}
	f := &feature{id: id, e: e}
	c.features[id] = f
	c.featOrder = append(c.featOrder, id)
	level := 1
	if v := e.Get("Level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 32767 {
			c.err(e.Errorf("Level %q: want 0 to 32767", v))
		}
		level = n
	}
	var display any
	switch v := e.Get("Display"); v {
	case "", "collapse":
		c.displayN++
		display = 2 * c.displayN
	case "expand":
		c.displayN++
		display = 2*c.displayN + 1
	case "hidden":
		display = 0
	default:
		n, err := strconv.Atoi(v)
		if err != nil {
			c.err(e.Errorf("Display %q: use collapse, expand, hidden or a number", v))
		}
		display = n
	}
	attrs := 0
	switch e.Get("Absent") {
	case "", "allow":
	case "disallow":
		attrs |= 16
	default:
		c.err(e.Errorf("Absent %q: use allow or disallow", e.Get("Absent")))
	}
	switch e.Get("AllowAdvertise") {
	case "", "yes":
	case "no":
		attrs |= 8
	case "system":
		attrs |= 32
	default:
		c.err(e.Errorf("AllowAdvertise %q: use yes, no or system", e.Get("AllowAdvertise")))
	}
	switch e.Get("InstallDefault") {
	case "", "local":
	case "source":
		attrs |= 1
	case "followParent":
		attrs |= 2
	default:
		c.err(e.Errorf("InstallDefault %q: use local, source or followParent", e.Get("InstallDefault")))
	}
	switch e.Get("TypicalDefault") {
	case "", "install":
	case "advertise":
		attrs |= 4
	default:
		c.err(e.Errorf("TypicalDefault %q: use install or advertise", e.Get("TypicalDefault")))
	}
	var parent, dir any
	if s.feature != nil {
		parent = s.feature.id
	}
	if d := e.Get("ConfigurableDirectory"); d != "" {
		dir = d
		c.dirRefs = append(c.dirRefs, ref{"Directory", d, e})
	}
	c.add(e, "Feature", id, parent, e.Get("Title"), e.Get("Description"), display, level, dir, attrs)
	c.refItems(e, scope{feature: f}, &f.items)
}

func (c *compiler) featureCondition(e *wxs.Element, f *feature) {
	c.err(e.CheckAttrs("Level"))
	n, err := strconv.Atoi(e.Get("Level"))
	if err != nil || n < 0 || n > 32767 {
		c.err(e.Errorf("Level %q: want 0 to 32767", e.Get("Level")))
	}
	c.add(e, "Condition", f.id, n, e.Text)
}

// finishFeatures adds FeatureComponents rows, expanding groups, and checks
// that every component belongs to a feature. Like WiX v3's linker
// (Linker.cs FlattenGroup, 1910-2010), a group's content is reached once
// however often it is referenced, a component reached twice in one
// feature gets one row, one in several features a row in each, and groups
// that reference each other in a cycle are an error.
func (c *compiler) finishFeatures() {
	if !c.checkGroups() {
		return
	}
	c.addComponentFeatures()
	inFeature := map[string]bool{}
	explicit := map[string]*ref{} // component -> its ComponentRef Primary="yes"
	for _, fid := range c.featOrder {
		f := c.features[fid]
		seen := map[string]bool{}
		expanded := map[string]bool{}
		var expand func(items []ref)
		expand = func(items []ref) {
			for _, it := range items {
				switch it.kind {
				case "Component":
					if c.components[it.id] == nil {
						c.err(it.e.Errorf("Component %q is not defined in any source", it.id))
						continue
					}
					if !seen[it.id] {
						seen[it.id] = true
						inFeature[it.id] = true
						c.add(it.e, "FeatureComponents", fid, it.id)
					}
					c.notePrimary(it, fid, explicit)
				case "ComponentGroup":
					g := c.groups[it.id]
					if g == nil {
						c.err(it.e.Errorf("ComponentGroup %q is not defined in any source", it.id))
						continue
					}
					if !expanded[it.id] {
						expanded[it.id] = true
						c.groupExpansions++
						expand(g.items)
					}
				}
			}
		}
		expand(f.items)
	}
	for _, id := range c.compOrder {
		if !inFeature[id] {
			comp := c.components[id]
			c.err(comp.e.Errorf("component %s is in no feature: reference it from a Feature (ComponentRef or a ComponentGroupRef)", id))
		}
	}
	// A Product without Feature is no error: WiX v3's linker has no such
	// check, and its own test SimpleProduct builds one (no Feature table).
}

// checkGroups reports ComponentGroups that reference themselves, directly
// or through others (WiX v3: ReferenceLoopDetected, Linker.cs:1925-1944),
// visiting each group once. It reports whether there was none.
func (c *compiler) checkGroups() bool {
	const (
		unvisited = iota
		onPath
		done
	)
	state := map[string]int{}
	var stack []string // the groups being visited, outermost first
	reported := map[string]bool{}
	ok := true
	var visit func(id string)
	visit = func(id string) {
		state[id] = onPath
		stack = append(stack, id)
		for _, it := range c.groups[id].items {
			if it.kind != "ComponentGroup" || c.groups[it.id] == nil {
				continue
			}
			switch state[it.id] {
			case unvisited:
				visit(it.id)
			case onPath:
				ok = false
				loop := strings.Join(append(slices.Clone(stack[slices.Index(stack, it.id):]), it.id), " -> ")
				if !reported[loop] {
					reported[loop] = true
					c.err(it.e.Errorf("ComponentGroup %s references itself through %s: group references must not form a cycle; remove one of the ComponentGroupRefs", it.id, loop))
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
	}
	for _, id := range c.groupOrder {
		if state[id] == unvisited {
			visit(id)
		}
	}
	return ok
}

// notePrimary records the feature a component's advertised data (an
// advertised shortcut's target) names, as WiX v3's linker picks it: the
// feature of its ComponentRef Primary="yes", else the first feature that
// references it (Linker.cs, componentsToFeatures).
func (c *compiler) notePrimary(it ref, feature string, explicit map[string]*ref) {
	if (it.e.Name == "ComponentRef" && yes(it.e, "Primary")) || (it.e.Name == "Component" && it.e.Get("Feature") == feature) {
		if first := explicit[it.id]; first != nil && c.primaryFeature[it.id] != feature {
			c.err(it.e.Errorf("component %s has two primary features, %s and %s (Primary=\"yes\" at %s): keep one", it.id, c.primaryFeature[it.id], feature, first.e.Pos))
			return
		}
		explicit[it.id] = &it
		c.primaryFeature[it.id] = feature
		return
	}
	if c.primaryFeature[it.id] == "" {
		c.primaryFeature[it.id] = feature
	}
}
