package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/internal/testing/winetest"
	"github.com/gomsi/gomsi/setup/launch"
)

// winPath is a host path as Wine's Z: drive shows it.
func winPath(p string) string {
	abs, _ := filepath.Abs(p)
	return "Z:" + strings.ReplaceAll(abs, "/", `\`)
}

// runSetup runs a setup exe in the prefix through cmd, with TEMP and TMP
// set to temp (Wine would set them from the registry otherwise), and
// returns the result file's content and the console output. The exit
// status under Wine keeps 8 bits; the result file has the full code.
func runSetup(t *testing.T, wine *winetest.Prefix, setupExe, temp string, args ...string) (launch.Result, string) {
	t.Helper()
	result := `C:\setup-result-` + strings.ReplaceAll(t.Name(), "/", "-") + `.txt`
	os.Remove(wine.Path(result))
	line := "set TEMP=" + temp + "&& set TMP=" + temp + "&& " + winPath(setupExe) + " --gomsi-result=" + result + " " + strings.Join(args, " ")
	out, _ := wine.Run(15*time.Minute, "cmd", "/c", line)
	data, err := os.ReadFile(wine.Path(result))
	if err != nil {
		t.Fatalf("the setup wrote no result: %v\noutput:\n%s", err, out)
	}
	r, err := launch.ParseResult(data)
	if err != nil {
		t.Fatal(err)
	}
	return r, string(out)
}

// TestSetupInstallsFixtureUnderWine installs the go1.26.8 package with its
// setup exe, with TEMP and TMP pointing at a folder that does not exist
// and then at a file: the files and the system PATH entry are there, the
// log is kept, the private TEMP is gone, and an uninstall leaves nothing.
func TestSetupInstallsFixtureUnderWine(t *testing.T) {
	zipPath := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	b := buildWith(t, zipPath, nil)
	if b.Setup == "" {
		t.Fatal("no setup exe built")
	}
	wine := winetest.NewWindows(t, "win10")
	wine.AddProcessPrng()
	if err := os.WriteFile(wine.Path(`C:\a-file`), []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	installDir := `C:\Program Files\Go`
	for _, temp := range []string{`C:\no\such\folder`, `C:\a-file`} {
		r, out := runSetup(t, wine, b.Setup, temp, "/qn")
		if r.Code != 0 {
			t.Fatalf("TEMP=%s: setup exit %d:\n%s\n%s", temp, r.Code, r.Text, out)
		}
		if !strings.Contains(r.Text, "your TEMP") || !strings.Contains(r.Text, "installed go1.26.8.windows-amd64.msi") {
			t.Errorf("TEMP=%s: the setup said:\n%s", temp, r.Text)
		}
		if !strings.HasPrefix(strings.ToLower(r.Log), `c:\programdata\gomsi\logs\`) {
			t.Errorf("log %q, want it under ProgramData", r.Log)
		} else if _, err := os.Stat(wine.Path(r.Log)); err != nil {
			t.Errorf("the log is gone: %v", err)
		}
		msitest.AssertSameFiles(t, wine.Path(installDir), b.Dist.Root)
		path, _ := wine.RegQuery(winetest.SystemEnvKey, "PATH")
		if winetest.CountPathEntry(path, installDir+`\bin`) != 1 {
			t.Errorf("system PATH = %q", path)
		}
		if left, _ := filepath.Glob(wine.Path(`C:\windows\temp\gomsi-*`)); len(left) != 0 {
			t.Errorf("private TEMP folders left: %q; the setup said:\n%s", left, r.Text)
		}
		if log, err := wine.Msiexec("/x", b.MSI, "/qn"); err != nil {
			t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
		}
		if _, err := os.Stat(wine.Path(installDir)); err == nil {
			t.Errorf("uninstall left %s", installDir)
		}
		path, _ = wine.RegQuery(winetest.SystemEnvKey, "PATH")
		if winetest.CountPathEntry(path, installDir+`\bin`) != 0 {
			t.Errorf("uninstall left PATH = %q", path)
		}
		if e := arpEntries(wine); len(e) != 0 {
			t.Errorf("uninstall left Apps and Features entries %v", e)
		}
		if _, ok := wine.RegQuery(winetest.MachineState, "InstallLocation"); ok {
			t.Errorf("uninstall left %s", winetest.MachineState)
		}
	}
}

// failingMsiexec stands in for msiexec.exe: it writes a verbose log as
// Windows does (UTF-16 with a byte order mark) where InstallFiles fails
// with error 1310, and exits 1603.
const failingMsiexec = `package main

import (
	"os"
	"strings"
	"unicode/utf16"
)

const log = "=== Verbose logging started: 01/09/2026  12:00:00  Build type: SHIP UNICODE 5.00.10011.00 ===\r\n" +
	"Action start 12:00:01: InstallFiles.\r\n" +
	"MSI (s) (A0:C8) [12:00:01:152]: Product: Go Programming Language amd64 go1.26.8 -- Error 1310. Error writing to file: C:\\Program Files\\Go\\bin\\go.exe. Verify that you have access to that directory.\r\n" +
	"Error 1310. Error writing to file: C:\\Program Files\\Go\\bin\\go.exe. Verify that you have access to that directory.\r\n" +
	"Action ended 12:00:02: InstallFiles. Return value 3.\r\n" +
	"Action ended 12:00:02: INSTALL. Return value 3.\r\n" +
	"MSI (s) (A0:C8) [12:00:02:000]: MainEngineThread is returning 1603\r\n"

func main() {
	args := os.Args[1:]
	for i, a := range args {
		if strings.HasPrefix(strings.ToLower(a), "/l") && i+1 < len(args) {
			u := utf16.Encode([]rune(log))
			b := []byte{0xFF, 0xFE}
			for _, c := range u {
				b = append(b, byte(c), byte(c>>8))
			}
			os.WriteFile(args[i+1], b, 0o644)
		}
	}
	os.Exit(1603)
}
`

// TestSetupExplainsFailureUnderWine puts a stand-in in place of
// msiexec.exe that fails with 1603: the setup exits 1603 (in full in its
// result file), and prints the diagnosis and the log path to the prompt.
func TestSetupExplainsFailureUnderWine(t *testing.T) {
	b := buildWith(t, msitest.SmallTree(t, "go1.26.8"), func(i *config.Installer) {})
	wine := winetest.NewWindows(t, "win10")
	wine.AddProcessPrng()
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "main.go"), []byte(failingMsiexec), 0o644)
	standIn := filepath.Join(src, "msiexec.exe")
	cmd := exec.Command("go", "build", "-trimpath", "-o", standIn, "main.go")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=", "GO111MODULE=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the msiexec stand-in: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(standIn)
	if err := os.WriteFile(wine.Path(`C:\windows\system32\msiexec.exe`), data, 0o755); err != nil {
		t.Fatal(err)
	}
	// Wine runs its builtin msiexec unless told to load the file.
	if out, err := wine.Reg("add", `HKCU\Software\Wine\DllOverrides`, "/v", "msiexec.exe", "/d", "native", "/f"); err != nil {
		t.Fatalf("reg add: %v: %s", err, out)
	}
	r, out := runSetup(t, wine, b.Setup, `C:\windows\temp`, "/qn")
	if r.Code != 1603 {
		t.Fatalf("setup exit %d, want 1603:\n%q\n%s", r.Code, r.Text, out)
	}
	for _, want := range []string{"msiexec failed with exit code 1603", "failing action: InstallFiles", "error:          1310", "The log is " + r.Log} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the setup's report lacks %q:\n%s", want, r.Text)
		}
		if !strings.Contains(out, want) {
			t.Errorf("the prompt did not show %q:\n%s", want, out)
		}
	}
}
