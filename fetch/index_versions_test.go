package fetch

import (
	"strings"
	"testing"
)

// TestIndexRefusesVersionSpellings: index and toolchain versions follow
// the same syntax as VERSION files.
func TestIndexRefusesVersionSpellings(t *testing.T) {
	for _, v := range []string{"go01.26.8", "go1.99999999999999999999.1"} {
		index := `[{"version": "` + v + `", "stable": true, "files": []}]`
		if _, err := parseIndex([]byte(index)); err == nil || !strings.Contains(err.Error(), "not a Go release version") {
			t.Errorf("index version %s: %v", v, err)
		}
		if _, _, ok := parseToolchainVersion("v0.0.1-" + v + ".windows-amd64"); ok {
			t.Errorf("toolchain version of %s accepted", v)
		}
	}
}
