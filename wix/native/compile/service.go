package compile

import (
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// serviceInstall handles <ServiceInstall> in a component as WiX v3 does
// (Compiler.cs ParseServiceInstallElement): a ServiceInstall row, the
// dependencies "[~]"-separated and terminated, the Id from the Name when
// missing.
func (c *compiler) serviceInstall(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Name", "DisplayName", "Description", "EraseDescription", "Type", "Start", "ErrorControl",
		"Vital", "Interactive", "LoadOrderGroup", "Account", "Password", "Arguments"))
	name := e.Get("Name")
	if name == "" {
		c.err(e.Errorf("Name is required"))
		return
	}
	id := e.Get("Id")
	if id == "" {
		id = identifierFromName(name)
	}
	typ, ok := map[string]int{"ownProcess": 0x10, "shareProcess": 0x20}[e.Get("Type")]
	if !ok {
		c.err(e.Errorf("Type %q: use ownProcess or shareProcess (WiX v3 does not install drivers)", e.Get("Type")))
	}
	if c.yesNo(e, "Interactive", false) {
		typ |= 0x100
	}
	start, ok := map[string]int{"auto": 2, "demand": 3, "disabled": 4}[e.Get("Start")]
	if !ok {
		c.err(e.Errorf("Start %q: use auto, demand or disabled", e.Get("Start")))
	}
	errorControl, ok := map[string]int{"ignore": 0, "normal": 1, "critical": 3}[e.Get("ErrorControl")]
	if !ok {
		c.err(e.Errorf("ErrorControl %q: use ignore, normal or critical", e.Get("ErrorControl")))
	}
	if c.yesNo(e, "Vital", false) {
		errorControl |= 0x8000 // msidbServiceInstallErrorControlVital
	}
	description := e.Get("Description")
	if c.yesNo(e, "EraseDescription", false) {
		description = "[~]"
	}
	var deps strings.Builder
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		if ch.Name != "ServiceDependency" {
			c.unexpected(ch, "ServiceInstall")
			continue
		}
		c.err(ch.CheckAttrs("Id", "Group"))
		if ch.Get("Id") == "" {
			c.err(ch.Errorf("Id is required: the service or (Group=\"yes\") load order group depended on"))
			continue
		}
		if c.yesNo(ch, "Group", false) {
			deps.WriteString("+")
		}
		deps.WriteString(ch.Get("Id") + "[~]")
	}
	var dependencies any
	if deps.Len() > 0 {
		dependencies = deps.String() + "[~]"
	}
	c.add(e, "ServiceInstall", id, name, nilIfEmpty(e.Get("DisplayName")), typ, start, errorControl,
		nilIfEmpty(e.Get("LoadOrderGroup")), dependencies, nilIfEmpty(e.Get("Account")), nilIfEmpty(e.Get("Password")),
		nilIfEmpty(e.Get("Arguments")), s.comp.id, nilIfEmpty(description))
}

// ServiceControl event bits (MSI SDK, ServiceControl table): on install,
// then on uninstall.
var serviceEvents = map[string][2]int{"Start": {0x1, 0x10}, "Stop": {0x2, 0x20}, "Remove": {0x8, 0x80}}

// serviceControl handles <ServiceControl Id Name Start Stop Remove Wait>
// (Compiler.cs ParseServiceControlElement), its ServiceArgument children
// joined by "[~]".
func (c *compiler) serviceControl(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Name", "Start", "Stop", "Remove", "Wait"))
	id, name := e.Get("Id"), e.Get("Name")
	if !validID(id) || name == "" {
		c.err(e.Errorf("Id and Name are required"))
		return
	}
	events := 0
	for _, attr := range []string{"Start", "Stop", "Remove"} {
		bits := serviceEvents[attr]
		switch v := e.Get(attr); v {
		case "":
		case "install":
			events |= bits[0]
		case "uninstall":
			events |= bits[1]
		case "both":
			events |= bits[0] | bits[1]
		default:
			c.err(e.Errorf("%s %q: use install, uninstall or both", attr, v))
		}
	}
	var wait any
	if e.Get("Wait") != "" {
		wait = 0
		if c.yesNo(e, "Wait", false) {
			wait = 1
		}
	}
	var args []string
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		if ch.Name != "ServiceArgument" {
			c.unexpected(ch, "ServiceControl")
			continue
		}
		c.err(ch.CheckAttrs())
		args = append(args, strings.TrimSpace(ch.Text))
	}
	c.add(e, "ServiceControl", id, name, events, nilIfEmpty(strings.Join(args, "[~]")), wait, s.comp.id)
}
