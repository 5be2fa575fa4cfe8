package winetest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// NewWindows is New for a prefix that reports a Windows version (win10,
// win81, win7; a new prefix says Windows 7, which Go 1.21+ packages refuse),
// with a Wine session kept alive so that each command takes ~0.2 s.
func NewWindows(t testing.TB, version string) *Prefix {
	t.Helper()
	p := New(t)
	p.keepSessionAlive()
	p.SetWindows(version)
	return p
}

// keepSessionAlive runs an idle Wine program (cmd waiting for input) for the
// whole test. Wine's first program in a prefix starts its system processes
// (services.exe, explorer.exe, plugplay, ...), which inherit that program's
// output and live as long as the session: when that output is a pipe (Run),
// Go waits for it to close, 1.5-3 s per command while they linger. So the
// session is started here with no pipe anywhere.
func (p *Prefix) keepSessionAlive() {
	p.t.Helper()
	cmd := exec.Command(p.wine, "cmd")
	cmd.Env = p.env()
	stdin, err := cmd.StdinPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		p.t.Fatalf("keep the Wine session alive: %v", err)
	}
	p.t.Cleanup(func() {
		stdin.Close() // cmd exits at the end of its input
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
}

// SetWindows sets the Windows version Wine reports (win10, win81, win7).
// Its output goes to a file, not a pipe: winecfg starts session processes
// that would hold a pipe open (keepSessionAlive).
func (p *Prefix) SetWindows(version string) {
	p.t.Helper()
	out, err := os.CreateTemp(p.Dir, "winecfg-*.txt")
	if err != nil {
		p.t.Fatal(err)
	}
	defer out.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.wine, "winecfg", "-v", version)
	cmd.Env, cmd.Stdout, cmd.Stderr = p.env(), out, out
	if err := cmd.Run(); err != nil {
		text, _ := os.ReadFile(out.Name())
		p.t.Fatalf("winecfg -v %s: %v: %s", version, err, text)
	}
}
