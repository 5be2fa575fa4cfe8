package wix

import "github.com/gomsi/gomsi/wix/toolrun"

// The runner of external programs lives in wix/toolrun, which the toolsets'
// post-build fix-ups (msipatch) share without importing wix; these names
// keep it part of the toolsets' API.
type (
	// Command is one external program run.
	Command = toolrun.Command
	// Runner runs external commands; tests inject a fake to assert the argv.
	Runner = toolrun.Runner
	// ExecRunner runs commands with os/exec, printing each before it runs.
	ExecRunner = toolrun.ExecRunner
)
