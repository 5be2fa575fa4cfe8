package product

import (
	"fmt"
	"regexp"
	"strconv"
)

// GoVersion is a parsed Go release version such as go1.26.8 or go1.27rc1.
type GoVersion struct {
	Major, Minor, Patch int
	Pre                 string // "rc" or "beta", empty for a final release
	PreNum              int
}

// goVersionRE is the syntax of a Go release name, gomsi's one model of it:
// VERSION files, GOMSI_GO_VERSION, download indexes and file names all
// parse through ParseGoVersion. Numbers have no leading zeros (go01.026.08
// is not go1.26.8: two spellings of one release would name two trees, two
// caches and two MSIs), and the major version and a prerelease number start
// at 1, as Go's releases do. A name without patch or prerelease (go1.26) is
// also a release line (Line).
var goVersionRE = regexp.MustCompile(`^go([1-9][0-9]*)\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:(rc|beta)([1-9][0-9]*))?$`)

// ParseGoVersion parses the first line of a Go distribution's VERSION file.
func ParseGoVersion(s string) (GoVersion, error) {
	m := goVersionRE.FindStringSubmatch(s)
	if m == nil {
		return GoVersion{}, fmt.Errorf("parse Go version %q: want a release version like go1.26.8 or go1.27rc1 (numbers without leading zeros)", s)
	}
	var v GoVersion
	for _, f := range []struct {
		digits string
		dst    *int
	}{{m[1], &v.Major}, {m[2], &v.Minor}, {m[3], &v.Patch}, {m[5], &v.PreNum}} {
		if f.digits == "" {
			continue
		}
		n, err := strconv.Atoi(f.digits)
		if err != nil {
			// Parsed anyway, the number would become 0 or wrap into another release.
			return GoVersion{}, fmt.Errorf("parse Go version %q: %s is too large for a version number", s, f.digits)
		}
		*f.dst = n
	}
	v.Pre = m[4]
	if v.Pre != "" && m[3] != "" {
		return GoVersion{}, fmt.Errorf("parse Go version %q: a prerelease has no patch number (go1.27rc1)", s)
	}
	return v, nil
}

// Line is the release line of v: go1.26 for go1.26.8 and go1.26rc1.
func (v GoVersion) Line() string { return fmt.Sprintf("go%d.%d", v.Major, v.Minor) }

// String returns the version as Go spells it.
func (v GoVersion) String() string {
	s := fmt.Sprintf("go%d.%d", v.Major, v.Minor)
	switch {
	case v.Pre != "":
		s += fmt.Sprintf("%s%d", v.Pre, v.PreNum)
	case v.Patch > 0 || v.Major > 1 || v.Minor >= 21:
		// Since Go 1.21 the first release of a line is go1.21.0.
		s += fmt.Sprintf(".%d", v.Patch)
	}
	return s
}

// MSIVersion maps a Go version to a ProductVersion (major.minor.build, within
// 255.255.65535) as the official installer does: go1.X.Y -> 1.X.Y, and a
// prerelease go1.Xbeta1 or go1.Xrc1 -> 1.X.0, the same as its final release
// go1.X.0. The collision is deliberate (an official RC and gomsi's final
// release must replace each other) and handled explicitly: Windows Installer
// ignores a fourth field when it compares versions, so the installer orders
// releases that share a ProductVersion by ReleaseKey instead (a final release
// replaces its RC; with downgrades refused, an RC cannot replace its final).
// Versions beyond 255.255.65535, and prerelease numbers beyond 999, are
// errors rather than values that would wrap or truncate into another release.
func (v GoVersion) MSIVersion() (string, error) {
	if v.Major < 0 || v.Minor < 0 || v.Patch < 0 || v.Major > 255 || v.Minor > 255 || v.Patch > 65535 {
		return "", fmt.Errorf("map %s to an MSI version: fields exceed 255.255.65535, which Windows Installer cannot compare", v)
	}
	if v.PreNum > 999 {
		return "", fmt.Errorf("map %s to an MSI version: prerelease number %d exceeds 999", v, v.PreNum)
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch), nil
}

// ReleaseKey is a fixed-width string that sorts like Compare: the installer
// stores it in the registry and compares it lexically in a launch condition,
// which tells apart the releases that share a ProductVersion (go1.27rc1,
// go1.27rc2 and go1.27.0 are all 1.27.0).
func (v GoVersion) ReleaseKey() string {
	return fmt.Sprintf("%03d.%03d.%05d.%d.%03d", v.Major, v.Minor, v.Patch, preRank(v), v.PreNum)
}

// MinWindows is the oldest Windows a Go release runs on: Go 1.21 dropped
// Windows 7, 8 and 8.1 (and Server 2008 and 2012).
func (v GoVersion) MinWindows() WindowsRelease {
	if v.Major > 1 || v.Minor >= 21 {
		return Windows10
	}
	return Windows7SP1
}

// WindowsRelease is a minimum Windows version a Go release needs.
type WindowsRelease int

// The Windows releases Go has required.
const (
	Windows7SP1 WindowsRelease = iota
	Windows10
)

// String names the release as a user would look for it.
func (w WindowsRelease) String() string {
	if w == Windows10 {
		return "Windows 10 or Windows Server 2016"
	}
	return "Windows 7 SP1 or Windows Server 2008 R2 SP1"
}

// Compare orders versions: -1 if v < w, 0 if equal, +1 if v > w.
// Prereleases sort before the final release: beta < rc < final.
func (v GoVersion) Compare(w GoVersion) int {
	for _, d := range [...]int{v.Major - w.Major, v.Minor - w.Minor, v.Patch - w.Patch, preRank(v) - preRank(w), v.PreNum - w.PreNum} {
		if d != 0 {
			if d < 0 {
				return -1
			}
			return 1
		}
	}
	return 0
}

func preRank(v GoVersion) int {
	switch v.Pre {
	case "beta":
		return 0
	case "rc":
		return 1
	}
	return 2
}
