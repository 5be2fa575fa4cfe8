package deploy

import (
	"strconv"
	"strings"
	"testing"
)

// TestParseOSCondition: the oldest Windows a launch condition lets through,
// for gomsi's own conditions (Go 1.21+ and older), the official installer's,
// and conditions that test no Windows or test it in a way gomsi cannot
// bound (an error, never a guess).
func TestParseOSCondition(t *testing.T) {
	build := map[string]bool{"GOMSI_WINDOWS_BUILD": true}
	for _, tc := range []struct {
		cond, want, err string
	}{
		{cond: "Installed OR (VersionNT >= 603 AND GOMSI_WINDOWS_BUILD >= 10240)", want: "10.0.10240.0"},
		{cond: "Installed OR VersionNT > 601 OR (VersionNT = 601 AND ServicePackLevel >= 1)", want: "6.1.7601.0"},
		{cond: "VersionNT >= 603", want: "6.3.0.0"}, // the official installer's test
		{cond: "(VersionNT >= 603) AND GOMSI_WINDOWS_BUILD >= 22000", want: "10.0.22000.0"},
		{cond: "Privileged", want: ""},
		{cond: `NOT WIX_DOWNGRADE_DETECTED`, want: ""},
		{cond: `Installed OR NOT GOMSI_INSTALLED_RELEASE OR GOMSI_INSTALLED_RELEASE <= "001.026.00008.3.000"`, want: ""},
		{cond: "Privileged OR VersionNT >= 603", want: ""}, // an administrator installs anywhere
		{cond: "VersionNT < 603", err: "upper limit"},
		{cond: "NOT VersionNT >= 603", err: "NOT of a Windows version test"},
		{cond: "VersionNT = 600 AND ServicePackLevel >= 3", err: "service pack 3"},
		{cond: "VersionNT >= 603 AND (GOMSI_WINDOWS_BUILD >= 10240", err: "parenthesis"},
		{cond: "VersionNT >= high", err: "not a number"},
		{cond: "OTHER_BUILD >= 10240", want: ""}, // not from CurrentBuildNumber: not a Windows test
	} {
		got, err := parseOSCondition(tc.cond, build)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, %v; want an error saying %q", tc.cond, got, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.cond, err)
			continue
		}
		s := ""
		for i, n := range got {
			if i > 0 {
				s += "."
			}
			s += strconv.Itoa(n)
		}
		if s != tc.want {
			t.Errorf("%q: minimum %q, want %q", tc.cond, s, tc.want)
		}
	}
}
