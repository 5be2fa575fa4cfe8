// Package product holds what identifies a Go installer: the per-architecture
// mappings and the Go-to-MSI version mapping.
package product

import (
	"fmt"
	"sort"
	"strings"
)

// Arch is everything that differs between the installers of two architectures.
type Arch struct {
	GOARCH           string // Go's name: 386, amd64, arm64
	WixArch          string // candle/wix/wixl -arch value
	Platform         string // summary information template platform
	ProgramFiles     string // WiX directory id of the Program Files folder
	InstallerVersion int    // minimum Windows Installer version x100
	Win64            bool
	UpgradeCode      string // the official installer's, so each replaces the other
	PEMachine        uint16 // IMAGE_FILE_MACHINE_* of the distribution's executables
}

// arches is the one table of per-architecture facts. Upgrade codes and
// installer versions are the official Go installer's (golang/build).
var arches = []Arch{
	{"386", "x86", "Intel", "ProgramFilesFolder", 300, false, "1C3114EA-08C3-11E1-9095-7FCA4824019B", 0x14c},
	{"amd64", "x64", "x64", "ProgramFiles64Folder", 300, true, "22EA7650-4AC6-4001-BF29-F4B8775DB1C0", 0x8664},
	{"arm64", "arm64", "Arm64", "ProgramFiles64Folder", 500, true, "21ADE9A3-3FDD-4BA6-BEA6-C85ABADC9488", 0xaa64},
}

// LookupArch returns the facts for a GOARCH value.
func LookupArch(goarch string) (Arch, error) {
	for _, a := range arches {
		if a.GOARCH == goarch {
			return a, nil
		}
	}
	return Arch{}, fmt.Errorf("unknown arch %q: use one of %s", goarch, strings.Join(ArchNames(), ", "))
}

// ArchNames lists the supported GOARCH values, sorted.
func ArchNames() []string {
	names := make([]string, len(arches))
	for i, a := range arches {
		names[i] = a.GOARCH
	}
	sort.Strings(names)
	return names
}

// ArchForMachine maps a PE machine type to its GOARCH value.
func ArchForMachine(machine uint16) (string, bool) {
	for _, a := range arches {
		if a.PEMachine == machine {
			return a.GOARCH, true
		}
	}
	return "", false
}
