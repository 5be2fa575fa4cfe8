package launch

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/diagnose"
	"github.com/gomsi/gomsi/setup/payload/payloadtest"
)

// fakeSystem is a Windows with folders in a temporary directory.
type fakeSystem struct {
	t         *testing.T
	exe       string
	elevated  bool
	env       map[string]string
	busy      bool
	service   ServiceState
	policy    map[string]uint32
	relaunch  func(args []string) (int, error)
	msiexec   func(exe, cmdline string, env []string) int
	removeErr error

	relaunched [][]string
	ran        []string // command lines
	ranEnv     []string
	privates   []string
	printed    []string
	alerts     []string
}

const msiBytes = "the MSI of go1.26.8"

func newFake(t *testing.T) *fakeSystem {
	root := t.TempDir()
	mk := func(p ...string) string {
		d := filepath.Join(append([]string{root}, p...)...)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	exe := filepath.Join(root, "go1.26.8.windows-amd64-setup.exe")
	if err := os.WriteFile(exe, payloadtest.Exe(t, []byte(msiBytes)), 0o755); err != nil {
		t.Fatal(err)
	}
	windir := mk("Windows")
	mk("Windows", "Installer")
	mk("Windows", "Temp")
	mk("Windows", "System32")
	return &fakeSystem{
		t: t, exe: exe, elevated: true,
		env: map[string]string{
			"WINDIR": windir, "ProgramData": mk("ProgramData"), "LOCALAPPDATA": mk("Users", "u", "AppData", "Local"),
			"TEMP": mk("Users", "u", "Temp"), "TMP": mk("Users", "u", "Temp"), "PATH": `C:\Windows`,
		},
		msiexec: func(string, string, []string) int { return 0 },
	}
}

func (f *fakeSystem) Executable() (string, error) { return f.exe, nil }
func (f *fakeSystem) Elevated() (bool, error)     { return f.elevated, nil }
func (f *fakeSystem) RelaunchElevated(args []string) (int, error) {
	f.relaunched = append(f.relaunched, args)
	return f.relaunch(args)
}
func (f *fakeSystem) Getenv(k string) string { return f.env[k] }
func (f *fakeSystem) Environ() []string {
	var env []string
	for k, v := range f.env {
		env = append(env, k+"="+v)
	}
	slices.Sort(env)
	return env
}
func (f *fakeSystem) InstallRunning(time.Duration) (bool, error) { return f.busy, nil }
func (f *fakeSystem) InstallerService() (ServiceState, error)    { return f.service, nil }
func (f *fakeSystem) Policy(name string) (uint32, bool, error) {
	v, ok := f.policy[name]
	return v, ok, nil
}
func (f *fakeSystem) MakePrivateDir(parent string) (string, error) {
	d, err := os.MkdirTemp(parent, "gomsi-")
	f.privates = append(f.privates, d)
	return d, err
}
func (f *fakeSystem) RemoveAll(dir string) error {
	if f.removeErr != nil {
		return f.removeErr
	}
	return os.RemoveAll(dir)
}
func (f *fakeSystem) Run(exe, cmdline string, env []string) (int, error) {
	f.ran = append(f.ran, cmdline)
	f.ranEnv = env
	return f.msiexec(exe, cmdline, env), nil
}
func (f *fakeSystem) Print(text string) { f.printed = append(f.printed, text) }
func (f *fakeSystem) Alert(title, text string, quiet bool) {
	if !quiet {
		f.alerts = append(f.alerts, text)
	}
}
func (f *fakeSystem) Now() time.Time { return time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC) }

var machine = Package{Name: "go1.26.8.windows-amd64.msi", Scope: PerMachine}

func (f *fakeSystem) output() string { return strings.Join(f.printed, "\n") }

// TestElevation: a per-machine package relaunches itself elevated when it
// is not, passes the user's arguments on, and reports what the elevated
// copy said; a declined prompt is 1602 with a message; the elevated copy
// never relaunches again; a per-user package never asks.
func TestElevation(t *testing.T) {
	t.Run("relaunch", func(t *testing.T) {
		f := newFake(t)
		f.elevated = false
		f.relaunch = func(args []string) (int, error) {
			var result string
			for _, a := range args {
				result, _ = strings.CutPrefix(a, optResult)
				if result != "" {
					break
				}
			}
			child := newFake(t)
			child.msiexec = func(string, string, []string) int { return 1603 }
			code := Run(child, machine, args)
			if _, err := os.Stat(result); err != nil {
				t.Errorf("the elevated copy wrote no result file: %v", err)
			}
			if len(child.printed) != 0 || len(child.alerts) != 0 {
				t.Errorf("the elevated copy printed %q and alerted %q itself", child.printed, child.alerts)
			}
			return code & 0xff, nil // as Wine cuts it: the result file holds the full code
		}
		code := Run(f, machine, []string{"/qn", "INSTALLDIR=D:\\Go"})
		if code != 1603 {
			t.Errorf("exit code %d, want the elevated msiexec's 1603", code)
		}
		if len(f.relaunched) != 1 || !slices.Contains(f.relaunched[0], optElevated) || !slices.Contains(f.relaunched[0], "INSTALLDIR=D:\\Go") {
			t.Errorf("relaunched with %q", f.relaunched)
		}
		if len(f.ran) != 0 {
			t.Errorf("the unelevated setup ran msiexec itself: %q", f.ran)
		}
		if !strings.Contains(f.output(), "msiexec failed with exit code 1603") {
			t.Errorf("the elevated copy's report was not printed:\n%s", f.output())
		}
	})
	t.Run("declined", func(t *testing.T) {
		f := newFake(t)
		f.elevated = false
		f.relaunch = func([]string) (int, error) { return 0, ErrDeclined }
		if code := Run(f, machine, nil); code != ExitUserExit {
			t.Errorf("exit code %d, want 1602", code)
		}
		if len(f.alerts) != 1 || !strings.Contains(f.alerts[0], "administrator prompt was declined") {
			t.Errorf("alerts %q", f.alerts)
		}
	})
	t.Run("no second relaunch", func(t *testing.T) {
		f := newFake(t)
		f.elevated = false
		if code := Run(f, machine, []string{optElevated, optResult + filepath.Join(t.TempDir(), "r")}); code != ExitElevation {
			t.Errorf("exit code %d, want 740", code)
		}
		if len(f.relaunched) != 0 {
			t.Errorf("relaunched again: %q", f.relaunched)
		}
	})
	t.Run("per user", func(t *testing.T) {
		f := newFake(t)
		f.elevated = false
		if code := Run(f, Package{Name: machine.Name, Scope: PerUser}, nil); code != 0 {
			t.Errorf("exit code %d: %s", code, f.output())
		}
		if len(f.relaunched) != 0 || len(f.ran) != 1 {
			t.Errorf("relaunched %q, ran %q", f.relaunched, f.ran)
		}
	})
}

// TestPreflight: each broken prerequisite stops the setup before msiexec
// with its own exit code and a message naming it; a broken user TEMP only
// warns, because msiexec gets a private one.
func TestPreflight(t *testing.T) {
	cases := []struct {
		name  string
		setup func(f *fakeSystem)
		code  int
		says  string
	}{
		{"DisableMSI=2", func(f *fakeSystem) { f.policy = map[string]uint32{"DisableMSI": 2} }, ExitPolicy, "DisableMSI=2"},
		{"DisableMSI=1 per user", func(f *fakeSystem) { f.policy = map[string]uint32{"DisableMSI": 1}; f.elevated = false }, ExitPolicy, "DisableMSI=1"},
		{"service missing", func(f *fakeSystem) { f.service = ServiceMissing }, ExitServiceFailure, "not registered"},
		{"service disabled", func(f *fakeSystem) { f.service = ServiceDisabled }, ExitServiceFailure, "sc config msiserver start= demand"},
		{"another install", func(f *fakeSystem) { f.busy = true }, ExitAlreadyRunning, "another installation is running"},
		{"Installer is a file", func(f *fakeSystem) { replaceWithFile(f.t, filepath.Join(f.env["WINDIR"], "Installer")) }, ExitAccessDenied, `Installer, where Windows Installer keeps`},
		{"Installer missing", func(f *fakeSystem) { os.RemoveAll(filepath.Join(f.env["WINDIR"], "Installer")) }, 0, "installed"},
		{"Windows Temp is a file", func(f *fakeSystem) { replaceWithFile(f.t, filepath.Join(f.env["WINDIR"], "Temp")) }, ExitTempUnwritable, "it is a file, not a folder"},
		{"Windows Temp missing", func(f *fakeSystem) { os.RemoveAll(filepath.Join(f.env["WINDIR"], "Temp")) }, ExitTempUnwritable, "errors 2502 and 2503"},
		{"user TEMP missing", func(f *fakeSystem) { f.env["TEMP"] = filepath.Join(f.env["TEMP"], "gone") }, 0, "your TEMP"},
		{"user TMP is a file", func(f *fakeSystem) { f.env["TMP"] = f.exe }, 0, "your TMP"},
		{"DisableMSI=1 elevated", func(f *fakeSystem) { f.policy = map[string]uint32{"DisableMSI": 1} }, 0, "installed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t)
			c.setup(f)
			pkg := machine
			if !f.elevated {
				pkg.Scope = PerUser
			}
			code := Run(f, pkg, nil)
			if code != c.code {
				t.Errorf("exit code %d, want %d:\n%s", code, c.code, f.output())
			}
			if !strings.Contains(f.output(), c.says) {
				t.Errorf("output does not say %q:\n%s", c.says, f.output())
			}
			if c.code != 0 && len(f.ran) != 0 {
				t.Errorf("msiexec ran: %q", f.ran)
			}
			if c.code == 0 && len(f.ran) != 1 {
				t.Errorf("msiexec did not run once: %q", f.ran)
			}
		})
	}
}

func replaceWithFile(t *testing.T, dir string) {
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInstall: msiexec gets the extracted MSI (whole, in a private folder
// under the Windows Temp), a verbose log under ProgramData, the user's
// arguments with msiexec's quoting, TEMP and TMP set to the private
// folder; the private folder is gone afterwards, success or not.
func TestInstall(t *testing.T) {
	for _, code := range []int{0, 1603} {
		f := newFake(t)
		var sawMSI string
		f.msiexec = func(exe, cmdline string, env []string) int {
			if exe != filepath.Join(f.env["WINDIR"], "System32", "msiexec.exe") {
				t.Errorf("ran %s", exe)
			}
			msi := filepath.Join(f.privates[0], machine.Name)
			b, _ := os.ReadFile(msi)
			sawMSI = string(b)
			return code
		}
		got := Run(f, machine, []string{"/qn", `INSTALLDIR=D:\My Tools\Go`, `--gomsi-wait=5`})
		if got != code {
			t.Errorf("exit %d, want msiexec's %d", got, code)
		}
		if sawMSI != msiBytes {
			t.Errorf("msiexec saw MSI %q", sawMSI)
		}
		if len(f.privates) != 1 || filepath.Dir(f.privates[0]) != filepath.Join(f.env["WINDIR"], "Temp") {
			t.Fatalf("private folders %q", f.privates)
		}
		if _, err := os.Stat(f.privates[0]); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("exit %d: the private folder is still there: %v", code, err)
		}
		logDir := filepath.Join(f.env["ProgramData"], "gomsi", "logs")
		log := filepath.Join(logDir, "go1.26.8.windows-amd64-20260901-120000.log")
		want := CommandLine(filepath.Join(f.env["WINDIR"], "System32", "msiexec.exe"),
			[]string{"/i", filepath.Join(f.privates[0], machine.Name), "/l*vx", log}) + ` /qn INSTALLDIR="D:\My Tools\Go"`
		if len(f.ran) != 1 || f.ran[0] != want {
			t.Errorf("command line\n%q, want\n%q", f.ran, want)
		}
		temps := 0
		for _, kv := range f.ranEnv {
			if kv == "TEMP="+f.privates[0] || kv == "TMP="+f.privates[0] {
				temps++
			} else if strings.HasPrefix(strings.ToUpper(kv), "TEMP=") || strings.HasPrefix(strings.ToUpper(kv), "TMP=") {
				t.Errorf("msiexec's environment still has %s", kv)
			}
		}
		if temps != 2 {
			t.Errorf("TEMP and TMP not set to the private folder: %q", f.ranEnv)
		}
		if !strings.Contains(f.output(), log) {
			t.Errorf("the log path is not said:\n%s", f.output())
		}
	}
}

// TestPrivateDirFallback: without a usable Windows Temp... the order is
// SystemTemp first when it exists.
func TestPrivateDirOrder(t *testing.T) {
	f := newFake(t)
	os.MkdirAll(filepath.Join(f.env["WINDIR"], "SystemTemp"), 0o755)
	Run(f, machine, nil)
	if len(f.privates) != 1 || filepath.Dir(f.privates[0]) != filepath.Join(f.env["WINDIR"], "SystemTemp") {
		t.Errorf("private folders %q, want one in SystemTemp", f.privates)
	}
}

// TestDamagedPayload: an MSI that does not match its recorded hash is
// never given to msiexec.
func TestDamagedPayload(t *testing.T) {
	f := newFake(t)
	b, _ := os.ReadFile(f.exe)
	i := strings.Index(string(b), msiBytes)
	b[i] ^= 1
	os.WriteFile(f.exe, b, 0o755)
	if code := Run(f, machine, nil); code != ExitPackageInvalid {
		t.Errorf("exit %d, want 1620", code)
	}
	if len(f.ran) != 0 || !strings.Contains(f.output(), "is damaged") {
		t.Errorf("ran %q; said:\n%s", f.ran, f.output())
	}
}

// TestFailureIsDiagnosed: a failing msiexec's log is diagnosed and the
// diagnosis shown with the log path, in a message box when there is no
// console, and not at all with /qn and no console.
func TestFailureIsDiagnosed(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		f := newFake(t)
		f.msiexec = func(exe, cmdline string, env []string) int {
			i := strings.Index(cmdline, "/l*vx ")
			log := strings.Fields(cmdline[i+6:])[0]
			os.WriteFile(log, []byte(windowsLog), 0o644)
			return 1603
		}
		var args []string
		if quiet {
			args = []string{"/qn"}
		}
		if code := Run(f, machine, args); code != 1603 {
			t.Errorf("exit %d", code)
		}
		out := f.output()
		for _, want := range []string{"failing action: InstallFiles", "error:          1310", "The log is " + f.env["ProgramData"]} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if quiet != (len(f.alerts) == 0) {
			t.Errorf("quiet %v: alerts %q", quiet, f.alerts)
		}
	}
}

// windowsLog is the end of a Windows verbose log of a failed install.
const windowsLog = "=== Verbose logging started: 01/09/2026  12:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n" +
	"Action start 12:00:01: InstallFiles.\r\n" +
	"MSI (s) (A0:C8) [12:00:01:152]: Product: Go Programming Language amd64 go1.26.8 -- Error 1310. Error writing to file: C:\\Program Files\\Go\\bin\\go.exe. Verify that you have access to that directory.\r\n" +
	"Error 1310. Error writing to file: C:\\Program Files\\Go\\bin\\go.exe. Verify that you have access to that directory.\r\n" +
	"Action ended 12:00:02: InstallFiles. Return value 3.\r\n" +
	"Action ended 12:00:02: INSTALL. Return value 3.\r\n" +
	"MSI (s) (A0:C8) [12:00:02:000]: MainEngineThread is returning 1603\r\n"

// TestResultFile: the result file holds the full exit code and never
// overwrites a file.
func TestResultFile(t *testing.T) {
	f := newFake(t)
	f.msiexec = func(string, string, []string) int { return 1603 }
	path := filepath.Join(t.TempDir(), "result")
	Run(f, machine, []string{optResult + path})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseResult(data)
	if err != nil || r.Code != 1603 || !strings.Contains(r.Text, "msiexec failed") || r.Log == "" {
		t.Errorf("result %+v, %v", r, err)
	}
	f = newFake(t)
	os.WriteFile(path, []byte("keep me"), 0o644)
	Run(f, machine, []string{optResult + path})
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Errorf("the result file overwrote an existing file: %q", b)
	}
}

// TestCommandLine: msiexec's quoting of properties and paths.
func TestCommandLine(t *testing.T) {
	for _, c := range []struct{ arg, want string }{
		{"/qn", "/qn"},
		{`INSTALLDIR=D:\My Go`, `INSTALLDIR="D:\My Go"`},
		{`NOTE=say "hi"`, `NOTE="say ""hi"""`},
		{`C:\Users\A B\go.log`, `"C:\Users\A B\go.log"`},
		{"", `""`},
		{"1X=a b", `"1X=a b"`},
	} {
		if got := quoteMsiexec(c.arg); got != c.want {
			t.Errorf("quote %q = %s, want %s", c.arg, got, c.want)
		}
	}
}

// TestArgs: options, quiet flags and a user's own log.
func TestArgs(t *testing.T) {
	o, err := ParseArgs([]string{"/QN", "--gomsi-wait=0", "/L*V", "my.log", "A=1"})
	if err != nil || o.Wait != 0 || !o.Quiet() || o.userLog() != "my.log" || !slices.Equal(o.Msiexec, []string{"/QN", "/L*V", "my.log", "A=1"}) {
		t.Errorf("%+v, %v", o, err)
	}
	for _, bad := range []string{"--gomsi-wait=x", "--gomsi-wait=-1", "--gomsi-result=", "--gomsi-other"} {
		if _, err := ParseArgs([]string{bad}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if o, _ := ParseArgs([]string{"/lang", "1033"}); o.userLog() != "" || o.Quiet() {
		t.Errorf("/lang taken for a log or quiet")
	}
}

// TestDiagnosisOf2502 is what the setup shows for errors 2502 and 2503:
// run the setup (or msiexec elevated or as SYSTEM) and how to check and
// repair C:\Windows\Temp.
func TestDiagnosisOf2502(t *testing.T) {
	for _, code := range []int{2502, 2503} {
		k, ok := diagnose.Lookup(code)
		for _, want := range []string{"-setup.exe", "elevated prompt", "SYSTEM", `icacls C:\Windows\Temp`, "not a file"} {
			if !ok || !strings.Contains(k.Fix, want) {
				t.Errorf("%d's fix lacks %q: %s", code, want, k.Fix)
			}
		}
		if strings.Contains(k.Fix, "pinned") {
			t.Errorf("%d's fix still credits the TempFolder pin: %s", code, k.Fix)
		}
	}
}

// TestCleanupFailureIsReported: a private folder that cannot be removed
// is named in the report (and the result file), and msiexec's code stays.
func TestCleanupFailureIsReported(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the bounded retries")
	}
	f := newFake(t)
	f.removeErr = errors.New("Invalid function")
	path := filepath.Join(t.TempDir(), "result")
	if code := Run(f, machine, []string{optResult + path}); code != 0 {
		t.Errorf("exit %d", code)
	}
	data, _ := os.ReadFile(path)
	if r, _ := ParseResult(data); !strings.Contains(r.Text, "could not remove "+f.privates[0]+": Invalid function") {
		t.Errorf("the report does not name the folder left:\n%s", r.Text)
	}
}
