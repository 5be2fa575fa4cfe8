// Package toolrun runs the external programs of the toolsets and of their
// post-build fix-ups (msibuild): each command can be printed before it runs,
// and tests inject a fake Runner to assert the argv. It imports nothing of
// gomsi, so that package wix and the fix-ups its toolsets run share it.
package toolrun

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Command is one external program run.
type Command struct {
	Dir  string // working directory, "" for the current one
	Path string
	Args []string
}

// String renders the command as a shell would need it typed.
func (c Command) String() string {
	parts := []string{quote(c.Path)}
	for _, a := range c.Args {
		parts = append(parts, quote(a))
	}
	s := strings.Join(parts, " ")
	if c.Dir != "" {
		s = "(cd " + quote(c.Dir) + " && " + s + ")"
	}
	return s
}

func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n\"'\\$`;&|<>()*?[]#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Runner runs external commands; tests inject a fake to assert the argv.
type Runner interface {
	// Run runs the command and returns its combined output.
	Run(ctx context.Context, cmd Command) ([]byte, error)
}

// ExecRunner runs commands with os/exec, printing each before it runs.
type ExecRunner struct {
	Log io.Writer // nil for silence
}

// Run implements Runner.
func (r ExecRunner) Run(ctx context.Context, cmd Command) ([]byte, error) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, "gomsi: %s\n", cmd)
	}
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args...)
	c.Dir = cmd.Dir
	var out bytes.Buffer
	c.Stdout = &out
	c.Stderr = &out
	err := c.Run()
	return out.Bytes(), err
}
