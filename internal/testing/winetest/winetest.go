// Package winetest runs Windows Installer packages under Wine's msiexec, a
// real and independent Windows Installer engine, for tests.
package winetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// Prefix is a fresh Wine prefix (a Windows installation) for one test.
type Prefix struct {
	Dir  string
	wine string
	t    testing.TB
}

// New creates a Wine prefix in a temporary folder, failing the test in CI
// and skipping it elsewhere when Wine is missing.
func New(t testing.TB) *Prefix {
	t.Helper()
	p := &Prefix{Dir: t.TempDir(), wine: testtool.Require(t, "wine"), t: t}
	if out, err := p.Run(3*time.Minute, "wineboot", "-i"); err != nil {
		t.Fatalf("create Wine prefix: %v: %s", err, out)
	}
	t.Cleanup(func() {
		kill := exec.Command("wineserver", "-k")
		kill.Env = p.env()
		kill.Run()
	})
	return p
}

func (p *Prefix) env() []string {
	return append(os.Environ(), "WINEPREFIX="+p.Dir, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=", "DISPLAY=")
}

// Run runs a Windows program (or a Wine builtin such as msiexec or reg) in
// the prefix and returns its combined output.
func (p *Prefix) Run(timeout time.Duration, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.wine, args...)
	cmd.Env = p.env()
	cmd.Dir = p.Dir
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("wine %s: timed out after %s", strings.Join(args, " "), timeout)
	}
	return out, err
}

// Msiexec runs msiexec with args plus a verbose log, and returns the log.
// err is non-nil when msiexec exits non-zero (its exit code is msiexec's).
func (p *Prefix) Msiexec(args ...string) (log string, err error) {
	logFile := filepath.Join(p.Dir, fmt.Sprintf("msiexec-%d.log", time.Now().UnixNano()))
	full := append([]string{"msiexec"}, args...)
	full = append(full, "/l*v", logFile)
	out, err := p.Run(10*time.Minute, full...)
	b, _ := os.ReadFile(logFile)
	log = decodeLog(b)
	if err != nil {
		return log, fmt.Errorf("msiexec %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return log, nil
}

// decodeLog turns a UTF-16 log (Windows writes those) into a string; Wine's
// plain-text logs pass through.
func decodeLog(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
		var sb strings.Builder
		for i := 2; i+1 < len(b); i += 2 {
			sb.WriteRune(rune(uint16(b[i]) | uint16(b[i+1])<<8))
		}
		return sb.String()
	}
	return string(b)
}

// Path maps a Windows path on drive C: to the host path inside the prefix.
func (p *Prefix) Path(winPath string) string {
	rest, ok := strings.CutPrefix(winPath, `C:\`)
	if !ok {
		p.t.Fatalf("winetest: %s is not on drive C:", winPath)
	}
	return filepath.Join(p.Dir, "drive_c", filepath.FromSlash(strings.ReplaceAll(rest, `\`, "/")))
}

// Reg runs Wine's reg with args. A missing key or value makes reg say so
// and exit 1; an exit 1 with no output at all is Wine failing to run it
// (seen once in CI, right after an install), so that is tried again, twice.
func (p *Prefix) Reg(args ...string) ([]byte, error) {
	var out []byte
	var err error
	for try := 0; try < 3; try++ {
		out, err = p.Run(time.Minute, append([]string{"reg"}, args...)...)
		if err == nil || len(bytes.TrimSpace(out)) > 0 {
			break
		}
		time.Sleep(time.Second)
	}
	return out, err
}

// RegQuery returns the data of a registry value, or ok=false if it is absent.
func (p *Prefix) RegQuery(key, value string) (data string, ok bool) {
	out, err := p.Reg("query", key, "/v", value)
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 2 && strings.EqualFold(fields[0], value) && strings.HasPrefix(fields[1], "REG_") {
			_, rest, _ := strings.Cut(line, fields[1])
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}
