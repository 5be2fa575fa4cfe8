package compile

import (
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Custom action type bits (MSI SDK, "Custom Action Types").
const (
	caContinue      = 0x40
	caAsync         = 0x80
	caFirstSequence = 0x100
	caOncePerProc   = 0x200
	caClientRepeat  = 0x300
	caInScript      = 0x400
	caRollback      = 0x100
	caCommit        = 0x200
	caNoImpersonate = 0x800
	ca64BitScript   = 0x1000
	caHideTarget    = 0x2000
)

// customAction handles the custom action types gomsi uses and their common
// relatives: set a property (51) or a directory (35), show an error (19),
// call a DLL (1) or run an EXE (2) from the Binary table, run a file (18), a program found
// through a property (50) or in a directory (34).
func (c *compiler) customAction(e *wxs.Element) {
	c.err(e.CheckAttrs("Id", "Property", "Value", "Directory", "Error", "BinaryKey", "DllEntry",
		"FileKey", "ExeCommand", "Execute", "Return", "Impersonate", "HideTarget", "Win64"))
	id := e.Get("Id")
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return
	}
	var typ int
	var source, target any
	set := func(t int, s, tg string) {
		if typ != 0 {
			c.err(e.Errorf("the attributes describe more than one kind of custom action"))
		}
		typ, source, target = t, nilIfEmpty(s), nilIfEmpty(tg)
	}
	switch {
	case e.Get("Property") != "" && hasAttr(e, "Value"):
		set(51, e.Get("Property"), e.Get("Value"))
	case e.Get("Property") != "" && hasAttr(e, "ExeCommand"):
		set(50, e.Get("Property"), e.Get("ExeCommand"))
	}
	switch {
	case e.Get("Directory") != "" && hasAttr(e, "Value"):
		set(35, e.Get("Directory"), e.Get("Value"))
		c.dirRefs = append(c.dirRefs, ref{"Directory", e.Get("Directory"), e})
	case e.Get("Directory") != "" && hasAttr(e, "ExeCommand"):
		set(34, e.Get("Directory"), e.Get("ExeCommand"))
		c.dirRefs = append(c.dirRefs, ref{"Directory", e.Get("Directory"), e})
	}
	if v := e.Get("Error"); v != "" {
		set(19, "", v)
	}
	if b := e.Get("BinaryKey"); b != "" {
		if hasAttr(e, "ExeCommand") {
			// An ExeCommand, even empty, makes the Binary an EXE (WiX v3).
			set(2, b, e.Get("ExeCommand"))
		} else {
			set(1, b, e.Get("DllEntry"))
		}
		c.refs = append(c.refs, ref{"Binary", b, e})
	}
	if f := e.Get("FileKey"); f != "" {
		set(18, f, e.Get("ExeCommand"))
		c.refs = append(c.refs, ref{"File", f, e})
	}
	if typ == 0 {
		c.err(e.NotNativef("unsupported kind of custom action: the native toolset compiles Property+Value, Directory+Value, Error, BinaryKey+DllEntry, BinaryKey+ExeCommand, FileKey+ExeCommand, Property+ExeCommand and Directory+ExeCommand"))
		return
	}
	switch e.Get("Execute") {
	case "", "immediate":
	case "deferred":
		typ |= caInScript
	case "rollback":
		typ |= caInScript | caRollback
	case "commit":
		typ |= caInScript | caCommit
	case "firstSequence":
		typ |= caFirstSequence
	case "oncePerProcess":
		typ |= caOncePerProc
	case "secondSequence":
		typ |= caClientRepeat
	default:
		c.err(e.Errorf("Execute %q: use immediate, deferred, rollback, commit, firstSequence, oncePerProcess or secondSequence", e.Get("Execute")))
	}
	switch e.Get("Return") {
	case "", "check":
	case "ignore":
		typ |= caContinue
	case "asyncWait":
		typ |= caAsync
	case "asyncNoWait":
		typ |= caAsync | caContinue
	default:
		c.err(e.Errorf("Return %q: use check, ignore, asyncWait or asyncNoWait", e.Get("Return")))
	}
	if !c.yesNo(e, "Impersonate", true) {
		if typ&caInScript == 0 {
			c.err(e.Errorf("Impersonate=\"no\" needs Execute deferred, rollback or commit"))
		}
		typ |= caNoImpersonate
	}
	if c.yesNo(e, "HideTarget", false) {
		typ |= caHideTarget
		if typ&caInScript != 0 {
			// WiX's linker hides the action's data property (its Id) too.
			c.listProp("MsiHiddenProperties", id)
		}
	}
	if c.yesNo(e, "Win64", false) {
		typ |= ca64BitScript
	}
	c.add(e, "CustomAction", id, typ, source, target, nil)
}

// setProperty handles <SetProperty Id Value After|Before Sequence> as WiX
// v3 does (Compiler.cs ParseSetPropertyElement): a type 51 action named
// Set<Id>, scheduled in the UI and/or execute sequence.
func (c *compiler) setProperty(e *wxs.Element) {
	c.err(e.CheckAttrs("Id", "Value", "After", "Before", "Sequence", "Action"))
	if (e.Get("After") == "") == (e.Get("Before") == "") {
		c.err(e.Errorf("give exactly one of After and Before"))
	}
	c.setAction(e, e.Get("After"), e.Get("Before"))
}

// setDirectory handles <SetDirectory Id Value Sequence> as WiX v3 does
// (Compiler.cs ParseSetDirectoryElement): a type 51 action named
// Set<Id> that sets the directory's property, After CostInitialize.
func (c *compiler) setDirectory(e *wxs.Element) {
	c.err(e.CheckAttrs("Id", "Value", "Sequence", "Action"))
	if validID(e.Get("Id")) {
		c.dirRefs = append(c.dirRefs, ref{"Directory", e.Get("Id"), e})
	}
	c.setAction(e, "CostInitialize", "")
}

// setAction adds the custom action of SetProperty or SetDirectory and
// schedules it where Sequence says: both sequences (the default, and
// "first", which also runs it only in the first sequence that reaches it),
// execute or ui.
func (c *compiler) setAction(e *wxs.Element, after, before string) {
	id := e.Get("Id")
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return
	}
	value, ok := e.Attr("Value")
	if !ok {
		c.err(e.Errorf("Value is required"))
	}
	action := "Set" + id
	if a := e.Get("Action"); a != "" {
		action = a
	}
	typ := 51
	tables := []string{"InstallUISequence", "InstallExecuteSequence"}
	switch e.Get("Sequence") {
	case "", "both":
	case "first":
		typ |= caFirstSequence
	case "execute":
		tables = []string{"InstallExecuteSequence"}
	case "ui":
		tables = []string{"InstallUISequence"}
	default:
		c.err(e.Errorf("Sequence %q: use execute, ui, both or first", e.Get("Sequence")))
	}
	if after == action || before == action {
		c.err(e.Errorf("%s is scheduled relative to itself", action))
		return
	}
	for _, ch := range e.Children {
		if c.known(ch) {
			c.unexpected(ch, e.Name)
		}
	}
	c.add(e, "CustomAction", action, typ, id, nilIfEmpty(value), nil)
	for _, t := range tables {
		c.err(c.seq.put(t, &scheduled{name: action, condition: e.Text, after: after, before: before, custom: true, e: e}))
	}
}

func hasAttr(e *wxs.Element, name string) bool { _, ok := e.Attr(name); return ok }

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
