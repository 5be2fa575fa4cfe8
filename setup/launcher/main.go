//go:build windows

// Command launcher is the program inside a gomsi setup exe (see package
// github.com/gomsi/gomsi/setup/launch for what it does). gomsi builds it
// for each package with the package's scope and MSI name set by the linker
// (-X), and appends the MSI.
package main

import (
	"os"

	"github.com/gomsi/gomsi/setup/launch"
)

// Set with -ldflags -X by gomsi's setup builder.
var (
	scope   = string(launch.PerMachine)
	msiName = "package.msi"
)

func main() {
	sys := newSystem()
	os.Exit(launch.Run(sys, launch.Package{Name: msiName, Scope: launch.Scope(scope)}, os.Args[1:]))
}
