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
	"slices"

	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/dialect"
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

// Dialect implements wix.Toolset: the WiX v3 source candle and light read,
// with <Environment>, one Media and its CompressionLevel; no WixUtilExtension.
func (t *Toolset) Dialect() dialect.Dialect {
	return dialect.Dialect{
		Schema: dialect.V3, Binder: true, DollarEscape: true,
		InlineEnvironment: true, PackagePrivileges: true, PackagePlatform: true,
		SecureProperties: true, CompressionLevel: true,
	}
}

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

// Supports implements wix.Toolset: every arch.
func (t *Toolset) Supports(arch product.Arch) error {
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

// Build implements wix.Toolset: the job's sources with SourceDir and its
// defines as $(var.X), through Compile, which wixc runs too. gomsi's
// sources name files by absolute paths, but the wixl dialect's Icon is
// relative to the sources' folder, where the other toolsets run: that
// folder is the base path.
func (t *Toolset) Build(ctx context.Context, job wix.Job) error {
	defines := map[string]string{"SourceDir": job.SourceDir}
	for k, v := range job.Defines {
		defines[k] = v
	}
	var bases []string
	for _, src := range job.Sources {
		if dir := filepath.Dir(src); !slices.Contains(bases, dir) {
			bases = append(bases, dir)
		}
	}
	c := Compilation{Sources: job.Sources, Defines: defines, BasePaths: bases, Arch: job.Arch.WixArch, Out: job.Out,
		Warn: func(pos wxs.Pos, msg string) { t.logf("native: %s: warning: %s", pos, msg) }}
	if err := t.Compile(ctx, c); err != nil {
		if errors.Is(err, wxs.ErrNotNative) {
			return fmt.Errorf("native: %w\n(GOMSI_TOOLSET=wix3 or wix4 picks WiX; wixl where a message names it)", err)
		}
		return fmt.Errorf("native: %w", err)
	}
	return nil
}
