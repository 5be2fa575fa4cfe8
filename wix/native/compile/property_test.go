package compile

import (
	"strings"
	"testing"
)

// TestPropertyListsAsWiX: Secure, Admin and Hidden properties are listed,
// sorted, in the properties WiX's linker writes; a deferred custom action
// with HideTarget hides its data property.
func TestPropertyListsAsWiX(t *testing.T) {
	pkg := mustCompile(t, product(comp+`
    <Property Id="ZED" Value="1" Secure="yes" Admin="yes"/>
    <Property Id="ALPHA" Secure="yes" Hidden="yes"><RegistrySearch Id="rs" Root="HKLM" Key="K" Type="raw"/></Property>
    <Property Id="PASSWORD" Hidden="yes"/>
    <CustomAction Id="Deferred" Property="X" Value="secret" Execute="deferred" HideTarget="yes"/>
    <CustomAction Id="Immediate" Property="Y" Value="1" HideTarget="yes"/>`, `<ComponentRef Id="C"/>`))
	for prop, want := range map[string]string{
		"SecureCustomProperties": "ALPHA;ZED",
		"AdminProperties":        "ZED",
		"MsiHiddenProperties":    "ALPHA;Deferred;PASSWORD",
	} {
		if got := row(t, pkg, "Property", prop)[1]; got != want {
			t.Errorf("%s = %v, want %s", prop, got, want)
		}
	}
	if hasRow(pkg, "Property", "PASSWORD") || hasRow(pkg, "Property", "ALPHA") {
		t.Errorf("properties without a value got rows")
	}
	_, err := compileSources(t, product(comp+`<Property Id="SecureCustomProperties" Value="A"/>`, `<ComponentRef Id="C"/>`))
	if err == nil || !strings.Contains(err.Error(), "SecureCustomProperties is written by the compiler") {
		t.Errorf("authored SecureCustomProperties: %v", err)
	}
}
