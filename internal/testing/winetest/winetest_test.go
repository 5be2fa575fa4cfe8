package winetest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fakeWine is a stand-in for wine that counts its runs in the prefix and
// fails the first `fails` of them as given.
func fakeWine(t *testing.T, fails int, failure string) *Prefix {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "wine")
	body := `#!/bin/sh
n=$(cat runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > runs
if [ $n -le ` + strconv.Itoa(fails) + ` ]; then printf '` + failure + `'; exit 1; fi
echo 'HKEY_LOCAL_MACHINE\Software\GomsiTest'
echo '    Version    REG_SZ    1.2.3'
`
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return &Prefix{Dir: dir, wine: script, t: t}
}

func runs(t *testing.T, p *Prefix) string {
	b, _ := os.ReadFile(filepath.Join(p.Dir, "runs"))
	return strings.TrimSpace(string(b))
}

// TestRegRetriesSilentFailures: reg exiting 1 with no output (Wine failing
// to run it) is tried again; a missing key, which reg reports, is not.
func TestRegRetriesSilentFailures(t *testing.T) {
	p := fakeWine(t, 2, "")
	if v, ok := p.RegQuery(`HKLM\Software\GomsiTest`, "Version"); !ok || v != "1.2.3" || runs(t, p) != "3" {
		t.Errorf("two silent failures, then success: %q %v after %s runs", v, ok, runs(t, p))
	}
	p = fakeWine(t, 3, "")
	if _, err := p.Reg("query", `HKLM\Software\GomsiTest`); err == nil || runs(t, p) != "3" {
		t.Errorf("three silent failures: %v after %s runs, want an error after 3", err, runs(t, p))
	}
	p = fakeWine(t, 1, `reg: Unable to find the specified registry key\r\n`)
	if _, ok := p.RegQuery(`HKLM\Software\GomsiTest`, "Version"); ok || runs(t, p) != "1" {
		t.Errorf("a missing key: found %v after %s runs, want absent after 1", ok, runs(t, p))
	}
}
