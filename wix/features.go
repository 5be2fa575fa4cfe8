package wix

import (
	"context"
	"fmt"
	"strings"

	"github.com/gomsi/gomsi/product"
)

// This file holds what each toolset can build, so that a job it cannot build
// faithfully is refused before anything runs instead of losing a feature.

// Feature is something a rendered installer asks of its compiler beyond
// files, folders and a major upgrade.
type Feature string

// The features toolsets differ on.
const (
	FeatureUI          Feature = "UI dialogs (WixUI)"
	FeatureEnvironment Feature = "environment variables (Environment)"
	FeatureSetProperty Feature = "SetProperty actions"
)

// Capable is implemented by toolsets that can tell, before running anything,
// whether they can build an arch with a set of features.
type Capable interface {
	// Supports returns an error wrapping ErrUnsupported, with the reason
	// and what to do instead, when the toolset cannot.
	Supports(arch product.Arch, features []Feature) error
}

// Supports implements Capable: arm64 needs WiX 3.14 and InstallerVersion 500.
func (w *Wix3) Supports(arch product.Arch, features []Feature) error {
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

// Supports implements Capable: WiX v4 and later build every arch and feature
// gomsi renders; arm64 still needs InstallerVersion 500.
func (w *Wix4) Supports(arch product.Arch, features []Feature) error {
	if arch.GOARCH == "arm64" && arch.InstallerVersion < 500 {
		return fmt.Errorf("wix4: %w: arm64 packages need InstallerVersion 500, the arch table says %d", ErrUnsupported, arch.InstallerVersion)
	}
	return nil
}

// wixlLacks are the features msitools' wixl cannot compile (0.101 has no
// UIRef and no dialogs at all).
var wixlLacks = map[Feature]bool{FeatureUI: true}

// Supports implements Capable: wixl has no arm64 and no UI.
func (w *Wixl) Supports(arch product.Arch, features []Feature) error {
	if arch.GOARCH == "arm64" {
		return fmt.Errorf("wixl: %w: wixl cannot build arm64 packages (it has no -a arm64): use another toolset (GOMSI_TOOLSET=wix4 or wix3)", ErrUnsupported)
	}
	var lacks []string
	for _, f := range features {
		if wixlLacks[f] {
			lacks = append(lacks, string(f))
		}
	}
	if len(lacks) > 0 {
		return fmt.Errorf("wixl: %w: wixl cannot compile %s: use GOMSI_TOOLSET=wix4 or wix3, or turn the feature off", ErrUnsupported, strings.Join(lacks, ", "))
	}
	return nil
}

// readyToBuild makes the checks WiX v3 and v4+ need before running
// anything: sources to compile, the toolset detected (detected says it was
// already), the arch supported and the compression level valid, which it
// returns.
func readyToBuild(ctx context.Context, t interface {
	Toolset
	Capable
}, detected bool, job Job, dcl string) (string, error) {
	if len(job.Sources) == 0 {
		return "", fmt.Errorf("%s: no sources to compile", t.Name())
	}
	if !detected {
		if _, err := t.Detect(ctx); err != nil {
			return "", err
		}
	}
	if err := t.Supports(job.Arch, nil); err != nil {
		return "", err
	}
	return checkDCL(t.Name(), dcl)
}
