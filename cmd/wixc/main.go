// Command wixc compiles WiX v3 sources into a Windows Installer package, as
// candle and light (or msitools' wixl) do, with gomsi's own compiler: pure
// Go, on any OS, with nothing else installed.
//
//	go install github.com/gomsi/gomsi/cmd/wixc@latest
//	wixc -a x64 -d SourceDir=dist -o app.msi Product.wxs
//
// Run wixc -h for the options. It compiles the part of the WiX v3 schema
// that gomsi's native toolset supports; anything else in a source is an
// error naming the element, file and line, never dropped.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gomsi/gomsi/wix/native"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes: a failed compilation, and a mistake on the command line.
const (
	exitFailed = 1
	exitUsage  = 2
)

// run is wixc without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "wixc: %v\n%sRun wixc -h for the options.\n", err, synopsis)
		return exitUsage
	}
	switch {
	case o.help:
		fmt.Fprint(stdout, usage)
		return 0
	case o.version:
		fmt.Fprintf(stdout, "wixc %s\n", native.Version())
		return 0
	}
	o.comp.Warn = func(pos wxs.Pos, msg string) { fmt.Fprintf(stderr, "%s: warning: %s\n", pos, msg) }
	ts := &native.Toolset{}
	if err := ts.Compile(ctx, o.comp); err != nil {
		printErrors(stderr, err)
		return exitFailed
	}
	return 0
}

// printErrors writes each of the joined errors on its own line; those from
// the sources start with file:line.
func printErrors(w io.Writer, err error) {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			printErrors(w, e)
		}
		return
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "wixc: interrupted; nothing was written")
		return
	}
	fmt.Fprintln(w, err)
}
