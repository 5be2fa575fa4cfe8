package compile

import (
	"strings"
	"testing"
)

// TestSequencingAsWiX: relative actions numbered as WiX v3's linker does
// (Linker.cs SequenceActions): trees flattened in order around their
// absolute anchors, missing standard anchors added with their suggested
// numbers and conditions, SetProperty and SetDirectory actions.
func TestSequencingAsWiX(t *testing.T) {
	pkg := mustCompile(t, product(comp+`
    <CustomAction Id="A" Property="X" Value="1"/>
    <CustomAction Id="B" Property="Y" Value="2"/>
    <CustomAction Id="D" Property="Z" Value="3"/>
    <CustomAction Id="E" Property="W" Value="4"/>
    <SetProperty Id="P1" Value="[INSTALLDIR]" After="A" Sequence="execute">NOT Installed</SetProperty>
    <SetProperty Id="P2" Value="x" Before="SetP1" Sequence="execute"/>
    <SetDirectory Id="INSTALLDIR" Value="[ProgramFiles64Folder]Other" Sequence="first"/>
    <InstallExecuteSequence>
      <Custom Action="A" After="InstallFiles"/>
      <Custom Action="B" Before="A"/>
      <Custom Action="D" After="StartServices"/>
      <Custom Action="E" After="InstallExecute"/>
      <RemoveExistingProducts After="InstallInitialize"/>
      <ScheduleReboot After="InstallFinalize">REBOOT</ScheduleReboot>
      <InstallValidate Sequence="1390"/>
      <RegisterUser Suppress="yes"/>
      <CreateFolders>MAKE_FOLDERS</CreateFolders>
    </InstallExecuteSequence>`, `<ComponentRef Id="C"/>`))
	// InstallFiles at 4000: B before A, then A, then A's After tree: P2
	// (Before P1), P1.
	want := map[string]int{"B": 4001, "A": 4002, "SetP2": 4003, "SetP1": 4004,
		"StartServices": 5900, "D": 5901, "InstallExecute": 6500, "E": 6501,
		"RemoveExistingProducts": 1501, "ScheduleReboot": 6601, "InstallValidate": 1390,
		"SetINSTALLDIR": 801}
	for a, n := range want {
		if got := seqOf(t, pkg, "InstallExecuteSequence", a); got != n {
			t.Errorf("%s at %d, want %d", a, got, n)
		}
	}
	if hasRow(pkg, "InstallExecuteSequence", "RegisterUser") {
		t.Errorf("RegisterUser suppressed but written")
	}
	// An authored standard action is written even without rows in its
	// tables, at its suggested number, with the authored condition.
	if r := row(t, pkg, "InstallExecuteSequence", "CreateFolders"); r[1] != "MAKE_FOLDERS" || r[2] != 3700 {
		t.Errorf("authored CreateFolders %v", r)
	}
	for a, cond := range map[string]any{"StartServices": "VersionNT", "InstallExecute": "NOT Installed", "SetP1": "NOT Installed", "ScheduleReboot": "REBOOT", "A": nil} {
		if got := row(t, pkg, "InstallExecuteSequence", a)[1]; got != cond {
			t.Errorf("%s condition %v, want %v", a, got, cond)
		}
	}
	if seqOf(t, pkg, "InstallUISequence", "SetINSTALLDIR") != 801 || hasRow(pkg, "InstallUISequence", "SetP1") {
		t.Errorf("UI sequence: %v", pkg.Tables.Rows("InstallUISequence"))
	}
	if r := row(t, pkg, "CustomAction", "SetINSTALLDIR"); r[1] != 51|0x100 || r[2] != "INSTALLDIR" || r[3] != "[ProgramFiles64Folder]Other" {
		t.Errorf("SetDirectory action %v", r)
	}
	if r := row(t, pkg, "CustomAction", "SetP1"); r[1] != 51 || r[2] != "P1" {
		t.Errorf("SetProperty action %v", r)
	}
}

func TestSequencingErrorsAsWiX(t *testing.T) {
	for name, c := range map[string]struct{ body, want string }{
		"standard action moved relatively": {`<InstallExecuteSequence><InstallFiles After="CostFinalize"/></InstallExecuteSequence>`,
			"<InstallFiles>: attribute After"},
		"custom without schedule": {`<CustomAction Id="A" Property="X" Value="1"/><InstallExecuteSequence><Custom Action="A"/></InstallExecuteSequence>`,
			"A needs Sequence, After or Before"},
		"sequence out of range": {`<CustomAction Id="A" Property="X" Value="1"/><InstallExecuteSequence><Custom Action="A" Sequence="0"/></InstallExecuteSequence>`,
			`Sequence "0": want a number from 1 to 32767`},
		"unknown anchor": {`<CustomAction Id="A" Property="X" Value="1"/><InstallExecuteSequence><Custom Action="A" After="InstallAdminPackage"/></InstallExecuteSequence>`,
			"scheduled relative to InstallAdminPackage, which is not in that sequence"},
		"relative to exit": {`<CustomAction Id="A" Property="X" Value="1"/><CustomAction Id="B" Property="X" Value="1"/>
			<InstallExecuteSequence><Custom Action="A" OnExit="success"/><Custom Action="B" After="A"/></InstallExecuteSequence>`,
			"B in InstallExecuteSequence is scheduled relative to A, which runs on exit"},
		"set directory without value": {`<SetDirectory Id="INSTALLDIR"/>`, "Value is required"},
		"set property both anchors":   {`<SetProperty Id="P" Value="1" After="CostFinalize" Before="InstallValidate"/>`, "give exactly one of After and Before"},
		"neighbours collide": {`<CustomAction Id="A" Property="X" Value="1"/><CustomAction Id="B" Property="X" Value="1"/>
			<InstallExecuteSequence><Custom Action="A" After="InstallValidate"/><Custom Action="B" Before="InstallInitialize"/>
			<InstallInitialize Sequence="1402"/></InstallExecuteSequence>`, "B in InstallExecuteSequence Before InstallInitialize would take sequence 1401, which A has"},
	} {
		_, err := compileSources(t, product(comp+c.body, `<ComponentRef Id="C"/>`))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Product.wxs:1") {
			t.Errorf("%s: %v, want %q with a position", name, err, c.want)
		}
	}
}
