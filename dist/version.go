package dist

import (
	"fmt"
	"go/version"
	"slices"
	"strings"

	"github.com/gomsi/gomsi/product"
)

// A versionSpec is one element of GOMSI_GO_VERSION: "latest", a release
// line such as go1.26 (its newest stable release) or an exact release.
type VersionSpec struct {
	raw    string // as the user wrote it, for error messages
	latest bool
	family string // "go1.26": newest stable release of the line
	exact  string // "go1.26.8", "go1.27rc1"
}

// Release names, as GOMSI_GO_VERSION and indexes spell them, are Go
// versions of package product's one model (product.ParseGoVersion): a name
// that is only its release line (go1.26) names the line.

// parseName parses a release name (go1.26.8, go1.27rc1) or a release line
// (go1.26), telling which.
func parseName(v string) (gv product.GoVersion, isLine bool, ok bool) {
	gv, err := product.ParseGoVersion(v)
	if err != nil {
		return gv, false, false
	}
	return gv, v == gv.Line(), true
}

// isLine reports whether v names a release line (go1.26).
func isLine(v string) bool {
	_, line, ok := parseName(v)
	return ok && line
}

const versionHint = "want latest, a release line (1.26), a release (1.26.8, go1.26.8, 1.27rc1) or a comma-separated list of them"

// parseVersionSpecs parses GOMSI_GO_VERSION. The "go" prefix is optional.
func ParseVersionSpecs(s string) ([]VersionSpec, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("parse Go version: empty; %s", versionHint)
	}
	var specs []VersionSpec
	for raw := range strings.SplitSeq(s, ",") {
		raw = strings.TrimSpace(raw)
		sp, err := parseVersionSpec(raw)
		if err != nil {
			return nil, err
		}
		specs = append(specs, sp)
	}
	return specs, nil
}

func parseVersionSpec(raw string) (VersionSpec, error) {
	if strings.EqualFold(raw, "latest") {
		return VersionSpec{raw: raw, latest: true}, nil
	}
	v := raw
	if !strings.HasPrefix(v, "go") {
		v = "go" + v
	}
	switch _, line, ok := parseName(v); {
	case !ok:
	case line:
		return VersionSpec{raw: raw, family: v}, nil
	default:
		return VersionSpec{raw: raw, exact: v}, nil
	}
	return VersionSpec{}, fmt.Errorf("parse Go version %q: %s", raw, versionHint)
}

// isReleaseName reports whether v names a release (go1.26.8, go1.27rc1) or
// a release line (go1.26).
func IsReleaseName(v string) bool {
	_, _, ok := parseName(v)
	return ok
}

// isStable reports whether v is a final release (no rc or beta).
func IsStable(v string) bool {
	gv, _, ok := parseName(v)
	return ok && gv.Pre == ""
}

// compareGo orders release versions. go/version sorts "go1.20" (a language
// version) before go1.20rc1, but before Go 1.21 the first release of a line
// was named go1.20, so release names without a patch number compare as .0.
func CompareGo(a, b string) int {
	return version.Compare(releaseForm(a), releaseForm(b))
}

func releaseForm(v string) string {
	if isLine(v) {
		return v + ".0"
	}
	return v
}

// lineOf returns the release line of v: go1.26 for go1.26.8 or go1.26rc1.
func lineOf(v string) string { return version.Lang(v) }

// resolveSpec picks the release spec names from versions (any order).
func ResolveVersion(sp VersionSpec, versions []string, stable func(string) bool) (string, error) {
	sorted := slices.Clone(versions)
	slices.SortFunc(sorted, func(a, b string) int { return CompareGo(b, a) }) // newest first
	switch {
	case sp.latest:
		for _, v := range sorted {
			if stable(v) {
				return v, nil
			}
		}
		return "", fmt.Errorf("resolve Go version latest: the source lists no stable release")
	case sp.family != "":
		var unstable []string
		for _, v := range sorted {
			if lineOf(v) != sp.family {
				continue
			}
			if stable(v) {
				return v, nil
			}
			unstable = append(unstable, v)
		}
		if len(unstable) > 0 {
			return "", fmt.Errorf("resolve Go version %s: %s has no stable release yet, only %s; name one exactly to build it",
				sp.raw, sp.family, strings.Join(unstable, ", "))
		}
		return "", fmt.Errorf("resolve Go version %s: no release of %s exists; nearest: %s",
			sp.raw, sp.family, strings.Join(nearestVersions(sorted, sp.family+".0"), ", "))
	default:
		if slices.Contains(sorted, sp.exact) {
			return sp.exact, nil
		}
		return "", fmt.Errorf("resolve Go version %s: %s does not exist; nearest: %s",
			sp.raw, sp.exact, strings.Join(nearestVersions(sorted, sp.exact), ", "))
	}
}

// nearestVersions returns the existing versions just below and just above
// want, oldest first, so that a typo or a not-yet-released version gets a
// useful suggestion.
func nearestVersions(versions []string, want string) []string {
	var below, above string
	for _, v := range versions {
		switch c := CompareGo(v, want); {
		case c < 0 && (below == "" || CompareGo(v, below) > 0):
			below = v
		case c > 0 && (above == "" || CompareGo(v, above) < 0):
			above = v
		}
	}
	var out []string
	for _, v := range []string{below, above} {
		if v != "" {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return []string{"none (the source lists no releases)"}
	}
	return out
}

// checkVersion reports whether a distribution that is already at hand (a
// local zip or folder) is the release GOMSI_GO_VERSION names; "" and latest
// accept any, since only a download source knows which release is newest.
func checkVersion(spec string, got product.GoVersion) error {
	if strings.TrimSpace(spec) == "" {
		return nil
	}
	specs, err := ParseVersionSpecs(spec)
	if err != nil {
		return err
	}
	if len(specs) > 1 {
		return fmt.Errorf("it is one release (%s) but GOMSI_GO_VERSION lists %d (%s): build one version per local source, or use a download source", got, len(specs), spec)
	}
	sp, v := specs[0], got.String()
	switch {
	case sp.latest, sp.family != "" && lineOf(v) == sp.family, sp.exact == v:
		return nil
	}
	return fmt.Errorf("it holds %s, but GOMSI_GO_VERSION (go_version) is %s: set GOMSI_GO_VERSION=%s (or latest), or point GOMSI_SOURCE at a %s distribution", v, sp.raw, strings.TrimPrefix(v, "go"), sp.raw)
}
