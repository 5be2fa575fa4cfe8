// Package native is gomsi's own WiX compiler, the "native" toolset: it
// reads the WiX v3 source gomsi renders (package wxs), compiles it into
// tables (package compile), measures the files (package fileinfo), packs
// them into LZX or MSZIP cabinets on every core (internal/cab) and writes the
// database (internal/msidb). Nothing outside Go is needed, on any OS, and
// the same inputs and SOURCE_DATE_EPOCH give a byte-identical package.
package native

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native/compile"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Toolset is the native toolset. The zero value is ready to use.
type Toolset struct {
	// Log receives progress lines; nil for none.
	Log func(format string, args ...any)
	// Getenv reads SOURCE_DATE_EPOCH and $(env.X); os.Getenv when nil.
	Getenv func(string) string
	// Workers compress cabinet blocks in parallel; 0 means every core.
	Workers int
	// MaxCabinetSize splits cabinets above this many uncompressed bytes;
	// 0 means only the format's limits split them (tests lower it).
	MaxCabinetSize int64
}

// Name implements wix.Toolset.
func (t *Toolset) Name() string { return "native" }

// Detect implements wix.Toolset: the native toolset is part of gomsi, so it
// is always there, at gomsi's version.
func (t *Toolset) Detect(ctx context.Context) (wix.Info, error) {
	return wix.Info{Version: Version()}, nil
}

// Version is gomsi's module version, "devel" in a development build.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Supports implements wix.Capable: every arch; no UI dialogs.
func (t *Toolset) Supports(arch product.Arch, features []wix.Feature) error {
	for _, f := range features {
		if f == wix.FeatureUI {
			return fmt.Errorf("native: %w: the native toolset cannot compile %s: use GOMSI_TOOLSET=wix4 or wix3, or turn the feature off", wix.ErrUnsupported, f)
		}
	}
	if arch.GOARCH == "arm64" && arch.InstallerVersion < 500 {
		return fmt.Errorf("native: %w: arm64 packages need InstallerVersion 500, the arch table says %d", wix.ErrUnsupported, arch.InstallerVersion)
	}
	return nil
}

func (t *Toolset) logf(format string, args ...any) {
	if t.Log != nil {
		t.Log(format, args...)
	}
}

func (t *Toolset) getenv(k string) string {
	if t.Getenv != nil {
		return t.Getenv(k)
	}
	return os.Getenv(k)
}

// Build implements wix.Toolset. job.Out appears only when complete: the
// database is written to a temporary name beside it and renamed.
func (t *Toolset) Build(ctx context.Context, job wix.Job) error {
	if err := t.build(ctx, job); err != nil {
		return fmt.Errorf("native: %w", err)
	}
	return nil
}

func (t *Toolset) build(ctx context.Context, job wix.Job) error {
	if len(job.Sources) == 0 {
		return errors.New("no sources to compile")
	}
	if job.Out == "" {
		return errors.New("no output path")
	}
	start := time.Now()
	roots, err := t.parse(job)
	if err != nil {
		return err
	}
	pkg, err := compile.Compile(roots, compile.Options{Platform: job.Arch.WixArch, CreatingApp: "gomsi " + Version()})
	if err != nil {
		return err
	}
	t.logf("native: read and compiled %d sources (%s)", len(roots), time.Since(start).Round(time.Millisecond))
	epoch, hasEpoch, err := msidb.SourceDateEpoch(t.getenv)
	if err != nil {
		return err
	}
	infos, err := t.measure(ctx, pkg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(job.Out), 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp(filepath.Dir(job.Out), "."+filepath.Base(job.Out)+".cab-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	packed := time.Now()
	media, err := t.layout(ctx, pkg, infos, work, epoch, hasEpoch)
	if err != nil {
		return err
	}
	t.logf("native: packed %d cabinets (%s)", len(media), time.Since(packed).Round(time.Millisecond))
	summary := pkg.Summary
	if hasEpoch {
		summary.Created, summary.Saved = epoch, epoch
	}
	if pkg.ProductCode == "*" {
		derived := time.Now()
		code, err := deriveProductCode(pkg, summary, infos, media)
		if err != nil {
			return err
		}
		pkg.SetProductCode(code)
		t.logf("native: derived ProductCode %s from the package (%s)", code, time.Since(derived).Round(time.Millisecond))
	}
	db := msidb.New()
	db.CodePage = pkg.CodePage
	db.Summary = summary
	if err := pkg.Tables.AddTo(db); err != nil {
		return err
	}
	if err := addFiles(db, pkg, infos, media); err != nil {
		return err
	}
	written := time.Now()
	if err := db.WriteFile(job.Out); err != nil {
		return fmt.Errorf("write %s: %w", job.Out, err)
	}
	t.logf("native: wrote the database (%s)", time.Since(written).Round(time.Millisecond))
	t.logf("native: compiled %d files into %s (%s)", len(pkg.Files), job.Out, time.Since(start).Round(time.Millisecond))
	return nil
}

// parse reads every source, with SourceDir and the job's defines as $(var.X).
func (t *Toolset) parse(job wix.Job) ([]*wxs.Element, error) {
	vars := map[string]string{"SourceDir": job.SourceDir}
	for k, v := range job.Defines {
		vars[k] = v
	}
	var roots []*wxs.Element
	for _, src := range job.Sources {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		root, err := wxs.Parse(src, f, wxs.Options{Vars: vars, Getenv: t.getenv})
		f.Close()
		if err != nil {
			return nil, err
		}
		roots = append(roots, root)
	}
	return roots, nil
}
