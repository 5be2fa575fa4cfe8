package compile

import (
	"fmt"
	"strings"
	"testing"
)

// TestPermissions: LockPermissions rows with WiX v3's access masks
// (Compiler.cs ParsePermissionElement, rights from WinNT.h) and
// MsiLockPermissionsEx rows whose Id defaults to the object's.
func TestPermissions(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555">
		<File Id="f1" Name="a.txt" Source="a.txt">
			<Permission User="Everyone" Read="yes" Execute="yes" Delete="yes"/>
			<PermissionEx Sddl="O:AOG:DAD:(A;;GA;;;S-1-0-0)"/>
		</File>
		<File Id="f2" Name="b.txt" Source="b.txt">
			<PermissionEx Id="pe2" Sddl="D:(A;;GR;;;WD)"><Condition>0=0</Condition></PermissionEx>
		</File>
		<CreateFolder>
			<Permission User="Admin" Domain="[DOMAIN]" CreateChild="yes" CreateFile="yes" GenericAll="yes"/>
			<Permission User="Users" FileAllRights="no" GenericRead="yes" Read="yes"/>
		</CreateFolder>
	</Component></DirectoryRef>`, `<ComponentRef Id="C"/>`))
	for _, want := range []string{
		"[f1 File <nil> Everyone 65569]",                     // Read 1 | Execute 32 | Delete 1<<16
		"[INSTALLDIR CreateFolder [DOMAIN] Admin 268435462]", // CreateFile 2 | CreateChild 4 | GenericAll 1<<28
		"[INSTALLDIR CreateFolder <nil> Users -2147483647]",  // GenericRead 1<<31 | Read 1
	} {
		found := false
		for _, r := range pkg.Tables.Rows("LockPermissions") {
			found = found || fmt.Sprint(r) == want
		}
		if !found {
			t.Errorf("no LockPermissions row %s in %v", want, pkg.Tables.Rows("LockPermissions"))
		}
	}
	if r := row(t, pkg, "MsiLockPermissionsEx", "f1"); fmt.Sprint(r) != "[f1 f1 File O:AOG:DAD:(A;;GA;;;S-1-0-0) <nil>]" {
		t.Errorf("PermissionEx without Id: %v", r)
	}
	if r := row(t, pkg, "MsiLockPermissionsEx", "pe2"); fmt.Sprint(r) != "[pe2 f2 File D:(A;;GR;;;WD) 0=0]" {
		t.Errorf("PermissionEx with Condition: %v", r)
	}
}

func TestPermissionErrors(t *testing.T) {
	for name, c := range map[string]struct{ perm, want string }{
		"no user":      {`<Permission Read="yes"/>`, "Product.wxs:11: <Permission>: User is required"},
		"generic read": {`<Permission User="u" GenericRead="yes"/>`, "GenericRead alone"},
		"file right":   {`<Permission User="u" Execute="yes"/>`, "attribute Execute is not a right of a Permission in a CreateFolder"},
		"bad value":    {`<Permission User="u" Read="maybe"/>`, `Read`},
		"no sddl":      {`<PermissionEx Id="p"/>`, "Sddl is required"},
	} {
		body := `<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555"><CreateFolder>` + c.perm + `</CreateFolder></Component></DirectoryRef>`
		_, err := compileSources(t, product(body, `<ComponentRef Id="C"/>`))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
