package product

import (
	"fmt"
	"strings"
)

// Files names the files of one Go release for one arch. They share a stem,
// go1.26.8.windows-amd64, as go.dev/dl names its downloads: the
// distribution go1.26.8.windows-amd64.zip, the folders it is extracted and
// rendered into, and what gomsi builds from it (FileKind), each with its
// checksum file.
type Files struct {
	Version string // go1.26.8, a name ParseGoVersion accepts
	GOARCH  string // amd64, a name LookupArch knows
}

// FileKind is the end of a file's name after the stem.
type FileKind string

// The files of a release for an arch.
const (
	ZipFile    FileKind = ".zip"         // the Go distribution
	MSIFile    FileKind = ".msi"         // the installer
	SetupFile  FileKind = "-setup.exe"   // the setup exe beside it
	IntuneFile FileKind = ".intunewin"   // its Intune Win32 package
	FactsFile  FileKind = ".deploy.json" // its deployment facts
)

// builtKinds are the kinds gomsi builds, in the order ParseName tries them.
var builtKinds = []FileKind{MSIFile, SetupFile, IntuneFile, FactsFile}

// stemSep separates the version and the arch in a stem.
const stemSep = ".windows-"

// Files returns the names of the product's files.
func (p Product) Files() Files { return Files{Version: p.GoVersion.String(), GOARCH: p.Arch.GOARCH} }

// Stem is what the names share: go1.26.8.windows-amd64.
func (f Files) Stem() string { return f.Version + stemSep + f.GOARCH }

// Name is the name of the file of kind k: go1.26.8.windows-amd64-setup.exe.
func (f Files) Name(k FileKind) string { return f.Stem() + string(k) }

// ParseStem splits go1.26.8.windows-amd64 into a release and an arch, both
// of which must be valid.
func ParseStem(stem string) (Files, error) {
	version, arch, ok := strings.Cut(stem, stemSep)
	if !ok {
		return Files{}, fmt.Errorf("%q is not named go<version>%s<arch>", stem, stemSep)
	}
	if _, err := ParseGoVersion(version); err != nil {
		return Files{}, fmt.Errorf("%q: %w", stem, err)
	}
	if _, err := LookupArch(arch); err != nil {
		return Files{}, fmt.Errorf("%q: %w", stem, err)
	}
	return Files{Version: version, GOARCH: arch}, nil
}

// ParseName splits the name of a file gomsi builds (an MSI, a setup exe,
// an Intune package or deployment facts) into its release, arch and kind.
func ParseName(name string) (Files, FileKind, error) {
	for _, k := range builtKinds {
		if stem, ok := strings.CutSuffix(name, string(k)); ok {
			f, err := ParseStem(stem)
			return f, k, err
		}
	}
	return Files{}, "", fmt.Errorf("%q is not an .msi, a -setup.exe, an .intunewin or a .deploy.json", name)
}

// Beside returns the path of the file of kind k that goes beside the MSI
// at msiPath: go1.26.8.windows-amd64.msi has go1.26.8.windows-amd64.intunewin.
func Beside(msiPath string, k FileKind) string {
	return strings.TrimSuffix(msiPath, string(MSIFile)) + string(k)
}

// ChecksumSuffix ends the name of a file's checksum file:
// go1.26.8.windows-amd64.msi has go1.26.8.windows-amd64.msi.sha256.
const ChecksumSuffix = ".sha256"

// ChecksumName is the name of the checksum file of the file named name.
func ChecksumName(name string) string { return name + ChecksumSuffix }

// ChecksumLine is the line of a file in a checksum file, in the format of
// coreutils sha256sum (two spaces: text mode), which `sha256sum -c` and
// PowerShell scripts both parse: sum is lowercase hex, name the file's base
// name.
func ChecksumLine(sum, name string) string { return sum + "  " + name + "\n" }
