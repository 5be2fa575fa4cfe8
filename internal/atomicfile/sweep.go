package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TempMark marks the temporary names of this package's writers, and of the
// trees and downloads written beside their final names: "." + the final
// name + TempMark + a random part.
const TempMark = ".tmp-"

// IsTemporary reports whether name is one of the temporary names gomsi's
// writers use beside their outputs: "." + the output's name + a mark
// (TempMark for this package, the toolsets, downloads and extracted trees;
// ".cab-" for the native compiler's cabinet folders; ".sign-" for signing;
// a ".tmp" end for the MSI database writer), or ".msipatch-" folders.
func IsTemporary(name string) bool {
	if !strings.HasPrefix(name, ".") {
		return false
	}
	return strings.Contains(name, TempMark) || strings.Contains(name, ".cab-") || strings.Contains(name, ".sign-") ||
		strings.HasSuffix(name, ".tmp") || strings.HasPrefix(name, ".msipatch-")
}

// Sweep removes the temporary files and trees (IsTemporary) in dir that
// killed processes left behind: all of them when minAge is 0 (the caller
// knows no other process writes in dir), else those unwritten for longer
// than minAge.
func Sweep(dir string, minAge time.Duration) {
	SweepAt(dir, minAge, time.Now())
}

// SweepAt is Sweep at the time now.
func SweepAt(dir string, minAge time.Duration, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !IsTemporary(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && (minAge <= 0 || now.Sub(info.ModTime()) > minAge) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}
