package product

import (
	"sort"
	"testing"
)

// TestReleaseKeySortsLikeCompare: the installer compares release keys as
// strings in a launch condition, so string order must be version order,
// above all among releases that share a ProductVersion.
func TestReleaseKeySortsLikeCompare(t *testing.T) {
	names := []string{"go1.27.0", "go1.27rc1", "go1.20", "go1.26.10", "go1.27rc2", "go1.26.9", "go1.27beta1", "go1.26.8", "go1.100.0", "go2.0.0"}
	var vs []GoVersion
	for _, n := range names {
		v, err := ParseGoVersion(n)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	byCompare := append([]GoVersion(nil), vs...)
	sort.Slice(byCompare, func(i, j int) bool { return byCompare[i].Compare(byCompare[j]) < 0 })
	byKey := append([]GoVersion(nil), vs...)
	sort.Slice(byKey, func(i, j int) bool { return byKey[i].ReleaseKey() < byKey[j].ReleaseKey() })
	for i := range byCompare {
		if byCompare[i] != byKey[i] {
			t.Fatalf("release keys sort %v, versions sort %v", byKey, byCompare)
		}
	}
	rc, _ := ParseGoVersion("go1.27rc1")
	final, _ := ParseGoVersion("go1.27.0")
	a, _ := rc.MSIVersion()
	b, _ := final.MSIVersion()
	if a != b || rc.ReleaseKey() == final.ReleaseKey() {
		t.Errorf("go1.27rc1 and go1.27.0: MSI versions %s and %s, keys %s and %s", a, b, rc.ReleaseKey(), final.ReleaseKey())
	}
}

func TestMSIVersionLimits(t *testing.T) {
	for _, v := range []GoVersion{{Major: 256}, {Major: 1, Minor: 256}, {Major: 1, Minor: 2, Patch: 65536}, {Major: 1, Minor: 27, Pre: "rc", PreNum: 1000}} {
		if got, err := v.MSIVersion(); err == nil {
			t.Errorf("%+v mapped to %s, want an error", v, got)
		}
	}
	if got, err := (GoVersion{Major: 255, Minor: 255, Patch: 65535}).MSIVersion(); err != nil || got != "255.255.65535" {
		t.Errorf("the largest version: %s, %v", got, err)
	}
}

func TestMinWindows(t *testing.T) {
	for v, want := range map[string]WindowsRelease{"go1.20.14": Windows7SP1, "go1.21.0": Windows10, "go1.21rc2": Windows10, "go1.26.8": Windows10} {
		gv, _ := ParseGoVersion(v)
		if got := gv.MinWindows(); got != want {
			t.Errorf("%s needs %s, want %s", v, got, want)
		}
	}
}

// TestParseGoVersionRefusesOtherSpellings: a number with a leading zero is
// a second spelling of a release (go01.026.08 would build go1.26.8's tree
// and MSI under another name), and a number too large for an int used to
// parse as 0, naming another release.
func TestParseGoVersionRefusesOtherSpellings(t *testing.T) {
	for _, s := range []string{
		"go01.026.08", "go1.026.8", "go1.26.08", "go01.26.8", "go1.27rc01", "go1.27beta007",
		"go1.99999999999999999999", "go99999999999999999999.1.0", "go1.26.99999999999999999999",
		"go1.27rc99999999999999999999", "go0.1", "go1.27rc0", "go1.26.8 ", "go1.26.8\x1b[31m",
	} {
		if v, err := ParseGoVersion(s); err == nil {
			t.Errorf("ParseGoVersion(%q) = %v, want an error", s, v)
		}
	}
	for s, want := range map[string]GoVersion{
		"go1.26.8":   {Major: 1, Minor: 26, Patch: 8},
		"go1.26.0":   {Major: 1, Minor: 26},
		"go1.20":     {Major: 1, Minor: 20},
		"go1.0":      {Major: 1},
		"go1.27rc1":  {Major: 1, Minor: 27, Pre: "rc", PreNum: 1},
		"go1.27rc10": {Major: 1, Minor: 27, Pre: "rc", PreNum: 10},
		"go1.100.0":  {Major: 1, Minor: 100},
	} {
		if got, err := ParseGoVersion(s); err != nil || got != want {
			t.Errorf("ParseGoVersion(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
}
