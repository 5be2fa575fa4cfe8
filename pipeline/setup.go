package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/setup"
)

// buildSetup writes <msi>-setup.exe beside a built (and signed) MSI,
// signs it and writes its .sha256; with setup: false it removes a setup
// exe of an earlier build instead, which would carry an older MSI.
func (p *Pipeline) buildSetup(ctx context.Context, msi string, prod product.Product) (string, error) {
	out := filepath.Join(filepath.Dir(msi), setup.Name(filepath.Base(msi)))
	if !p.Config.WantSetup() {
		for _, f := range []string{out, product.ChecksumName(out)} {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				return "", fmt.Errorf("setup: remove the stale %s: %w", f, err)
			}
		}
		return "", nil
	}
	start := time.Now()
	scope, err := setup.PackageScope(msi)
	if err != nil {
		return "", fmt.Errorf("setup: %w", err)
	}
	if err := setup.Build(ctx, setup.Options{MSI: msi, Out: out, Product: prod, Scope: scope, Icon: p.Config.Icon}); err != nil {
		return "", err
	}
	if s, err := p.Signer(ctx); err != nil {
		return "", err
	} else if s != nil {
		if err := s.SignPE(ctx, out); err != nil {
			os.Remove(out) // an unsigned setup must not be published by mistake
			return "", err
		}
	}
	sum, err := writeChecksum(out)
	if err != nil {
		return "", err
	}
	p.logf("built %s (%s, %s), sha256 %s", out, scope, since(start), sum)
	return out, nil
}

// rebuildSetup rebuilds the setup exe of an MSI of the out folder, after
// the MSI was signed again.
func (p *Pipeline) rebuildSetup(ctx context.Context, msi string) error {
	f, ok := parseMSIName(filepath.Base(msi))
	if !ok {
		return fmt.Errorf("setup: %s is not named go<version>.windows-<arch>.msi: remove it from %s", msi, p.Config.Out)
	}
	prod, err := product.New(f.Version, f.GOARCH, p.Config.UpgradeCode(f.GOARCH))
	if err != nil {
		return err
	}
	_, err = p.buildSetup(ctx, msi, prod)
	return err
}

// outSetups lists the setup exes of the given MSIs, checking that each
// carries exactly the MSI beside it (a setup of an earlier build would
// install another package than the one published with it).
func (p *Pipeline) outSetups(msis []string) ([]string, error) {
	var exes []string
	for _, m := range msis {
		exe := filepath.Join(filepath.Dir(m), setup.Name(filepath.Base(m)))
		if _, err := os.Stat(exe); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := setup.CheckCarries(exe, m); err != nil {
			return nil, fmt.Errorf("publish: %w: run go run mage.go msi again", err)
		}
		exes = append(exes, exe)
	}
	sort.Strings(exes)
	return exes, nil
}
