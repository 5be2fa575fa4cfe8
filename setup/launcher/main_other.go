//go:build !windows

// Command launcher is the program inside a gomsi setup exe; it runs on
// Windows only (gomsi cross-compiles it).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "the gomsi setup launcher runs on Windows only; gomsi builds it with GOOS=windows")
	os.Exit(2)
}
