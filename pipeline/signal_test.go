//go:build unix

package pipeline

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// These tests run the real targets, compiled from magefile.go as
// `go run mage.go` compiles them, in processes of their own, on the Go
// distribution fixture.

// compileTargets compiles the magefile's targets into one program.
func compileTargets(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the compiled targets on the Go distribution fixture, minutes in all; without -short it runs")
	}
	bin := filepath.Join(t.TempDir(), "gomsi-targets")
	cmd := exec.Command("go", "run", "mage.go", "-compile", bin)
	cmd.Dir = ".." // the module root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile the targets: %v\n%s", err, out)
	}
	return bin
}

// target is one run of a compiled target, its stderr read line by line.
type target struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	lines  chan string
	done   chan struct{}
}

func startTarget(t *testing.T, bin, out, zip string, args ...string) *target {
	t.Helper()
	r := &target{cmd: exec.Command(bin, args...), lines: make(chan string, 1000), done: make(chan struct{})}
	r.cmd.Dir = ".." // the module root, where `go run mage.go` runs
	r.cmd.Env = append(os.Environ(), "GOMSI_OUT="+out, "GOMSI_SOURCE="+zip, "GOMSI_TOOLSET=native", "GOMSI_CACHE="+t.TempDir())
	pipe, err := r.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(r.done)
		s := bufio.NewScanner(pipe)
		for s.Scan() {
			r.mu.Lock()
			r.stderr.WriteString(s.Text() + "\n")
			r.mu.Unlock()
			select {
			case r.lines <- s.Text():
			default:
			}
		}
		io.Copy(io.Discard, pipe)
	}()
	return r
}

// waitLine waits for a stderr line holding s.
func (r *target) waitLine(t *testing.T, s string) {
	t.Helper()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case l := <-r.lines:
			if strings.Contains(l, s) {
				return
			}
		case <-r.done:
			t.Fatalf("the run ended before printing %q:\n%s", s, r.log())
		case <-timeout:
			t.Fatalf("no line %q within 2 minutes:\n%s", s, r.log())
		}
	}
}

// wait waits for the run to end and returns its exit code (-1: killed).
func (r *target) wait(t *testing.T) int {
	t.Helper()
	timer := time.AfterFunc(2*time.Minute, func() { r.cmd.Process.Kill() })
	defer timer.Stop()
	<-r.done
	r.cmd.Wait()
	return r.cmd.ProcessState.ExitCode()
}

func (r *target) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}

// assertOnlyComplete checks that out holds nothing but gomsi's mark and
// lock, the build's outputs (each .sha256 the hash of its file, complete
// WiX sources) and the extracted tree: no temporary file or tree of any
// name (all of them start with a dot).
func assertOnlyComplete(t *testing.T, out string) {
	t.Helper()
	build := "go1.26.8.windows-amd64"
	filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == out {
			return err
		}
		rel, _ := filepath.Rel(out, path)
		name := filepath.ToSlash(rel)
		switch {
		case name == outMarker, name == outLock, name == "dist", name == "wxs", name == "wxs/"+build, name == "dist/"+build+".tree.json":
		case name == "dist/"+build, name == "winget": // whole trees, renamed into place
			return filepath.SkipDir
		case strings.HasSuffix(name, ".sha256") && !strings.Contains(name, "/"):
			if _, err := os.Stat(strings.TrimSuffix(path, ".sha256")); err == nil {
				assertChecksumMatches(t, strings.TrimSuffix(path, ".sha256"))
			}
		case strings.HasPrefix(name, build+".") || strings.HasPrefix(name, build+"-"): // the build's outputs
		case name == "wxs/"+build+"/Product.wxs", name == "wxs/"+build+"/Files.wxs":
			if b, _ := os.ReadFile(path); !bytes.HasSuffix(bytes.TrimSpace(b), []byte("</Wix>")) {
				t.Errorf("%s is incomplete", name)
			}
		default:
			t.Errorf("%s was left in the out folder", name)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(out, "dist", build)); err == nil {
		if _, err := os.Stat(filepath.Join(out, "dist", build, "VERSION")); err != nil {
			t.Errorf("the extracted tree is incomplete: %v", err)
		}
	}
}

// TestSIGTERMLeavesNothingHalfWritten stops `msi` with SIGTERM (what CI
// cancelling a job, timeout and systemd send) at several stages, and with
// SIGINT: it exits 143 (130) and leaves nothing half-written. A run killed with SIGKILL
// leaves temporaries, which the next run sweeps.
func TestSIGTERMLeavesNothingHalfWritten(t *testing.T) {
	zip := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	bin := compileTargets(t)
	for _, c := range []struct {
		stage, after string
		delay        time.Duration
		sig          syscall.Signal
		code         int
		says         string
	}{
		{"extracting", "gomsi: toolset native", 500 * time.Millisecond, syscall.SIGTERM, 143, "stopped by SIGTERM"},
		{"measuring files", "native: read and compiled", 0, syscall.SIGTERM, 143, "stopped by SIGTERM"},
		{"packing the cabinet", "native: measured", 300 * time.Millisecond, syscall.SIGTERM, 143, "stopped by SIGTERM"},
		{"Ctrl-C while packing", "native: measured", 300 * time.Millisecond, syscall.SIGINT, 130, "stopped by SIGINT"},
	} {
		t.Run(c.stage, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			r := startTarget(t, bin, out, zip, "msi")
			r.waitLine(t, c.after)
			time.Sleep(c.delay)
			r.cmd.Process.Signal(c.sig)
			if code := r.wait(t); code != c.code {
				t.Errorf("exit code %d after %v, want %d\n%s", code, c.sig, c.code, r.log())
			}
			if !strings.Contains(r.log(), c.says) {
				t.Errorf("the run does not say it was stopped:\n%s", r.log())
			}
			assertOnlyComplete(t, out)
		})
	}
	t.Run("SIGKILL, then another run", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		r := startTarget(t, bin, out, zip, "msi")
		r.waitLine(t, "native: measured")
		time.Sleep(300 * time.Millisecond)
		r.cmd.Process.Kill()
		r.wait(t)
		left := listTree(t, out)
		if !slices.ContainsFunc(left, func(n string) bool { return strings.Contains(n, ".cab-") }) {
			t.Logf("the killed run left no cabinet folder (it got further or less far): %q", left)
		}
		again := startTarget(t, bin, out, zip, "msi")
		if code := again.wait(t); code != 0 {
			t.Fatalf("the next run: exit code %d\n%s", code, again.log())
		}
		assertOnlyComplete(t, out)
	})
}

// TestConcurrentProcesses runs two `msi` processes into one out folder at
// once: the second waits for the first, saying so, and both succeed.
func TestConcurrentProcesses(t *testing.T) {
	zip := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	bin := compileTargets(t)
	out := filepath.Join(t.TempDir(), "out")
	runs := []*target{startTarget(t, bin, out, zip, "msi"), startTarget(t, bin, out, zip, "msi")}
	var waited int
	for i, r := range runs {
		if code := r.wait(t); code != 0 {
			t.Errorf("run %d: exit code %d\n%s", i, code, r.log())
		}
		if strings.Contains(r.log(), fmt.Sprintf("waiting for another gomsi run that uses %s (process ", out)) {
			waited++
		}
	}
	if waited != 1 {
		t.Errorf("%d runs said they waited, want 1:\n%s\n%s", waited, runs[0].log(), runs[1].log())
	}
	assertOnlyComplete(t, out)
	if _, err := os.Stat(filepath.Join(out, "go1.26.8.windows-amd64.msi.sha256")); err != nil {
		t.Error(err)
	}
}
