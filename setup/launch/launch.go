// Package launch is what a gomsi setup exe does: make sure it runs with the
// rights its package needs, check what Windows Installer needs before it
// starts, give msiexec a private TEMP and the MSI checked against the hash
// recorded when the exe was built, run it with a verbose log, explain a
// failure from that log, and exit with msiexec's code.
//
// Everything that touches Windows is behind System, so that the decisions
// are tested with fakes on any system; the launcher program holds the
// Windows implementation.
package launch

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gomsi/gomsi/diagnose"
	"github.com/gomsi/gomsi/setup/payload"
)

// Scope is the install scope of the carried package, fixed at build time.
type Scope string

// The scopes, as gomsi.yaml spells them.
const (
	PerMachine Scope = "perMachine"
	PerUser    Scope = "perUser"
)

// ServiceState is the state of the Windows Installer service (msiserver).
type ServiceState int

// Service states the launcher tells apart.
const (
	ServiceOK ServiceState = iota
	ServiceMissing
	ServiceDisabled
)

// ErrDeclined is returned by RelaunchElevated when the person answered No
// to the elevation prompt.
var ErrDeclined = errors.New("the elevation prompt was declined")

// System is what the launcher needs from Windows.
type System interface {
	// Executable is the path of the running setup exe.
	Executable() (string, error)
	// Elevated reports whether the process has a full administrator (or
	// SYSTEM) token.
	Elevated() (bool, error)
	// RelaunchElevated runs the setup exe again with args through the
	// elevation prompt ("runas"), waits, and returns its exit code.
	RelaunchElevated(args []string) (int, error)
	Getenv(key string) string
	Environ() []string
	// InstallRunning waits up to wait for the Global\_MSIExecute mutex and
	// reports whether another installation still holds it.
	InstallRunning(wait time.Duration) (bool, error)
	InstallerService() (ServiceState, error)
	// Policy reads a DWORD of HKLM\Software\Policies\Microsoft\Windows\Installer.
	Policy(name string) (value uint32, set bool, err error)
	// MakePrivateDir creates a new folder in parent that only SYSTEM,
	// Administrators and the current user can use.
	MakePrivateDir(parent string) (string, error)
	// RemoveAll removes a folder and what it holds.
	RemoveAll(dir string) error
	// Run runs exe with a command line (msiexec parses its own) and an
	// environment, waits, and returns its exit code.
	Run(exe, commandLine string, env []string) (int, error)
	// Print shows a line on the console the setup was started from, if any.
	Print(text string)
	// Alert shows a failure to a person when there is no console (a
	// message box); quiet is set when msiexec was asked for no UI.
	Alert(title, text string, quiet bool)
	Now() time.Time
}

// Exit codes of the launcher's own checks; every other code is msiexec's.
const (
	ExitSuccess          = 0
	ExitAccessDenied     = 5    // ERROR_ACCESS_DENIED: %WINDIR%\Installer is not writable
	ExitCannotMake       = 82   // ERROR_CANNOT_MAKE: no folder for the private TEMP
	ExitElevation        = 740  // ERROR_ELEVATION_REQUIRED
	ExitServiceFailure   = 1601 // ERROR_INSTALL_SERVICE_FAILURE: msiserver missing, disabled, msiexec not started
	ExitUserExit         = 1602 // ERROR_INSTALL_USEREXIT: the elevation prompt was declined
	ExitAlreadyRunning   = 1618 // ERROR_INSTALL_ALREADY_RUNNING
	ExitPackageInvalid   = 1620 // ERROR_INSTALL_PACKAGE_INVALID: the carried MSI is damaged
	ExitPolicy           = 1625 // ERROR_INSTALL_PACKAGE_REJECTED: DisableMSI
	ExitTempUnwritable   = 1632 // ERROR_INSTALL_TEMP_UNWRITABLE: %WINDIR%\Temp
	ExitBadCommandLine   = 1639 // ERROR_INVALID_COMMAND_LINE
	exitRebootInitiated  = 1641
	exitRebootRequired   = 3010
	maxLogRead           = 64 << 20 // the diagnosis reads at most this much of a log
	resultFilePermission = 0o600
)

// Package describes the MSI the setup carries.
type Package struct {
	Name  string // go1.26.8.windows-amd64.msi
	Scope Scope
}

// Result is what --gomsi-result receives.
type Result struct {
	Code int
	Log  string
	Text string // everything the setup said, in order
}

// resultHeader starts a result file. The format is text rather than JSON:
// encoding/json would add a fifth to the launcher's size.
const resultHeader = "gomsi-setup-result 1\n"

// Marshal renders r as a result file: the header, "code=N" and "log=PATH"
// lines, an empty line, then the text.
func (r Result) Marshal() []byte {
	return []byte(fmt.Sprintf("%scode=%d\nlog=%s\n\n%s", resultHeader, r.Code, r.Log, r.Text))
}

// ParseResult reads a result file.
func ParseResult(data []byte) (Result, error) {
	rest, ok := strings.CutPrefix(string(data), resultHeader)
	if !ok {
		return Result{}, errors.New("not a gomsi setup result file")
	}
	head, text, ok := strings.Cut(rest, "\n\n")
	if !ok {
		return Result{}, errors.New("result file cut short")
	}
	var r Result
	r.Text = text
	for _, line := range strings.Split(head, "\n") {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "code":
			n, err := strconv.Atoi(v)
			if err != nil {
				return Result{}, fmt.Errorf("result file: bad code %q", v)
			}
			r.Code = n
		case "log":
			r.Log = v
		}
	}
	return r, nil
}

type launcher struct {
	sys  System
	pkg  Package
	opts Options
	out  bytes.Buffer // the transcript
	log  string
}

// Run does the whole setup and returns the exit code.
func Run(sys System, pkg Package, args []string) int {
	l := &launcher{sys: sys, pkg: pkg}
	opts, err := ParseArgs(args)
	l.opts = opts
	if err != nil {
		return l.fail(ExitBadCommandLine, "%v", err)
	}
	return l.run()
}

func (l *launcher) printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	l.out.WriteString(line + "\n")
	if !l.opts.Elevated { // the parent prints the elevated copy's transcript
		l.sys.Print(line)
	}
}

// fail says why and returns code; the person sees it in a message box
// when there is no console.
func (l *launcher) fail(code int, format string, args ...any) int {
	l.printf("gomsi setup: "+format, args...)
	return l.finish(code, true)
}

func (l *launcher) finish(code int, failed bool) int {
	if l.opts.ResultFile != "" {
		if err := writeResult(l.opts.ResultFile, Result{Code: code, Text: l.out.String(), Log: l.log}); err != nil {
			l.printf("gomsi setup: %v", err)
		}
	}
	if failed && !l.opts.Elevated {
		l.sys.Alert(l.title(), l.out.String(), l.opts.Quiet())
	}
	return code
}

func (l *launcher) title() string { return "Setup of " + strings.TrimSuffix(l.pkg.Name, ".msi") }

func writeResult(path string, r Result) error {
	data := r.Marshal()
	// O_EXCL: the result never overwrites a file, elevated or not.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, resultFilePermission)
	if err != nil {
		return fmt.Errorf("write the result file: %w (name a file that does not exist yet)", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write the result file: %w", err)
	}
	return nil
}

func (l *launcher) run() int {
	elevated, err := l.sys.Elevated()
	if err != nil {
		l.printf("gomsi setup: cannot read this process's token (%v); going on as if not elevated", err)
	}
	if l.pkg.Scope == PerMachine && !elevated {
		return l.relaunch()
	}
	if code := l.preflight(elevated); code != ExitSuccess {
		return code
	}
	return l.install()
}

// relaunch runs the setup again elevated and reports what the elevated
// copy said.
func (l *launcher) relaunch() int {
	if l.opts.Elevated {
		return l.fail(ExitElevation, "this package installs for all users and needs administrator rights, "+
			"but the setup still runs without them after the elevation prompt. Run it from an elevated prompt "+
			"(Run as administrator) or as SYSTEM.")
	}
	dir := filepath.Join(l.sys.Getenv("LOCALAPPDATA"), "gomsi")
	if err := os.MkdirAll(dir, 0o700); err != nil || l.sys.Getenv("LOCALAPPDATA") == "" {
		dir = os.TempDir()
	}
	result := filepath.Join(dir, fmt.Sprintf("setup-result-%d-%d.txt", os.Getpid(), l.sys.Now().UnixNano()))
	defer os.Remove(result)
	l.printf("gomsi setup: %s installs for all users: asking for administrator rights", l.pkg.Name)
	code, err := l.sys.RelaunchElevated(l.opts.relaunchArgs(result))
	switch {
	case errors.Is(err, ErrDeclined):
		return l.fail(ExitUserExit, "the administrator prompt was declined, so nothing was installed. "+
			"Go for all users needs administrator rights; a package built with scope: perUser installs without them.")
	case err != nil:
		return l.fail(ExitElevation, "could not start the setup with administrator rights: %v. Run it from an elevated prompt (Run as administrator).", err)
	}
	data, err := os.ReadFile(result)
	r, perr := ParseResult(data)
	if err == nil && perr == nil {
		l.out.WriteString(r.Text)
		l.sys.Print(strings.TrimRight(r.Text, "\n"))
		l.log, code = r.Log, r.Code
	} else {
		l.printf("gomsi setup: the elevated setup exited with %d and left no report", code)
	}
	return l.finish(code, !succeeded(code))
}

func succeeded(code int) bool {
	return code == ExitSuccess || code == exitRebootRequired || code == exitRebootInitiated
}

// preflight checks what Windows Installer needs, reports what is broken,
// and repairs nothing.
func (l *launcher) preflight(elevated bool) int {
	if v, set, err := l.sys.Policy("DisableMSI"); err == nil && set {
		switch {
		case v == 2:
			return l.fail(ExitPolicy, "Windows Installer is turned off by policy (DisableMSI=2 under "+
				`HKLM\Software\Policies\Microsoft\Windows\Installer): no package can be installed. Ask your administrator, `+
				"or deploy Go through your management tool.")
		case v == 1 && !elevated:
			return l.fail(ExitPolicy, "policy allows only elevated installs (DisableMSI=1 under "+
				`HKLM\Software\Policies\Microsoft\Windows\Installer). Run the setup as an administrator, or deploy Go through your management tool.`)
		}
	}
	switch state, err := l.sys.InstallerService(); {
	case err != nil:
		l.printf("gomsi setup: warning: cannot query the Windows Installer service: %v", err)
	case state == ServiceMissing:
		return l.fail(ExitServiceFailure, "the Windows Installer service (msiserver) is not registered. "+
			"Repair Windows (DISM /Online /Cleanup-Image /RestoreHealth, then sfc /scannow) and try again.")
	case state == ServiceDisabled:
		return l.fail(ExitServiceFailure, "the Windows Installer service (msiserver) is disabled. "+
			"An administrator can set it back to Manual: sc config msiserver start= demand")
	}
	busy, err := l.sys.InstallRunning(l.opts.Wait)
	switch {
	case err != nil:
		l.printf("gomsi setup: warning: cannot check for another installation: %v", err)
	case busy:
		return l.fail(ExitAlreadyRunning, "another installation is running (Windows Update, a management agent or "+
			"another setup) and did not end within %s. Let it finish, then run the setup again.", l.opts.Wait)
	}
	windir := l.sys.Getenv("WINDIR")
	// Windows Installer creates its folder when it is missing (as in a new
	// Wine prefix); one that is there must be usable.
	if installer := filepath.Join(windir, "Installer"); elevated && exists(installer) {
		if err := writableDir(installer); err != nil {
			return l.fail(ExitAccessDenied, `%s\Installer, where Windows Installer keeps its scripts and `+
				"cached packages, is not usable: %v. Check it is a folder that SYSTEM and Administrators "+
				`have Full control of (icacls "%s\Installer").`, windir, err, windir)
		}
	}
	if err := writableDir(filepath.Join(windir, "Temp")); err != nil {
		return l.fail(ExitTempUnwritable, `%s\Temp, the TEMP folder of the Windows Installer service, is not usable: %v. `+
			`It must be a folder that SYSTEM and Administrators have Full control of; check with icacls "%s\Temp". `+
			"This is what makes installers fail with errors 2502 and 2503.", windir, err, windir)
	}
	for _, name := range []string{"TEMP", "TMP"} {
		if err := writableDir(l.sys.Getenv(name)); err != nil {
			l.printf("gomsi setup: warning: your %s (%s) is not usable (%v); msiexec gets a private TEMP instead, "+
				"but other programs will fail on it.", name, l.sys.Getenv(name), err)
		}
	}
	return ExitSuccess
}

// writableDir checks that dir is a folder in which a file can be created.
func writableDir(dir string) error {
	if dir == "" {
		return errors.New("it is not set")
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("it does not exist or cannot be read: %w", unwrapPath(err))
	}
	if !st.IsDir() {
		return errors.New("it is a file, not a folder")
	}
	f, err := os.CreateTemp(dir, "gomsi-probe-*.tmp")
	if err != nil {
		return fmt.Errorf("no file can be created in it: %w", unwrapPath(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// unwrapPath drops the path (the message names it) and the final period
// of Windows' messages.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return errors.New(strings.TrimSuffix(err.Error(), "."))
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// install extracts the MSI into a private TEMP, runs msiexec and explains
// a failure.
func (l *launcher) install() int {
	private, err := l.privateDir()
	if err != nil {
		return l.fail(ExitCannotMake, "%v", err)
	}
	code, failed := l.installFrom(private)
	l.removePrivate(private) // before finish, so that the report says when it fails
	return l.finish(code, failed)
}

// installFrom runs msiexec on the MSI extracted into the private folder
// and returns its code and whether it failed.
func (l *launcher) installFrom(private string) (int, bool) {
	msi := filepath.Join(private, l.pkg.Name)
	if err := l.extract(msi); err != nil {
		l.printf("gomsi setup: %v. Download the setup again and compare its SHA-256 with the published SHA256SUMS.", err)
		return ExitPackageInvalid, true
	}
	l.log = l.opts.userLog()
	args := []string{"/i", msi}
	if l.log == "" {
		l.log = l.logPath()
		args = append(args, "/l*vx", l.log)
	}
	args = append(args, l.opts.Msiexec...)
	exe := filepath.Join(l.sys.Getenv("WINDIR"), "System32", "msiexec.exe")
	l.printf("gomsi setup: installing %s; the log is %s", l.pkg.Name, l.log)
	code, err := l.sys.Run(exe, CommandLine(exe, args), withTemp(l.sys.Environ(), private))
	if err != nil {
		l.printf("gomsi setup: could not start %s: %v", exe, err)
		return ExitServiceFailure, true
	}
	switch {
	case code == ExitSuccess:
		l.printf("gomsi setup: installed %s (log: %s)", l.pkg.Name, l.log)
		return code, false
	case code == exitRebootRequired || code == exitRebootInitiated:
		l.printf("gomsi setup: installed %s; Windows must restart to complete it (exit %d, log: %s)", l.pkg.Name, code, l.log)
		return code, false
	case code == ExitUserExit:
		l.printf("gomsi setup: the installation was cancelled (exit 1602, log: %s)", l.log)
		return code, false
	}
	l.printf("gomsi setup: msiexec failed with exit code %d. The log is %s", code, l.log)
	l.printf("%s", strings.TrimRight(l.diagnosis(), "\n"))
	return code, true
}

// removePrivate removes the private TEMP. The Windows Installer service
// can still hold the MSI open for a moment after msiexec exits, so a
// failure is retried for a bounded time, then reported.
func (l *launcher) removePrivate(dir string) {
	var err error
	for try := 0; try < 50; try++ {
		if err = l.sys.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	l.printf("gomsi setup: warning: could not remove %s: %v", dir, err)
}

// privateDir creates the TEMP of msiexec in the first usable of
// %WINDIR%\SystemTemp, %WINDIR%\Temp and %ProgramData%.
func (l *launcher) privateDir() (string, error) {
	windir := l.sys.Getenv("WINDIR")
	var tried []string
	for _, parent := range []string{filepath.Join(windir, "SystemTemp"), filepath.Join(windir, "Temp"), l.sys.Getenv("ProgramData")} {
		if st, err := os.Stat(parent); err != nil || !st.IsDir() || windir == "" {
			continue
		}
		dir, err := l.sys.MakePrivateDir(parent)
		if err == nil {
			return dir, nil
		}
		tried = append(tried, fmt.Sprintf("%s (%v)", parent, err))
	}
	return "", fmt.Errorf(`no private TEMP folder could be created in %%WINDIR%%\SystemTemp, %%WINDIR%%\Temp or %%ProgramData%%: %s`, strings.Join(tried, "; "))
}

// extract copies the carried MSI to path and checks its SHA-256.
func (l *launcher) extract(path string) error {
	self, err := l.sys.Executable()
	if err != nil {
		return fmt.Errorf("find the setup exe: %w", err)
	}
	f, err := os.Open(self)
	if err != nil {
		return fmt.Errorf("open the setup exe: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open the setup exe: %w", err)
	}
	p, err := payload.Find(f, st.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", self, err)
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("extract the MSI: %w", err)
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(out, h), p.Section(f))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("extract the MSI: %w", err)
	}
	if got := h.Sum(nil); !bytes.Equal(got, p.SHA256[:]) {
		return fmt.Errorf("the MSI inside %s is damaged: its SHA-256 is %x, but %x was recorded when the setup was built", self, got, p.SHA256)
	}
	return nil
}

// logPath is a new log file under %ProgramData%\gomsi\logs (all users) or
// %LOCALAPPDATA%\gomsi\logs (one user); the first that can be created.
func (l *launcher) logPath() string {
	dirs := []string{filepath.Join(l.sys.Getenv("LOCALAPPDATA"), "gomsi", "logs")}
	if l.pkg.Scope == PerMachine {
		dirs = append([]string{filepath.Join(l.sys.Getenv("ProgramData"), "gomsi", "logs")}, dirs...)
	}
	dirs = append(dirs, filepath.Join(l.sys.Getenv("WINDIR"), "Temp"))
	name := strings.TrimSuffix(l.pkg.Name, ".msi") + "-" + l.sys.Now().Format("20060102-150405") + ".log"
	for _, d := range dirs {
		if filepath.IsAbs(d) && os.MkdirAll(d, 0o755) == nil {
			return filepath.Join(d, name)
		}
	}
	return filepath.Join(dirs[len(dirs)-1], name)
}

// diagnosis explains the failure the log shows.
func (l *launcher) diagnosis() string {
	f, err := os.Open(l.log)
	if err != nil {
		return fmt.Sprintf("no diagnosis: the log cannot be read: %v", err)
	}
	defer f.Close()
	var b strings.Builder
	diagnose.Parse(io.LimitReader(f, maxLogRead)).Write(&b)
	return b.String()
}

// withTemp returns env with TEMP and TMP set to dir (names compared
// without case, as Windows does).
func withTemp(env []string, dir string) []string {
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.EqualFold(name, "TEMP") || strings.EqualFold(name, "TMP") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "TEMP="+dir, "TMP="+dir)
}
