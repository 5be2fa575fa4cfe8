package compile

import (
	"fmt"
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

var registryRoots = map[string]int{"HKMU": -1, "HKCR": 0, "HKCU": 1, "HKLM": 2, "HKU": 3}

// registry handles RegistryKey and RegistryValue in a component; key and
// root come from an enclosing RegistryKey (nested).
func (c *compiler) registry(e *wxs.Element, s scope, root, key string, nested bool) {
	if r := e.Get("Root"); r != "" {
		root = r
	}
	if k := e.Get("Key"); k != "" {
		if key != "" {
			key += `\` + k
		} else {
			key = k
		}
	}
	rootN, ok := registryRoots[root]
	if !ok {
		c.err(e.Errorf("Root %q: use HKLM, HKCU, HKCR, HKU or HKMU", root))
		return
	}
	if key == "" {
		c.err(e.Errorf("Key is required"))
		return
	}
	switch e.Name {
	case "RegistryKey":
		c.err(e.CheckAttrs("Id", "Root", "Key", "Action", "ForceCreateOnInstall", "ForceDeleteOnUninstall"))
		// One row at most, as WiX v3 writes (Compiler.cs ParseRegistryKeyElement):
		// "+" create on install, "-" delete on uninstall, "*" both.
		create, del := false, false
		switch e.Get("Action") {
		case "", "none":
		case "create":
			create = true
		case "createAndRemoveOnUninstall":
			create, del = true, true
		default:
			c.err(e.Errorf("Action %q: use none, create or createAndRemoveOnUninstall", e.Get("Action")))
		}
		create = c.yesNo(e, "ForceCreateOnInstall", create)
		del = c.yesNo(e, "ForceDeleteOnUninstall", del)
		if create || del {
			n := map[[2]bool]string{{true, true}: "*", {true, false}: "+", {false, true}: "-"}[[2]bool{create, del}]
			id := e.Get("Id")
			if id == "" {
				id = c.regID(s.comp.id, rootN, key, n)
			}
			c.add(e, "Registry", id, rootN, key, n, nil, s.comp.id)
		} else if e.Get("Id") != "" {
			c.err(e.Errorf("Id needs Action create or createAndRemoveOnUninstall (or ForceCreateOnInstall, ForceDeleteOnUninstall): without them a RegistryKey writes no row"))
		}
		for _, ch := range e.Children {
			if !c.known(ch) {
				continue
			}
			switch ch.Name {
			case "RegistryKey", "RegistryValue":
				c.registry(ch, s, root, key, true)
			default:
				c.unexpected(ch, "RegistryKey")
			}
		}
	case "RegistryValue":
		c.err(e.CheckAttrs("Id", "Root", "Key", "Name", "Value", "Type", "Action", "KeyPath"))
		value, ok := c.registryValue(e)
		if !ok {
			return
		}
		name := e.Get("Name")
		id := e.Get("Id")
		if id == "" {
			id = c.regID(s.comp.id, rootN, key, name)
		}
		c.add(e, "Registry", id, rootN, key, nilIfEmpty(name), value, s.comp.id)
		reg := &regValue{root: rootN, key: key, name: name}
		switch {
		case yes(e, "KeyPath"):
			s.comp.key.mark(c, e, s.comp, id, nil, reg)
		case e.Get("KeyPath") == "no" && !nested:
			// Only a direct child opts out: WiX offers a RegistryKey's
			// first value whatever it says (Compiler.cs:13746-13764).
		default:
			s.comp.key.offer(id, nil, reg)
		}
	}
}

// registryValue encodes Value and Type the way the Registry table wants:
// "#" integers, "#%" expandable strings, "#x" binary, [~] multi-strings.
func (c *compiler) registryValue(e *wxs.Element) (any, bool) {
	v, has := e.Attr("Value")
	var multi []string
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		if ch.Name != "MultiStringValue" {
			c.unexpected(ch, "RegistryValue")
			continue
		}
		c.err(ch.CheckAttrs())
		multi = append(multi, ch.Text)
	}
	typ := e.Get("Type")
	if typ == "" {
		c.err(e.Errorf("Type is required (string, integer, expandable, binary or multiString)"))
		return nil, false
	}
	if typ != "multiString" && len(multi) > 0 {
		c.err(e.Errorf("MultiStringValue needs Type=\"multiString\""))
	}
	switch typ {
	case "string":
		if strings.HasPrefix(v, "#") {
			v = "#" + v // a leading # would mean a number
		}
	case "integer":
		v = "#" + v
	case "expandable":
		v = "#%" + v
	case "binary":
		v = "#x" + v
	case "multiString":
		if has {
			multi = append([]string{v}, multi...)
		}
		joined := strings.Join(multi, "[~]")
		switch e.Get("Action") {
		case "", "write":
			v = "[~]" + joined + "[~]"
		case "append":
			v = "[~]" + joined
		case "prepend":
			v = joined + "[~]"
		default:
			c.err(e.Errorf("Action %q: use write, append or prepend", e.Get("Action")))
		}
		return v, true
	default:
		c.err(e.Errorf("Type %q: use string, integer, expandable, binary or multiString", typ))
		return nil, false
	}
	if a := e.Get("Action"); a != "" && a != "write" {
		c.err(e.Errorf("Action %q is only for multiString values", a))
	}
	if v == "" {
		return nil, true
	}
	return v, true
}

// regID is the identifier WiX v3 generates for a registry row without Id
// (Compiler.cs: GenerateIdentifier("reg", component, root, key, name), key
// and name lower-cased).
func (c *compiler) regID(comp string, root int, key, name string) string {
	return c.generatedID("reg", comp, fmt.Sprint(root), strings.ToLower(key), strings.ToLower(name))
}
