package native_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
)

const (
	systemEnvKey = `HKLM\System\CurrentControlSet\Control\Session Manager\Environment`
	userEnvKey   = `HKCU\Environment`
	machineState = `HKLM\Software\GoProgrammingLanguage`
)

// TestLifecycleUnderWine runs the installer's life with native packages
// in one Wine prefix (Windows 10): install an older version into a custom
// folder, upgrade to a newer one (which finds the folder itself and drops a
// file the new version no longer has), uninstall; the environment and the
// registry state follow, as in the installer's tests with other toolsets.
func TestLifecycleUnderWine(t *testing.T) {
	oldRoot := msitest.SmallTree(t, "go1.26.7")
	os.WriteFile(filepath.Join(oldRoot, "src", "old.go"), []byte("package old\n"), 0o644)
	newRoot := msitest.SmallTree(t, "go1.26.8")
	os.WriteFile(filepath.Join(newRoot, "src", "fmt", "print.go"), []byte("package fmt // 1.26.8\n"), 0o644)
	oldMSI := buildMSI(t, oldRoot, nil)
	newMSI := buildMSI(t, newRoot, nil)
	wine := win10(t)

	if log, err := wine.Msiexec("/i", oldMSI.MSI, "/qn", `INSTALLDIR=C:\Tools\Go`); err != nil {
		t.Fatalf("install go1.26.7: %v\n%s", err, msitest.Tail(log))
	}
	msitest.AssertSameFiles(t, wine.Path(`C:\Tools\Go`), oldRoot)
	path, _ := wine.RegQuery(systemEnvKey, "PATH")
	if n := countEntry(path, `C:\Tools\Go\bin`); n != 1 {
		t.Errorf("system PATH holds C:\\Tools\\Go\\bin %d times: %s", n, path)
	}
	if loc, _ := wine.RegQuery(machineState, "installLocation"); loc != `C:\Tools\Go\` {
		t.Errorf("HKLM installLocation = %q", loc)
	}
	if gopath, _ := wine.RegQuery(userEnvKey, "GOPATH"); gopath != `%USERPROFILE%\go` {
		t.Errorf("user GOPATH = %q", gopath)
	}

	if log, err := wine.Msiexec("/i", newMSI.MSI, "/qn"); err != nil {
		t.Fatalf("upgrade to go1.26.8: %v\n%s", err, msitest.Tail(log))
	}
	msitest.AssertSameFiles(t, wine.Path(`C:\Tools\Go`), newRoot)
	if _, err := os.Stat(wine.Path(`C:\Tools\Go\src\old.go`)); err == nil {
		t.Error("src/old.go, which go1.26.8 no longer has, survived the upgrade")
	}
	if _, err := os.Stat(wine.Path(`C:\Program Files\Go`)); err == nil {
		t.Error("the upgrade installed into C:\\Program Files\\Go instead of the remembered folder")
	}
	if v, _ := wine.RegQuery(machineState, "version"); v != "go1.26.8" {
		t.Errorf("HKLM version = %q after the upgrade", v)
	}
	path, _ = wine.RegQuery(systemEnvKey, "PATH")
	if n := countEntry(path, `C:\Tools\Go\bin`); n != 1 {
		t.Errorf("after the upgrade system PATH holds C:\\Tools\\Go\\bin %d times: %s", n, path)
	}

	if log, err := wine.Msiexec("/x", newMSI.MSI, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(wine.Path(`C:\Tools\Go`)); err == nil {
		t.Errorf("uninstall left C:\\Tools\\Go")
	}
	path, _ = wine.RegQuery(systemEnvKey, "PATH")
	if countEntry(path, `C:\Tools\Go\bin`) != 0 || !strings.Contains(strings.ToLower(path), `%systemroot%\system32`) {
		t.Errorf("system PATH after uninstall: %q", path)
	}
	if v, ok := wine.RegQuery(machineState, "installLocation"); ok {
		t.Errorf("uninstall left HKLM installLocation %q", v)
	}
	if v, ok := wine.RegQuery(userEnvKey, "GOPATH"); ok {
		t.Errorf("uninstall left GOPATH %q", v)
	}
}

// countEntry counts the ;-separated entries equal to want, ignoring case
// and a trailing backslash as Windows does.
func countEntry(path, want string) int {
	norm := func(s string) string { return strings.ToLower(strings.TrimRight(strings.TrimSpace(s), `\`)) }
	n := 0
	for _, e := range strings.Split(path, ";") {
		if norm(e) == norm(want) {
			n++
		}
	}
	return n
}
