package compile

// defaultComponentID stands for the id of a Component without Id while
// its content is compiled: WiX v3 uses the same placeholder
// (Compiler.DefaultComponentIdPlaceholderWixVariable) and replaces it in
// the component's rows once the key path is known.
const defaultComponentID = "!(wix.OfficialWixComponentIdPlaceholder)"

// defaultComponentID gives a Component without Id the id of its key path,
// as WiX v3 does (Compiler.cs ParseComponentElement, 2709-2745): allowed
// when the GUID can be generated ("*" and not a registry key path beside
// files) or the key path was marked KeyPath="yes"; a folder key path has no
// id to give. It rewrites the rows added since mark.
func (c *compiler) defaultComponentID(comp *component, mark tablesMark) bool {
	generatable := comp.guid == "*" && !(len(comp.files) > 0 && comp.key.reg != nil)
	if comp.key.id == "" || !(generatable || comp.key.explicit) {
		c.err(comp.e.Errorf("the Component has no Id, and none can come from its key path (WiX v3 takes the id of a File or RegistryValue key path when the GUID is generated or the key path is marked KeyPath=\"yes\"): give the Component an Id"))
		return false
	}
	comp.id = comp.key.id
	c.t.replaceSince(mark, defaultComponentID, comp.id)
	for _, f := range comp.files {
		f.Component = comp.id
	}
	return true
}
