package compile

import (
	"fmt"
	"strings"
	"testing"
)

// TestSearchesAsWiX: the locator rows WiX v3 writes for each search
// (Compiler.cs ParseDirectorySearchElement, ParseFileSearchElement,
// ParseComponentSearchElement, ParseIniFileSearchElement).
func TestSearchesAsWiX(t *testing.T) {
	pkg := mustCompile(t, product(comp+`
    <Property Id="APPDIR"><DirectorySearch Id="dsApp" Path="[ProgramFilesFolder]App" Depth="0"/></Property>
    <Property Id="TOOLEXE"><DirectorySearch Id="dsTools" Path="C:\Tools"><DirectorySearch Id="dsBin" Path="bin"><FileSearch Id="fsTool" Name="tool.exe" MinVersion="1.0" MinSize="10" MinDate="2001-02-03T04:05:06"/></DirectorySearch></DirectorySearch></Property>
    <Property Id="CONFDIR"><DirectorySearch Id="dsConf" Path="[WindowsFolder]" AssignToProperty="yes"><FileSearch Id="fsConf" Name="my config.ini"/></DirectorySearch></Property>
    <Property Id="OTHERBIN"><DirectorySearchRef Id="dsTools" Parent="" Path="C:\Tools"><DirectorySearch Id="dsLib" Path="lib"/></DirectorySearchRef></Property>
    <Property Id="COMPFILE"><ComponentSearch Id="csOld" Guid="6e1d51c0-2f4a-4c4b-9e0b-5b8e7f6a1c01"/></Property>
    <Property Id="COMPDIR"><ComponentSearch Id="csDir" Guid="6e1d51c0-2f4a-4c4b-9e0b-5b8e7f6a1c02" Type="directory"><FileSearch Id="fsIn" Name="x.dll"/></ComponentSearch></Property>
    <Property Id="INIVAL"><IniFileSearch Id="ini1" Name="settings file.ini" Section="Main" Key="Path" Field="2" Type="raw"/></Property>
    <Property Id="REGFILE"><RegistrySearch Id="rs1" Root="HKLM" Key="Software\App" Name="Exe" Type="file" Win64="no"><FileSearch Id="fsReg" Name="app.exe"/></RegistrySearch></Property>
    <Property Id="AGAIN"><RegistrySearchRef Id="fsReg"/></Property>`,
		`<ComponentRef Id="C"/>`))
	rows := func(table string) string { return fmt.Sprint(pkg.Tables.Rows(table)) }
	for table, want := range map[string]string{
		"AppSearch": "[[APPDIR dsApp] [TOOLEXE fsTool] [CONFDIR dsConf] [OTHERBIN dsLib] [COMPFILE csOld] [COMPDIR fsIn] [INIVAL ini1] [REGFILE fsReg] [AGAIN fsReg]]",
		// dsBin's FileSearch has its own Id: a DrLocator row ties it to
		// dsBin. With AssignToProperty WiX swaps the keys: the path's row
		// is keyed by the file, the directory's row has the file as parent,
		// and AppSearch reads the directory.
		"DrLocator": `[[dsApp <nil> [ProgramFilesFolder]App 0] [fsTool dsBin <nil> <nil>] [dsBin dsTools bin <nil>] [dsTools <nil> C:\Tools <nil>] [dsConf fsConf <nil> <nil>] [fsConf <nil> [WindowsFolder] <nil>] [dsLib dsTools lib <nil>] [fsIn csDir <nil> <nil>] [fsReg rs1 <nil> <nil>]]`,
		// MinDate 2001-02-03T04:05:06: ((21*512 + 2*32 + 3) * 65536) + 4*2048 + 5*32 + 6/2.
		"Signature":   "[[fsTool tool.exe 1.0 <nil> 10 <nil> 709042339 <nil> <nil>] [fsConf my config.ini <nil> <nil> <nil> <nil> <nil> <nil> <nil>] [fsIn x.dll <nil> <nil> <nil> <nil> <nil> <nil> <nil>] [fsReg app.exe <nil> <nil> <nil> <nil> <nil> <nil> <nil>]]",
		"CompLocator": "[[csOld {6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C01} 1] [fsIn {6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C02} 0]]",
		"IniLocator":  "[[ini1 SETTIN~1.INI|settings file.ini Main Path 2 2]]",
		"RegLocator":  `[[fsReg 2 Software\App Exe 1]]`,
	} {
		if got := rows(table); got != want {
			t.Errorf("%s:\n got %s\nwant %s", table, rows(table), want)
		}
	}
	for _, seq := range []string{"InstallExecuteSequence", "InstallUISequence"} {
		if seqOf(t, pkg, seq, "AppSearch") != 50 {
			t.Errorf("AppSearch not at 50 in %s", seq)
		}
	}
}

func TestSearchErrors(t *testing.T) {
	for name, c := range map[string]struct{ body, want string }{
		"lower-case property": {`<Property Id="found"><DirectorySearch Id="d" Path="C:\x"/></Property>`, "property found is set by a search, so its Id must be upper-case"},
		"two searches":        {`<Property Id="P"><DirectorySearch Id="d" Path="C:\x"><DirectorySearch Id="e" Path="a"/><DirectorySearch Id="f" Path="b"/></DirectorySearch></Property>`, "DirectorySearch holds one search element at most"},
		"missing ref":         {`<Property Id="P"><DirectorySearchRef Id="nope" Path="x"/></Property>`, `no DirectorySearch with Id, parent and Path "nope, , x" is defined`},
		"assign without file": {`<Property Id="P"><DirectorySearch Id="d" Path="C:\x" AssignToProperty="yes"/></Property>`, "AssignToProperty=\"yes\" needs a FileSearch"},
		"bad date":            {`<Property Id="P"><DirectorySearch Id="d" Path="C:\x"><FileSearch Id="f" Name="a" MinDate="yesterday"/></DirectorySearch></Property>`, `MinDate "yesterday"`},
		"file search ref":     {`<Property Id="P"><DirectorySearch Id="d" Path="C:\x"><FileSearchRef Id="f"/></DirectorySearch></Property>`, "element FileSearchRef is not supported by the native toolset; WiX v3 and v4 compile it"},
	} {
		_, err := compileSources(t, product(comp+c.body, `<ComponentRef Id="C"/>`))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Product.wxs:1") {
			t.Errorf("%s: %v, want %q with a position", name, err, c.want)
		}
	}
}
