package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
)

// TestExtractLimitsReachExtraction: the GOMSI_MAX_EXTRACT settings bound a
// real build, not only dist's own tests, and a refused zip leaves no tree.
func TestExtractLimitsReachExtraction(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	if err := os.WriteFile(filepath.Join(root, "src", "big.go"), make([]byte, 64<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	zipPath := writeTreeZip(t, root)
	for key, value := range map[string]string{"GOMSI_MAX_EXTRACT_FILE": "4096", "GOMSI_MAX_EXTRACT": "8192"} {
		p := newTestPipeline(t, zipPath)
		p.Config = withEnv(t, p.Config, map[string]string{key: value})
		_, err := p.Fetch(context.Background())
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: %v", key, value, err)
		}
		if trees, _ := filepath.Glob(filepath.Join(p.Config.Out, "dist", "*")); len(trees) != 0 {
			t.Errorf("%s: a refused zip left %v", key, trees)
		}
	}
	p := newTestPipeline(t, zipPath)
	p.Config = withEnv(t, p.Config, map[string]string{"GOMSI_MAX_EXTRACT_FILE": "lots"})
	if _, err := p.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "GOMSI_MAX_EXTRACT_FILE") {
		t.Errorf("GOMSI_MAX_EXTRACT_FILE=lots: %v", err)
	}
}

// TestInstallPathsPastMaxPathRefused: a per-machine package holding a
// path Windows Installer cannot create under Program Files is refused
// before compiling (it would fail with 1304 on every machine).
func TestInstallPathsPastMaxPathRefused(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	deep := filepath.Join(root, "src", strings.Repeat("d", 120), strings.Repeat("e", 120))
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(deep, "x.go"), []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newTestPipeline(t, root)
	_, err := p.MSI(context.Background())
	if err == nil || !strings.Contains(err.Error(), "MAX_PATH") || !strings.Contains(err.Error(), "exclude") {
		t.Fatalf("a path past MAX_PATH: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(p.Config.Out, "*.msi")); len(m) != 0 {
		t.Errorf("a refused tree left %v", m)
	}
}
