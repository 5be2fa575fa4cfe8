package winetest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCountPathEntry(t *testing.T) {
	path := `%SystemRoot%\system32; C:\Tools\Go\bin\ ;c:\tools\go\BIN;;C:\Tools\Go\binary`
	for want, n := range map[string]int{`C:\Tools\Go\bin`: 2, `C:\Tools\Go\bin\`: 2, `%systemroot%\System32`: 1, `C:\Tools\Go`: 0, ``: 0} {
		if got := CountPathEntry(path, want); got != n {
			t.Errorf("CountPathEntry(%q) = %d, want %d", want, got, n)
		}
	}
}

// TestProducts reads reg query /s output as Wine prints it: entries whose
// DisplayName has the prefix, by product code, with their values.
func TestProducts(t *testing.T) {
	p := fakeWine(t, 0, "")
	out := "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{A}\r\n" +
		"    DisplayName    REG_SZ    Go Programming Language amd64 go1.26.8\r\n" +
		"    InstallLocation    REG_SZ    C:\\Program Files\\Go\\\r\n" +
		"    NoModify    REG_DWORD    0x1\r\n\r\n" +
		"HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{B}\r\n" +
		"    DisplayName    REG_SZ    Other Program\r\n\r\n" +
		"HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{C}\r\n" +
		"    DisplayName    REG_SZ    Go Programming Language 386 go1.26.8\r\n"
	script := "#!/bin/sh\ncat \"$(dirname \"$0\")/out.txt\"\n"
	if err := os.WriteFile(filepath.Join(p.Dir, "out.txt"), []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.wine, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	got := p.Products("Go Programming Language")
	if len(got) != 2 || got["{A}"]["InstallLocation"] != `C:\Program Files\Go\` || got["{A}"]["NoModify"] != "0x1" ||
		got["{C}"]["DisplayName"] != "Go Programming Language 386 go1.26.8" {
		t.Errorf("Products = %v", got)
	}
}
