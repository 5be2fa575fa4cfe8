package wix

import (
	"context"
	"fmt"

	"github.com/gomsi/gomsi/product"
)

// This file holds which arches each toolset can build, so that a job it
// cannot build faithfully is refused before anything runs.

// Supports implements Toolset: arm64 needs WiX 3.14 and InstallerVersion 500.
func (w *Wix3) Supports(arch product.Arch) error {
	if arch.GOARCH == "arm64" {
		if w.found != nil && !w.found.version.atLeast(3, 14) {
			return fmt.Errorf("wix3: %w: WiX %s cannot build arm64 packages (candle -arch arm64 arrived in 3.14): install WiX 3.14 or use GOMSI_TOOLSET=wix4", ErrUnsupported, w.found.version)
		}
		if arch.InstallerVersion < 500 {
			return fmt.Errorf("wix3: %w: arm64 packages need InstallerVersion 500, the arch table says %d", ErrUnsupported, arch.InstallerVersion)
		}
	}
	return nil
}

// Supports implements Toolset: WiX v4 and later build every arch; arm64
// still needs InstallerVersion 500.
func (w *Wix4) Supports(arch product.Arch) error {
	if arch.GOARCH == "arm64" && arch.InstallerVersion < 500 {
		return fmt.Errorf("wix4: %w: arm64 packages need InstallerVersion 500, the arch table says %d", ErrUnsupported, arch.InstallerVersion)
	}
	return nil
}

// Supports implements Toolset: wixl has no arm64.
func (w *Wixl) Supports(arch product.Arch) error {
	if arch.GOARCH == "arm64" {
		return fmt.Errorf("wixl: %w: wixl cannot build arm64 packages (it has no -a arm64): use another toolset (GOMSI_TOOLSET=wix4 or wix3)", ErrUnsupported)
	}
	return nil
}

// readyToBuild makes the checks WiX v3 and v4+ need before running
// anything: sources to compile, the toolset detected (detected says it was
// already), the arch supported and the compression level valid, which it
// returns.
func readyToBuild(ctx context.Context, t Toolset, detected bool, job Job, dcl string) (string, error) {
	if len(job.Sources) == 0 {
		return "", fmt.Errorf("%s: no sources to compile", t.Name())
	}
	if !detected {
		if _, err := t.Detect(ctx); err != nil {
			return "", err
		}
	}
	if err := t.Supports(job.Arch); err != nil {
		return "", err
	}
	return checkDCL(t.Name(), dcl)
}
