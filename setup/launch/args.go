package launch

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Options are the launcher's own command-line options; every other
// argument goes to msiexec unchanged.
type Options struct {
	// ResultFile receives the outcome as JSON ("--gomsi-result=FILE"): the
	// exit code in full, which a process exit status may cut (Wine keeps 8
	// bits), and the message. The file must not exist: it is created, never
	// overwritten.
	ResultFile string
	// Wait bounds the wait for another installation ("--gomsi-wait=SECONDS").
	Wait time.Duration
	// Elevated marks the copy that RelaunchElevated started, which must not
	// relaunch again ("--gomsi-elevated").
	Elevated bool
	// Msiexec is what the user passed for msiexec.
	Msiexec []string
}

// DefaultWait is how long the launcher waits for another installation to
// end before it gives up with 1618.
const DefaultWait = 2 * time.Minute

const (
	optResult   = "--gomsi-result="
	optWait     = "--gomsi-wait="
	optElevated = "--gomsi-elevated"
)

// ParseArgs splits the launcher's own options from msiexec's.
func ParseArgs(args []string) (Options, error) {
	o := Options{Wait: DefaultWait}
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, optResult):
			o.ResultFile = strings.TrimPrefix(a, optResult)
			if o.ResultFile == "" {
				return o, fmt.Errorf("%s needs a file name", strings.TrimSuffix(optResult, "="))
			}
		case strings.HasPrefix(a, optWait):
			s, err := strconv.Atoi(strings.TrimPrefix(a, optWait))
			if err != nil || s < 0 || s > 24*3600 {
				return o, fmt.Errorf("%s: %q is not a number of seconds from 0 to 86400", strings.TrimSuffix(optWait, "="), strings.TrimPrefix(a, optWait))
			}
			o.Wait = time.Duration(s) * time.Second
		case a == optElevated:
			o.Elevated = true
		case strings.HasPrefix(a, "--gomsi-"):
			return o, fmt.Errorf("unknown option %s (the setup's own options are %sFILE, %sSECONDS; everything else goes to msiexec)", a, optResult, optWait)
		default:
			o.Msiexec = append(o.Msiexec, a)
		}
	}
	return o, nil
}

// relaunchArgs are the arguments of the elevated copy: the same, with the
// result file the parent reads and the mark that stops a second relaunch.
func (o Options) relaunchArgs(result string) []string {
	args := []string{optResult + result, optElevated}
	if o.Wait != DefaultWait {
		args = append(args, optWait+strconv.Itoa(int(o.Wait/time.Second)))
	}
	return append(args, o.Msiexec...)
}

// Quiet reports whether the user asked msiexec for no interaction (/q...,
// /quiet, /passive): then nothing may wait for a click either.
func (o Options) Quiet() bool {
	for _, a := range o.Msiexec {
		s := strings.ToLower(a)
		if len(s) < 2 || (s[0] != '/' && s[0] != '-') {
			continue
		}
		s = s[1:]
		if s == "quiet" || s == "passive" || (strings.HasPrefix(s, "q") && len(s) <= 3) {
			return true
		}
	}
	return false
}

// userLog returns the log file the user asked msiexec for (/l*v FILE,
// /log FILE), or "".
func (o Options) userLog() string {
	for i, a := range o.Msiexec {
		s := strings.ToLower(a)
		if len(s) < 2 || (s[0] != '/' && s[0] != '-') || s[1] != 'l' {
			continue
		}
		if (s[1:] == "log" || strings.Trim(s[2:], "iwearucmopvx+!*") == "") && i+1 < len(o.Msiexec) {
			return o.Msiexec[i+1]
		}
	}
	return ""
}

// CommandLine renders an msiexec command line. msiexec parses its own
// command line: a property's value is quoted after the equals sign
// (NAME="a b", with "" for a quote), anything else with spaces is quoted whole.
func CommandLine(exe string, args []string) string {
	parts := []string{quoteWhole(exe)}
	for _, a := range args {
		parts = append(parts, quoteMsiexec(a))
	}
	return strings.Join(parts, " ")
}

func quoteMsiexec(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\"") {
		return a
	}
	if name, value, ok := strings.Cut(a, "="); ok && isPropertyName(name) {
		return name + `="` + strings.ReplaceAll(value, `"`, `""`) + `"`
	}
	return quoteWhole(a)
}

func quoteWhole(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\"") {
		return a
	}
	return `"` + strings.ReplaceAll(a, `"`, `""`) + `"`
}

// isPropertyName: letters, digits, underscores and periods, not starting
// with a digit or period (Windows Installer's Identifier).
func isPropertyName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z'):
		case i > 0 && ((r >= '0' && r <= '9') || r == '.'):
		default:
			return false
		}
	}
	return true
}
