//go:build ignore

// mage.go runs the mage targets without installing mage: go run mage.go msi.
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
