package dist

import (
	"strings"
	"testing"
)

func TestParseVersionSpec(t *testing.T) {
	for _, tc := range []struct {
		in                   string
		latest               bool
		family, exact, error string
	}{
		{in: "latest", latest: true},
		{in: "LATEST", latest: true},
		{in: "1.26", family: "go1.26"},
		{in: "go1.26", family: "go1.26"},
		{in: "1.26.8", exact: "go1.26.8"},
		{in: "go1.26.8", exact: "go1.26.8"},
		{in: "1.27rc1", exact: "go1.27rc1"},
		{in: "go1.22beta2", exact: "go1.22beta2"},
		{in: "1.21.0", exact: "go1.21.0"},
		{in: "1.x", error: `parse Go version "1.x": want latest`},
		{in: "1.26.8.1", error: `parse Go version "1.26.8.1"`},
		{in: "1.027", error: `parse Go version "1.027"`},
		{in: "1.27rc0", error: `parse Go version "1.27rc0"`},
		{in: "1.27.1rc1", error: `parse Go version "1.27.1rc1"`},
		{in: "", error: "parse Go version: empty"},
		{in: "v1.26.8", error: `parse Go version "v1.26.8"`},
	} {
		specs, err := ParseVersionSpecs(tc.in)
		if tc.error != "" {
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Errorf("parseVersionSpecs(%q) error = %v, want %q", tc.in, err, tc.error)
			}
			continue
		}
		if err != nil || len(specs) != 1 {
			t.Errorf("parseVersionSpecs(%q) = %v, %v", tc.in, specs, err)
			continue
		}
		sp := specs[0]
		if sp.latest != tc.latest || sp.family != tc.family || sp.exact != tc.exact {
			t.Errorf("parseVersionSpecs(%q) = %+v, want latest=%v family=%q exact=%q", tc.in, sp, tc.latest, tc.family, tc.exact)
		}
	}
}

func TestParseVersionSpecsList(t *testing.T) {
	specs, err := ParseVersionSpecs(" 1.25.5, go1.26 ,latest")
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 3 || specs[0].exact != "go1.25.5" || specs[1].family != "go1.26" || !specs[2].latest {
		t.Fatalf("got %+v", specs)
	}
	if _, err := ParseVersionSpecs("1.25.5,,1.26"); err == nil || !strings.Contains(err.Error(), `""`) {
		t.Errorf("empty list element: error = %v", err)
	}
}

func TestCompareGo(t *testing.T) {
	// Each version is older than the next.
	ordered := []string{"go1.9.7", "go1.20beta1", "go1.20rc1", "go1.20", "go1.20.1", "go1.21rc2", "go1.21.0", "go1.21.10", "go1.26.8", "go1.27beta1", "go1.27rc1", "go1.27rc2", "go1.27.0"}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := CompareGo(ordered[i], ordered[j]); got != want {
				t.Errorf("compareGo(%s, %s) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	if CompareGo("go1.20", "go1.20.0") != 0 {
		t.Error("go1.20 and go1.20.0 should be the same release")
	}
}

func TestIsStable(t *testing.T) {
	for v, want := range map[string]bool{"go1.26.8": true, "go1.20": true, "go1.27rc1": false, "go1.22beta2": false} {
		if IsStable(v) != want {
			t.Errorf("isStable(%s) = %v", v, !want)
		}
	}
}

func TestResolveSpec(t *testing.T) {
	versions := []string{"go1.27rc1", "go1.26.8", "go1.26.7", "go1.25.5", "go1.20.1", "go1.20", "go1.28beta1"}
	for _, tc := range []struct{ spec, want, error string }{
		{"latest", "go1.26.8", ""},
		{"1.26", "go1.26.8", ""},
		{"1.25", "go1.25.5", ""},
		{"1.20", "go1.20.1", ""},
		{"1.26.7", "go1.26.7", ""},
		{"go1.27rc1", "go1.27rc1", ""},
		{"1.26.9", "", "go1.26.9 does not exist; nearest: go1.26.8, go1.27rc1"},
		{"1.19.3", "", "nearest: go1.20"},
		{"1.30.1", "", "nearest: go1.28beta1"},
		{"1.27", "", "go1.27 has no stable release yet, only go1.27rc1"},
		{"1.24", "", "no release of go1.24 exists; nearest: go1.20.1, go1.25.5"},
	} {
		specs, err := ParseVersionSpecs(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ResolveVersion(specs[0], versions, IsStable)
		if tc.error != "" {
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Errorf("resolve %s: error = %v, want %q", tc.spec, err, tc.error)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("resolve %s = %q, %v; want %q", tc.spec, got, err, tc.want)
		}
	}
}

func TestResolveLatestWithoutStable(t *testing.T) {
	specs, _ := ParseVersionSpecs("latest")
	_, err := ResolveVersion(specs[0], []string{"go1.27rc1"}, IsStable)
	if err == nil || !strings.Contains(err.Error(), "no stable release") {
		t.Errorf("error = %v", err)
	}
}
