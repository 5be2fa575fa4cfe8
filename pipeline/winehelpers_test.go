package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/internal/testing/winetest"
)

// Registry keys the installer tests read.
const (
	systemEnvKey = `HKLM\System\CurrentControlSet\Control\Session Manager\Environment`
	userEnvKey   = `HKCU\Environment`
	uninstallKey = `HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall`
	machineState = `HKLM\Software\GoProgrammingLanguage`
)

// versionTree writes a small Go distribution of a version: a real-looking
// bin/go.exe (arch detection reads it), VERSION, and files.
func versionTree(t *testing.T, version string, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "go")
	all := map[string]string{
		"VERSION":    version + "\ntime 2026-08-28T16:20:06Z\n",
		"bin/go.exe": string(testtool.MinimalPE(0x8664)),
	}
	for k, v := range files {
		all[k] = v
	}
	for name, body := range all {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// buildWith builds the MSI of source with wixl after configure changes the
// installer settings.
func buildWith(t *testing.T, source string, configure func(*config.Installer)) *Build {
	t.Helper()
	testtool.Require(t, "wixl")
	testtool.Require(t, "msibuild")
	p := newTestPipeline(t, source)
	if configure != nil {
		configure(&p.Config.Installer)
	}
	builds, err := p.MSI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return builds[0]
}

func boolPtr(b bool) *bool { return &b }

// windowsPrefix is a Wine prefix that reports a Windows version (win10,
// win81, win7): a new prefix says Windows 7, which Go 1.21+ refuses.
func windowsPrefix(t *testing.T, version string) *winetest.Prefix {
	t.Helper()
	return winetest.NewWindows(t, version)
}

// pathEntries splits a PATH value into its entries.
func pathEntries(v string) []string {
	var out []string
	for _, e := range strings.Split(v, ";") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// countEntry counts the PATH entries equal to want, ignoring case and a
// trailing backslash as Windows does.
func countEntry(path, want string) int {
	n := 0
	norm := func(s string) string { return strings.ToLower(strings.TrimRight(s, `\`)) }
	for _, e := range pathEntries(path) {
		if norm(e) == norm(want) {
			n++
		}
	}
	return n
}

// arpEntries returns the Apps and Features entries of Go, by product code.
func arpEntries(t *testing.T, wine *winetest.Prefix) map[string]map[string]string {
	t.Helper()
	out, err := wine.Reg("query", uninstallKey, "/s")
	if err != nil {
		t.Fatalf("reg query %s: %v: %s", uninstallKey, err, out)
	}
	entries := map[string]map[string]string{}
	var cur map[string]string
	var key string
	for _, line := range strings.Split(strings.ReplaceAll(string(out), "\r", ""), "\n") {
		if strings.HasPrefix(line, "HKEY_") {
			if cur != nil && strings.HasPrefix(cur["DisplayName"], "Go Programming Language") {
				entries[key] = cur
			}
			key, cur = line[strings.LastIndex(line, `\`)+1:], map[string]string{}
			continue
		}
		f := strings.Fields(line)
		if cur != nil && len(f) >= 2 && strings.HasPrefix(f[1], "REG_") {
			_, rest, _ := strings.Cut(line, f[1])
			cur[f[0]] = strings.TrimSpace(rest)
		}
	}
	if cur != nil && strings.HasPrefix(cur["DisplayName"], "Go Programming Language") {
		entries[key] = cur
	}
	return entries
}

// logProperty returns a property's final value from a verbose log's dump.
func logProperty(log, name string) string {
	m := regexp.MustCompile(`(?m)^Property\(S\): `+regexp.QuoteMeta(name)+` = (.*)$`).FindAllStringSubmatch(log, -1)
	if m == nil {
		return ""
	}
	return strings.TrimRight(m[len(m)-1][1], "\r")
}

// actionIndex is where an action starts in a verbose log, or -1.
func actionIndex(log, action string) int {
	re := regexp.MustCompile(`Action start [0-9:]+: ` + regexp.QuoteMeta(action) + `\.`)
	if loc := re.FindStringIndex(log); loc != nil {
		return loc[0]
	}
	return -1
}
