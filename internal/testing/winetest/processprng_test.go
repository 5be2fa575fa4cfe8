package winetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAddProcessPrngRunsGo: a Go program built by this Go (1.24+ loads
// ProcessPrng at start-up) runs in a prefix with the shim.
func TestAddProcessPrngRunsGo(t *testing.T) {
	if testing.Short() {
		t.Skip("creates a Wine prefix")
	}
	p := New(t)
	p.AddProcessPrng()
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from Go\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(p.Dir, "drive_c", "hello.exe")
	cmd := exec.Command("go", "build", "-trimpath", "-o", exe, "main.go")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=", "GO111MODULE=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build a Windows Go program: %v\n%s", err, out)
	}
	out, err := p.Run(2*time.Minute, `C:\hello.exe`)
	if err != nil || !strings.Contains(string(out), "hello from Go") {
		t.Errorf("hello.exe under Wine with the shim: %v: %s", err, out)
	}
}
