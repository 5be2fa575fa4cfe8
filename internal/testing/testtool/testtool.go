// Package testtool lets tests demand external programs (wixl, msiinfo, wine, ...).
//
// Under CI (CI=true) a missing tool fails the test: CI installs every tool, so a
// missing one is a broken CI script, never a reason to pass. Elsewhere the test
// is skipped with the command that installs the tool.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// installHints maps a program to the Debian command that provides it.
var installHints = map[string]string{
	"wixl":                   "apt-get install wixl",
	"wixl-heat":              "apt-get install wixl",
	"msiinfo":                "apt-get install msitools",
	"msidump":                "apt-get install msitools",
	"msiextract":             "apt-get install msitools",
	"msibuild":               "apt-get install msitools",
	"wine":                   "apt-get install --no-install-recommends wine64 wine",
	"xmllint":                "apt-get install libxml2-utils",
	"cabextract":             "apt-get install cabextract",
	"gcab":                   "apt-get install gcab",
	"osslsigncode":           "apt-get install osslsigncode",
	"curl":                   "apt-get install curl",
	"zip":                    "apt-get install zip",
	"7zz":                    "apt-get install 7zip",
	"python3":                "apt-get install python3",
	"x86_64-w64-mingw32-gcc": "apt-get install gcc-mingw-w64-x86-64",
}

// InCI reports whether the tests run in CI, where every tool must be present.
func InCI() bool { return os.Getenv("CI") == "true" }

// Require returns the path of program name, failing the test in CI and
// skipping it elsewhere when the program is not on PATH.
func Require(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	hint := installHints[name]
	if hint == "" {
		hint = "install " + name
	}
	if InCI() {
		t.Fatalf("%s is required in CI but not on PATH (%s)", name, hint)
	}
	t.Skipf("%s not on PATH; install it with: %s", name, hint)
	return ""
}

// Fixture returns the path of a file in ../shared/fixtures, searched upwards
// from the test's directory, failing in CI and skipping elsewhere if absent.
func Fixture(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := dir + "/../shared/fixtures/" + name
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := dir[:max(0, lastSlash(dir))]
		if parent == "" || parent == dir {
			break
		}
		dir = parent
	}
	if InCI() {
		t.Fatalf("fixture %s not found in ../shared/fixtures beside the repository", name)
	}
	t.Skipf("fixture %s not found in ../shared/fixtures beside the repository", name)
	return ""
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// MinimalPE returns the smallest file debug/pe reads as a Windows executable
// for machine (0x8664 amd64, 0x14c 386, 0xaa64 arm64): enough for code that
// only looks at the header.
func MinimalPE(machine uint16) []byte {
	b := make([]byte, 512) // debug/pe reads past the headers
	copy(b, "MZ")
	b[0x3c] = 0x40 // e_lfanew: the PE header follows the DOS header
	copy(b[0x40:], "PE\x00\x00")
	b[0x44] = byte(machine)
	b[0x45] = byte(machine >> 8)
	return b
}

// WindowsExe builds a tiny Windows amd64 program at path, replacing any
// file there, with the go command (its build cache makes later builds
// cheap): a real executable, for code that signs or runs one.
func WindowsExe(t testing.TB, path string) {
	t.Helper()
	src := t.TempDir()
	prog := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from a signed exe\") }\n"
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(path) // go build overwrites only its own output
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", path, "main.go")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=", "GO111MODULE=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build a Windows test program: go build: %v: %s", err, out)
	}
}

// ResetPeakRSS makes the kernel's high-water mark of this process's memory
// (VmHWM) start again from its current size, so that a benchmark can
// measure the peak of one run. It reports false where Linux's /proc is
// missing.
func ResetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// ProcStatus reads a kB field of /proc/self/status (VmRSS, VmHWM, ...) in
// bytes, or -1 where there is none.
func ProcStatus(field string) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return -1
			}
			return n << 10
		}
	}
	return -1
}
