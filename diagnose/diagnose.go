// Package diagnose reads a Windows Installer verbose log (msiexec /l*v) and
// tells which action failed, the error behind it, what it means and how to
// fix it. It reads the logs Windows writes (UTF-16, "MSI (s) (..) [..]:"
// prefixes) and the plain-text ones Wine's msiexec writes.
package diagnose

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Report is what a log says about an installation.
type Report struct {
	Product string   // the product name, when the log names it
	Failed  *Failure // nil when the log shows no failure
	Errors  []Error  // every known error code the log mentions, in order
	Lines   int
	// Truncated counts the lines longer than MaxLine, of which only the
	// first MaxLine bytes were analysed.
	Truncated int
}

// Failure is the diagnosis of a failed installation.
type Failure struct {
	Action string // the action that failed ("" when the log names none)
	Code   int    // the error that explains it best
	Line   int    // where the code appears (1-based), 0 if only inferred
	Text   string // that line, trimmed
	Known         // meaning and fix (zero when gomsi does not know the code)
	Exit   int    // the exit code msiexec returned, when the log says
}

// Error is one mention of an error code.
type Error struct {
	Code   int
	Line   int
	Action string // the action running when it was logged
	Text   string
}

var (
	actionStart = regexp.MustCompile(`Action start [0-9:]+: ([A-Za-z0-9_.]+)\.`)
	actionEnded = regexp.MustCompile(`Action ended [0-9:]+: ([A-Za-z0-9_.]+)\. Return value (\d+)\.`)
	// Ways Windows and Wine print an error number.
	errorPatterns = []*regexp.Regexp{
		regexp.MustCompile(`\bError (\d{4})[.:]`),                   // "Error 1925. You do not ..." / "DEBUG: Error 2503:  Called ..."
		regexp.MustCompile(`The error code is (\d{4})\b`),           // "The installer has encountered an unexpected error ... The error code is 2503."
		regexp.MustCompile(`\bNote: 1: (\d{4}) `),                   // "Note: 1: 2203 2: C:\...msi 3: -2147287038"
		regexp.MustCompile(`\bMainEngineThread is returning (\d+)`), // the exit code
		regexp.MustCompile(`error status: (\d+)`),                   // "Installation success or error status: 1603."
		regexp.MustCompile(`\bmsiexec\S* returned (\d+)`),           // wrappers
	}
	productName = regexp.MustCompile(`(?:Product: |Message type: 1, Argument: )([^\r\n]*?)(?: -- |$)`)
)

// Parse reads a verbose log, as far as it can be read: ParseFile reports a
// read error, and an .msi passed in place of its log.
func Parse(r io.Reader) Report {
	rep, _ := parse(r)
	return rep
}

// parse streams the log a line at a time, so memory stays bounded (about
// MaxLine) whatever its size or its longest line.
func parse(r io.Reader) (Report, error) {
	var rep Report
	lines, err := newLineReader(r)
	if err != nil {
		return rep, err
	}
	var running []string // actions started and not ended, innermost last
	var failedAction string
	var last struct { // the last inner action that ended
		name  string
		value string
	}
	exit := -1
	var message Error // the last "Product: X -- text" line: a launch condition's message, for one
	var readErr error
	for n := 1; ; n++ {
		line, cut, err := lines.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		rep.Lines = n
		if cut {
			rep.Truncated++
		}
		if rep.Product == "" {
			if m := productName.FindStringSubmatch(line); m != nil && m[1] != "" {
				rep.Product = m[1]
			}
		}
		if _, text, ok := strings.Cut(line, "Product: "); ok && strings.Contains(text, " -- ") && failedAction == "" {
			message = Error{Line: n, Text: strings.TrimSpace(line)}
		}
		if m := actionStart.FindStringSubmatch(line); m != nil {
			running = append(running, m[1])
			continue
		}
		if m := actionEnded.FindStringSubmatch(line); m != nil {
			switch {
			case topLevel(m[1]):
				// Windows ends a failed INSTALL with 3, Wine with 0 after the
				// failing action also "returned 0"; either way the action
				// that ended last, not with 1, is the culprit.
				if m[2] != "1" && failedAction == "" && last.name != "" && last.value != "1" {
					failedAction = last.name
				}
				if m[2] != "1" && exit <= 0 {
					exit = 1603
				}
			case m[2] == "3" && failedAction == "":
				failedAction = m[1]
			}
			if !topLevel(m[1]) {
				last.name, last.value = m[1], m[2]
			}
			for i := len(running) - 1; i >= 0; i-- {
				if running[i] == m[1] {
					running = running[:i]
					break
				}
			}
			continue
		}
		for i, re := range errorPatterns {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				code, _ := strconv.Atoi(m[1])
				if i >= 3 { // exit codes
					if code != 0 {
						exit = code
					}
					continue
				}
				if _, ok := known[code]; !ok || (i == 2 && benignNote(code)) {
					continue
				}
				rep.Errors = append(rep.Errors, Error{Code: code, Line: n, Action: innermost(running), Text: strings.TrimSpace(line)})
			}
		}
	}
	if failedAction == "" && len(rep.Errors) == 0 && exit <= 0 {
		return rep, readErr
	}
	if failedAction == "" && len(rep.Errors) == 0 && exit == 3010 {
		return rep, readErr // success that needs a restart
	}
	f := &Failure{Action: failedAction, Exit: max(exit, 0)}
	if best := bestError(rep.Errors); best != nil {
		f.Code, f.Line, f.Text = best.Code, best.Line, best.Text
		if f.Action == "" {
			f.Action = best.Action
		}
	} else {
		f.Code = 1603 // an action returned 3: a fatal error
		if exit > 0 {
			f.Code = exit
		}
		f.Line, f.Text = message.Line, message.Text
	}
	f.Known, _ = Lookup(f.Code)
	rep.Failed = f
	return rep, readErr
}

// topLevel actions end with the status of the whole installation; the one
// that failed is inside them.
func topLevel(action string) bool {
	switch action {
	case "INSTALL", "ExecuteAction", "ADMIN", "ADVERTISE":
		return true
	}
	return false
}

// benignNote: Windows logs "Note: 1: 2205" and the like for every missing
// optional table; only notes of codes that are real failures count, and
// 2203 notes are the only ones of those that matter.
func benignNote(code int) bool { return code != 2203 }

func innermost(running []string) string {
	for i := len(running) - 1; i >= 0; i-- {
		if !topLevel(running[i]) {
			return running[i]
		}
	}
	return ""
}

// bestError picks the most specific code: any known code beats the
// generic 1603 (and 3010), the first mention wins among equals.
func bestError(errs []Error) *Error {
	var best *Error
	for i := range errs {
		e := &errs[i]
		if best == nil || (generic(best.Code) && !generic(e.Code)) {
			best = e
		}
	}
	return best
}

func generic(code int) bool { return code == 1603 || code == 3010 }

// Write prints the report for a person.
func (r Report) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if r.Product != "" {
		fmt.Fprintf(bw, "product:        %s\n", r.Product)
	}
	if r.Truncated > 0 {
		fmt.Fprintf(bw, "note:           %d lines longer than %d KiB were read only in their first %d KiB\n", r.Truncated, MaxLine>>10, MaxLine>>10)
	}
	f := r.Failed
	switch {
	case f == nil && r.Lines == 0:
		fmt.Fprintf(bw, "result:         the log is empty: pass the file msiexec wrote with /l*v, after the installation ended\n")
		return bw.Flush()
	case f == nil:
		fmt.Fprintf(bw, "result:         no failure found in %d lines\n", r.Lines)
		return bw.Flush()
	}
	action := f.Action
	if action == "" {
		action = "(the log names none)"
	}
	fmt.Fprintf(bw, "failing action: %s\n", action)
	fmt.Fprintf(bw, "error:          %d", f.Code)
	if f.Message != "" {
		fmt.Fprintf(bw, " (%s)", f.Message)
	}
	fmt.Fprintln(bw)
	if f.Line > 0 {
		fmt.Fprintf(bw, "log line %d:    %s\n", f.Line, f.Text)
	}
	if f.Exit > 0 && f.Exit != f.Code {
		fmt.Fprintf(bw, "msiexec exit:   %d\n", f.Exit)
	}
	if f.Meaning != "" {
		fmt.Fprintf(bw, "meaning:        %s\n", f.Meaning)
		fmt.Fprintf(bw, "fix:            %s\n", f.Fix)
	} else {
		fmt.Fprintf(bw, "meaning:        gomsi does not know error %d; search the log for it and read the lines before the failing action\n", f.Code)
	}
	return bw.Flush()
}
