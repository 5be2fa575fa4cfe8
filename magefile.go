//go:build mage

// gomsi turns a Go release into a Windows Installer package. Settings come
// from gomsi.yaml and GOMSI_* environment variables (see README.md).
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/magefile/mage/sh"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/diagnose"
	"github.com/gomsi/gomsi/internal/peerbench"
	"github.com/gomsi/gomsi/pipeline"
)

// Default builds the MSIs.
var Default = Msi

func newPipeline() (*pipeline.Pipeline, error) {
	cfg, err := config.Load(config.FileName, os.Getenv)
	if err != nil {
		return nil, err
	}
	return &pipeline.Pipeline{Config: cfg, Log: os.Stderr}, nil
}

// Fetch gets the configured Go distributions and extracts them under _out/dist.
func Fetch(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	_, err = p.Fetch(ctx)
	return err
}

// Harvest lists the files of each distribution as WiX components and prints a summary.
func Harvest(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	_, err = p.Harvest(ctx)
	return err
}

// Wxs renders the WiX sources of each installer under _out/wxs.
func Wxs(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	_, _, err = p.WXS(ctx)
	return err
}

// Msi builds each installer as _out/go<version>.windows-<arch>.msi with its .sha256 (the default target).
func Msi(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	builds, err := p.MSI(ctx)
	for _, b := range builds {
		if b.MSI != "" {
			fmt.Println(b.MSI)
		}
	}
	return err
}

// Sign signs the MSIs in _out with Authenticode (building them first if there are none).
func Sign(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	msis, err := p.SignMSIs(ctx)
	for _, m := range msis {
		fmt.Println(m)
	}
	return err
}

// Verify checks the signature, certificate chain and timestamp of each MSI in _out and prints them.
func Verify(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	reports, err := p.VerifyMSIs(ctx)
	for _, r := range reports {
		fmt.Println(r)
	}
	return err
}

// Publish uploads the MSIs in _out, their .sha256 files and SHA256SUMS to the GitHub release of the tag.
func Publish(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	res, err := p.Publish(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("release %s: %d uploaded, %d unchanged, %d replaced\n", res.URL, len(res.Uploaded), len(res.Unchanged), len(res.Replaced))
	return nil
}

// Release builds the MSIs, signs them when signing is configured, verifies them and publishes them.
func Release(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	if _, err := p.MSI(ctx); err != nil {
		return err
	}
	if s, err := p.Signer(ctx); err != nil {
		return err
	} else if s != nil {
		reports, err := p.VerifyMSIs(ctx)
		for _, r := range reports {
			fmt.Println(r)
		}
		if err != nil {
			return err
		}
	}
	return Publish(ctx)
}

// Check lists the WiX toolsets and helper tools found, with versions, and how to install the missing ones.
func Check(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	return p.Check(ctx, os.Stdout)
}

// Diagnose reads an msiexec verbose log (msiexec /i go.msi /qn /l*v log.txt) and prints the failing action, the error, its meaning and the fix.
func Diagnose(logFile string) error {
	f, err := os.Open(logFile)
	if err != nil {
		return fmt.Errorf("diagnose: %w (pass the file written by msiexec /l*v)", err)
	}
	defer f.Close()
	return diagnose.Parse(f).Write(os.Stdout)
}

// Test runs the whole test suite (external tools are required when CI=true).
func Test() error {
	return sh.RunV("go", "test", "-count=1", "-timeout", "80m", "./...")
}

// Bench times gomsi against its peer tools (curl, unzip, wixl, gcab, msibuild, osslsigncode, sha256sum) and prints a table of the ratios.
// GOMSI_BENCH picks some by package or name (GOMSI_BENCH=dist,sign); it takes several minutes in all.
func Bench(ctx context.Context) error {
	comparisons, err := peerbench.Select(peerbench.Comparisons, strings.FieldsFunc(os.Getenv("GOMSI_BENCH"), func(r rune) bool { return r == ',' || r == ' ' }))
	if err != nil {
		return err
	}
	rows := peerbench.Run(ctx, peerbench.ExecRunner, ".", comparisons, os.Stderr)
	return peerbench.WriteTable(os.Stdout, rows)
}

// Clean removes the build outputs (the out folder, _out by default).
func Clean() error {
	cfg, err := config.Load(config.FileName, os.Getenv)
	if err != nil {
		return err
	}
	return os.RemoveAll(cfg.Out)
}
