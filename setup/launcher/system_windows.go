//go:build windows

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"github.com/gomsi/gomsi/setup/launch"
)

// system is launch.System on Windows.
type system struct {
	console io.Writer // nil when the setup was not started from a console
}

func newSystem() *system { return &system{console: openConsole()} }

var (
	kernel32           = windows.NewLazySystemDLL("kernel32.dll")
	procAttachConsole  = kernel32.NewProc("AttachConsole")
	shell32            = windows.NewLazySystemDLL("shell32.dll")
	procShellExecuteEx = shell32.NewProc("ShellExecuteExW")
)

// openConsole finds where to print: the standard output when there is one
// (a prompt, a pipe, a file), else the console of the parent process. The
// setup is a GUI-subsystem program, so that double-clicking it opens no
// console window; a prompt's console has to be attached to.
func openConsole() io.Writer {
	if h, err := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE); err == nil && h != 0 && h != windows.InvalidHandle {
		if t, _ := windows.GetFileType(h); t != windows.FILE_TYPE_UNKNOWN {
			return os.Stdout
		}
	}
	const attachParentProcess = ^uintptr(0)
	if r, _, _ := procAttachConsole.Call(attachParentProcess); r == 0 {
		return nil
	}
	f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return nil
	}
	fmt.Fprintln(f) // the prompt has already been printed: start on a line of its own
	return f
}

func (s *system) Executable() (string, error) { return os.Executable() }

func (s *system) Elevated() (bool, error) {
	return windows.GetCurrentProcessToken().IsElevated(), nil
}

// shellExecuteInfo is SHELLEXECUTEINFOW.
type shellExecuteInfo struct {
	size       uint32
	mask       uint32
	hwnd       windows.HWND
	verb       *uint16
	file       *uint16
	parameters *uint16
	directory  *uint16
	show       int32
	instApp    windows.Handle
	idList     uintptr
	class      *uint16
	keyClass   windows.Handle
	hotKey     uint32
	iconOrMon  windows.Handle
	process    windows.Handle
}

func (s *system) RelaunchElevated(args []string) (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = windows.EscapeArg(a)
	}
	cwd, _ := os.Getwd() // relative paths in msiexec's arguments (a log file) stay where they were
	const (
		seeMaskNoCloseProcess = 0x40
		seeMaskNoAsync        = 0x100
		swShowNormal          = 1
	)
	info := shellExecuteInfo{
		mask:       seeMaskNoCloseProcess | seeMaskNoAsync,
		verb:       windows.StringToUTF16Ptr("runas"),
		file:       windows.StringToUTF16Ptr(self),
		parameters: windows.StringToUTF16Ptr(strings.Join(quoted, " ")),
		show:       swShowNormal,
	}
	if cwd != "" {
		info.directory = windows.StringToUTF16Ptr(cwd)
	}
	info.size = uint32(unsafe.Sizeof(info))
	if r, _, err := procShellExecuteEx.Call(uintptr(unsafe.Pointer(&info))); r == 0 {
		if errors.Is(err, windows.ERROR_CANCELLED) {
			return 0, launch.ErrDeclined
		}
		return 0, err
	}
	if info.process == 0 {
		return 0, errors.New("the elevated setup started without a process handle")
	}
	defer windows.CloseHandle(info.process)
	if _, err := windows.WaitForSingleObject(info.process, windows.INFINITE); err != nil {
		return 0, err
	}
	var code uint32
	if err := windows.GetExitCodeProcess(info.process, &code); err != nil {
		return 0, err
	}
	return int(code), nil
}

func (s *system) Getenv(key string) string { return os.Getenv(key) }
func (s *system) Environ() []string        { return os.Environ() }
func (s *system) Now() time.Time           { return time.Now() }

// InstallRunning waits for the mutex Windows Installer holds while it runs
// an execute sequence, and releases it at once when it gets it.
func (s *system) InstallRunning(wait time.Duration) (bool, error) {
	name := windows.StringToUTF16Ptr(`Global\_MSIExecute`)
	h, err := windows.OpenMutex(windows.SYNCHRONIZE|windows.MUTEX_MODIFY_STATE, false, name)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return false, nil // no installation has it
	}
	if err != nil {
		return false, fmt.Errorf(`open Global\_MSIExecute: %w`, err)
	}
	defer windows.CloseHandle(h)
	ev, err := windows.WaitForSingleObject(h, uint32(wait/time.Millisecond))
	switch ev {
	case windows.WAIT_OBJECT_0, windows.WAIT_ABANDONED:
		windows.ReleaseMutex(h)
		return false, nil
	case uint32(windows.WAIT_TIMEOUT):
		return true, nil
	}
	return false, fmt.Errorf(`wait for Global\_MSIExecute: %w`, err)
}

func (s *system) InstallerService() (launch.ServiceState, error) {
	m, err := windows.OpenSCManager(nil, nil, windows.SC_MANAGER_CONNECT)
	if err != nil {
		return launch.ServiceOK, fmt.Errorf("open the service manager: %w", err)
	}
	defer windows.CloseServiceHandle(m)
	svc, err := windows.OpenService(m, windows.StringToUTF16Ptr("msiserver"), windows.SERVICE_QUERY_CONFIG)
	if errors.Is(err, windows.ERROR_SERVICE_DOES_NOT_EXIST) {
		return launch.ServiceMissing, nil
	}
	if err != nil {
		return launch.ServiceOK, fmt.Errorf("open the msiserver service: %w", err)
	}
	defer windows.CloseServiceHandle(svc)
	var need uint32
	buf := make([]byte, 1024)
	for {
		cfg := (*windows.QUERY_SERVICE_CONFIG)(unsafe.Pointer(&buf[0]))
		err := windows.QueryServiceConfig(svc, cfg, uint32(len(buf)), &need)
		if errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) && need > uint32(len(buf)) && need < 1<<20 {
			buf = make([]byte, need)
			continue
		}
		if err != nil {
			return launch.ServiceOK, fmt.Errorf("query the msiserver service: %w", err)
		}
		if cfg.StartType == windows.SERVICE_DISABLED {
			return launch.ServiceDisabled, nil
		}
		return launch.ServiceOK, nil
	}
}

func (s *system) Policy(name string) (uint32, bool, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `Software\Policies\Microsoft\Windows\Installer`, registry.QUERY_VALUE)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer k.Close()
	v, _, err := k.GetIntegerValue(name)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return uint32(v), true, nil
}

// MakePrivateDir creates a folder whose access list is SYSTEM,
// Administrators and the current user, each with full control, and
// nothing inherited from the parent (a Temp folder lets every user create
// and read their own files there).
func (s *system) MakePrivateDir(parent string) (string, error) {
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", fmt.Errorf("read the current user: %w", err)
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;" + user.User.Sid.String() + ")")
	if err != nil {
		return "", fmt.Errorf("make the folder's access list: %w", err)
	}
	sa := windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(sa))
	// CreateDirectory fails on an existing name, so a folder someone made
	// in advance is never used; the name only has to be new.
	var err2 error
	for try := 0; try < 10; try++ {
		dir := filepath.Join(parent, fmt.Sprintf("gomsi-%d-%x", os.Getpid(), time.Now().UnixNano()))
		if err2 = windows.CreateDirectory(windows.StringToUTF16Ptr(dir), &sa); err2 == nil {
			return dir, nil
		}
		if !errors.Is(err2, windows.ERROR_ALREADY_EXISTS) {
			break
		}
	}
	return "", err2
}

// RemoveAll is os.RemoveAll, then the classic DeleteFile and
// RemoveDirectory for what it left: Go's deletion with POSIX semantics
// fails on systems without it (Wine 8 says "Invalid function").
func (s *system) RemoveAll(dir string) error {
	if os.RemoveAll(dir) == nil {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			err = s.RemoveAll(p)
		} else {
			err = windows.DeleteFile(windows.StringToUTF16Ptr(p))
		}
		if err != nil {
			return fmt.Errorf("remove %s: %w", p, err)
		}
	}
	if err := windows.RemoveDirectory(windows.StringToUTF16Ptr(dir)); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	return nil
}

func (s *system) Run(exe, commandLine string, env []string) (int, error) {
	cmd := exec.Command(exe)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: commandLine}
	cmd.Env = env
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}

func (s *system) Print(text string) {
	if s.console != nil {
		fmt.Fprintln(s.console, text)
	}
}

func (s *system) Alert(title, text string, quiet bool) {
	if s.console != nil || quiet {
		return // printed already, or nobody may be asked to click
	}
	windows.MessageBox(0, windows.StringToUTF16Ptr(text), windows.StringToUTF16Ptr(title), windows.MB_OK|windows.MB_ICONERROR)
}
