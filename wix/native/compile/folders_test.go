package compile

import "testing"

// TestComponentKeyPathCreatesFolder: a Component marked KeyPath="yes" gets
// a CreateFolder row for its directory, once, as in WiX v3.
func TestComponentKeyPathCreatesFolder(t *testing.T) {
	pkg := mustCompile(t, product(`<DirectoryRef Id="INSTALLDIR">
		<Component Id="C" Guid="11111111-2222-3333-4444-555555555555" KeyPath="yes"/>
		<Component Id="D" Guid="11111111-2222-3333-4444-555555555556" KeyPath="yes"><CreateFolder/></Component>
		<Component Id="E" Guid="11111111-2222-3333-4444-555555555557"><CreateFolder Directory="TARGETDIR"/></Component>
	</DirectoryRef>`, `<ComponentRef Id="C"/><ComponentRef Id="D"/><ComponentRef Id="E"/>`))
	got := map[string]int{}
	for _, r := range pkg.Tables.Rows("CreateFolder") {
		got[r[1].(string)+" "+r[0].(string)]++
	}
	want := map[string]int{"C INSTALLDIR": 1, "D INSTALLDIR": 1, "E TARGETDIR": 1}
	if len(got) != len(want) {
		t.Errorf("CreateFolder rows %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("CreateFolder %s: %d rows, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if seqOf(t, pkg, "InstallExecuteSequence", "CreateFolders") != 3700 {
		t.Error("CreateFolders not scheduled at 3700")
	}
}
