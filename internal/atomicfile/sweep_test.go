package atomicfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestSweepAt(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	for name, age := range map[string]time.Duration{
		".go.zip.tmp-123":   48 * time.Hour,   // left by a killed process
		".go.zip.tmp-456":   30 * time.Minute, // maybe another process, still downloading
		".go.zip.tmp-789":   2 * time.Hour,    // a download untouched for longer than it may stall
		"go.zip":            48 * time.Hour,
		"notes.tmp-but-not": 48 * time.Hour,
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	SweepAt(dir, time.Hour, now)
	got := names(t, dir)
	if want := []string{".go.zip.tmp-456", "go.zip", "notes.tmp-but-not"}; !slices.Equal(got, want) {
		t.Errorf("after cleaning: %q, want %q", got, want)
	}
}

func TestIsTemporary(t *testing.T) {
	for name, want := range map[string]bool{
		".go.zip.tmp-123":                    true,
		".go1.26.8.windows-amd64.msi.cab-1":  true,
		".go1.26.8.windows-amd64.msi.sign-1": true,
		".go1.26.8.windows-amd64.msi.1.tmp":  true,
		".msipatch-1":                        true,
		"go.zip.tmp-123":                     false, // not hidden: not gomsi's
		".gomsi-out":                         false,
		".go1.26.8.windows-amd64.zip.lock":   false,
		"go1.26.8.windows-amd64.msi":         false,
		".hidden":                            false,
	} {
		if got := IsTemporary(name); got != want {
			t.Errorf("IsTemporary(%q) = %v, want %v", name, got, want)
		}
	}
}

// names lists the names in dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}
