package wix

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gomsi/gomsi/msipatch"
	"github.com/gomsi/gomsi/wix/dialect"
)

// Wixl is msitools' wixl, the WiX-compatible compiler for Linux and macOS.
// What it cannot compile of a job's plan, its Build adds to the package it
// built with msibuild (package msipatch).
type Wixl struct {
	Path     string // wixl program; "wixl" on PATH by default
	Msibuild string // msitools' msibuild; "msibuild" on PATH by default
	Runner   Runner
	Log      func(format string, args ...any) // progress lines; nil for silence
}

// Name implements Toolset.
func (w *Wixl) Name() string { return "wixl" }

// Dialect implements Toolset: a subset of WiX v3 source. wixl 0.101 has no
// binder, no "$$" escape, no <Environment> (Build adds the rows) and no
// WixUtilExtension, ignores InstallPrivileges, Platform, Secure and
// CompressionLevel, and opens an Icon's SourceFile only relative to the
// sources.
func (w *Wixl) Dialect() dialect.Dialect {
	return dialect.Dialect{Schema: dialect.V3, RelativeIcon: true}
}

func (w *Wixl) patcher() msipatch.Patcher {
	return msipatch.Patcher{Msibuild: w.Msibuild, Runner: w.Runner}
}

func (w *Wixl) path() string {
	if w.Path != "" {
		return w.Path
	}
	return "wixl"
}

// Detect implements Toolset.
func (w *Wixl) Detect(ctx context.Context) (Info, error) {
	p, err := exec.LookPath(w.path())
	if err != nil {
		return Info{}, fmt.Errorf("detect wixl: %w: install it with apt-get install wixl msitools (Debian, Ubuntu) or brew install msitools (macOS)", ErrNotFound)
	}
	out, err := w.Runner.Run(ctx, Command{Path: p, Args: []string{"--version"}})
	if err != nil {
		return Info{}, toolError("wixl --version", err, out, "")
	}
	return Info{Version: strings.TrimSpace(string(out)), Paths: []string{p}}, nil
}

// wixlWarning matches what wixl prints when it ignores something it does not
// understand: it still exits 0, so the MSI would silently lack it.
var wixlWarning = regexp.MustCompile(`(?m)(WARNING|CRITICAL|[Ww]arning:|unhandled)`)

// Build implements Toolset. wixl resolves relative Source paths against the
// folder of the sources, so it runs there with SourceDir made relative.
func (w *Wixl) Build(ctx context.Context, job Job) error {
	if len(job.Sources) == 0 {
		return errors.New("wixl: no sources to compile")
	}
	if job.Arch.GOARCH == "arm64" {
		return fmt.Errorf("wixl: %w: wixl cannot build arm64 packages (it has no -a arm64): use another toolset (GOMSI_TOOLSET)", ErrUnsupported)
	}
	if job.Plan != nil {
		// Fail before compiling when the package could not be completed.
		if _, err := w.patcher().Check(); err != nil {
			return err
		}
	}
	dir := filepath.Dir(job.Sources[0])
	rel, err := filepath.Rel(dir, job.SourceDir)
	if err != nil {
		return fmt.Errorf("wixl: %w", err)
	}
	job.SourceDir = filepath.ToSlash(rel)
	tmp, finish, err := tempOut(job.Out)
	if err != nil {
		return fmt.Errorf("wixl: %w", err)
	}
	if tmp, err = filepath.Abs(tmp); err != nil { // wixl runs in dir
		return fmt.Errorf("wixl: %w", err)
	}
	args := []string{"-a", job.Arch.WixArch}
	args = append(args, defineArgs("-D", job)...)
	args = append(args, "-o", tmp)
	for _, s := range job.Sources {
		args = append(args, filepath.Base(s))
	}
	out, err := w.Runner.Run(ctx, Command{Dir: dir, Path: w.path(), Args: args})
	if err == nil && wixlWarning.Match(out) {
		err = errors.New("wixl warned (it ignores what it cannot compile, so the MSI would lack it)")
	}
	if err != nil {
		finish(false)
		return toolError("wixl", err, out, "")
	}
	if err := finish(true); err != nil {
		return fmt.Errorf("wixl: %w", err)
	}
	return w.patch(ctx, job)
}

// patch adds what wixl cannot compile of the job's plan to the built
// package; on failure the package is gone, never shipped without it.
func (w *Wixl) patch(ctx context.Context, job Job) error {
	if job.Plan == nil {
		return nil
	}
	if err := w.patcher().Apply(ctx, job.Out, job.UpgradeCode, *job.Plan); err != nil {
		return err
	}
	if w.Log != nil {
		w.Log("wrote %d environment changes and %d upgrade rows into %s with msibuild (wixl cannot compile them)", len(job.Plan.Environment), len(job.Plan.Upgrades), job.Out)
	}
	return nil
}
