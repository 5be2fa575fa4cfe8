package winetest

import (
	"strings"
)

// Registry keys the installer tests read.
const (
	SystemEnvKey = `HKLM\System\CurrentControlSet\Control\Session Manager\Environment`
	UserEnvKey   = `HKCU\Environment`
	UninstallKey = `HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall`
	// MachineState is where gomsi's per-machine package keeps its state.
	MachineState = `HKLM\Software\GoProgrammingLanguage`
)

// CountPathEntry counts the ;-separated entries of a PATH value equal to
// want, ignoring case and a trailing backslash as Windows does.
func CountPathEntry(path, want string) int {
	norm := func(s string) string { return strings.ToLower(strings.TrimRight(strings.TrimSpace(s), `\`)) }
	n := 0
	for _, e := range strings.Split(path, ";") {
		if strings.TrimSpace(e) != "" && norm(e) == norm(want) {
			n++
		}
	}
	return n
}

// Products returns the Apps and Features entries (values by name) whose
// DisplayName starts with displayName, by product code.
func (p *Prefix) Products(displayName string) map[string]map[string]string {
	p.t.Helper()
	out, err := p.Reg("query", UninstallKey, "/s")
	if err != nil {
		p.t.Fatalf("reg query %s: %v: %s", UninstallKey, err, out)
	}
	entries := map[string]map[string]string{}
	var cur map[string]string
	var key string
	keep := func() {
		if cur != nil && strings.HasPrefix(cur["DisplayName"], displayName) {
			entries[key] = cur
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(string(out), "\r", ""), "\n") {
		if strings.HasPrefix(line, "HKEY_") {
			keep()
			key, cur = line[strings.LastIndex(line, `\`)+1:], map[string]string{}
			continue
		}
		f := strings.Fields(line)
		if cur != nil && len(f) >= 2 && strings.HasPrefix(f[1], "REG_") {
			_, rest, _ := strings.Cut(line, f[1])
			cur[f[0]] = strings.TrimSpace(rest)
		}
	}
	keep()
	return entries
}
