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

var goVersionRE = regexp.MustCompile(`^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$`)

// ParseGoVersion parses the first line of a Go distribution's VERSION file.
func ParseGoVersion(s string) (GoVersion, error) {
	m := goVersionRE.FindStringSubmatch(s)
	if m == nil {
		return GoVersion{}, fmt.Errorf("parse Go version %q: want a release version like go1.26.8 or go1.27rc1", s)
	}
	var v GoVersion
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
	}
	v.Pre = m[4]
	if m[5] != "" {
		v.PreNum, _ = strconv.Atoi(m[5])
	}
	if v.Pre != "" && m[3] != "" {
		return GoVersion{}, fmt.Errorf("parse Go version %q: a prerelease has no patch number (go1.27rc1)", s)
	}
	return v, nil
}

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
// prerelease go1.Xrc1 -> 1.X.0, the same as its final release (the installer
// templates handle upgrades between the two).
func (v GoVersion) MSIVersion() (string, error) {
	if v.Major > 255 || v.Minor > 255 || v.Patch > 65535 {
		return "", fmt.Errorf("map %s to an MSI version: fields exceed 255.255.65535", v)
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch), nil
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
