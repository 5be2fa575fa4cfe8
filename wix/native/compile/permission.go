package compile

import (
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Access-right attribute names of <Permission>, in bit order from the
// given offset, as WiX v3 maps them (Common.cs, from WinNT.h).
var (
	standardRights = []string{"Delete", "ReadPermission", "ChangePermission", "TakeOwnership", "Synchronize"} // bit 16
	genericRights  = []string{"GenericAll", "GenericExecute", "GenericWrite", "GenericRead"}                  // bit 28
	specificRights = map[string][]string{                                                                     // bit 0
		"CreateFolder": {"Read", "CreateFile", "CreateChild", "ReadExtendedAttributes", "WriteExtendedAttributes", "Traverse", "DeleteChild", "ReadAttributes", "WriteAttributes"},
		"File":         {"Read", "Write", "Append", "ReadExtendedAttributes", "WriteExtendedAttributes", "Execute", "", "ReadAttributes", "WriteAttributes"},
		"Registry":     {"Read", "Write", "CreateSubkeys", "EnumerateSubkeys", "Notify", "CreateLink"},
	}
)

// permission handles <Permission User Domain rights...> in a CreateFolder
// or File (Compiler.cs ParsePermissionElement): a LockPermissions row for
// the object, the rights said "yes" making the access mask.
func (c *compiler) permission(e *wxs.Element, object, table string) {
	var mask uint32
	for _, a := range e.Attrs {
		switch a.Name {
		case "User", "Domain":
			continue
		case "FileAllRights": // FILE_ALL_ACCESS
			if c.yesNo(e, a.Name, false) {
				mask |= 0x001F01FF
			}
			continue
		case "SpecificRightsAll": // SPECIFIC_RIGHTS_ALL
			if c.yesNo(e, a.Name, false) {
				mask |= 0xFFFF
			}
			continue
		}
		bit := -1
		for _, set := range []struct {
			names  []string
			offset int
		}{{standardRights, 16}, {genericRights, 28}, {specificRights[table], 0}} {
			for i, n := range set.names {
				if n == a.Name {
					bit = set.offset + i
				}
			}
		}
		if bit < 0 {
			c.err(e.Errorf("attribute %s is not a right of a Permission in a %s", a.Name, table))
			continue
		}
		if c.yesNo(e, a.Name, false) {
			mask |= 1 << bit
		}
	}
	user, ok := e.Attr("User")
	if !ok {
		c.err(e.Errorf("User is required"))
		return
	}
	if mask == 1<<31 {
		// WiX v3 GenericReadNotAllowed: the mask alone is MSI's null integer.
		c.err(e.Errorf("GenericRead alone cannot be written (its mask is Windows Installer's null integer): add Read or another right"))
		return
	}
	for _, ch := range e.Children {
		if c.known(ch) {
			c.unexpected(ch, "Permission")
		}
	}
	c.add(e, "LockPermissions", object, table, nilIfEmpty(e.Get("Domain")), user, int(int32(mask)))
}

// permissionEx handles <PermissionEx Id Sddl> with an optional Condition
// (Compiler.cs ParsePermissionExElement): a MsiLockPermissionsEx row whose
// Id defaults to the object's.
func (c *compiler) permissionEx(e *wxs.Element, object, table string) {
	c.err(e.CheckAttrs("Id", "Sddl"))
	id := e.Get("Id")
	if id == "" {
		id = object
	}
	sddl, ok := e.Attr("Sddl")
	if !ok {
		c.err(e.Errorf("Sddl is required"))
		return
	}
	var cond any
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		if ch.Name != "Condition" {
			c.unexpected(ch, "PermissionEx")
			continue
		}
		c.err(ch.CheckAttrs())
		if cond != nil {
			c.err(ch.Errorf("a second Condition in the PermissionEx"))
		}
		cond = ch.Text
	}
	c.add(e, "MsiLockPermissionsEx", id, object, table, sddl, cond)
}
