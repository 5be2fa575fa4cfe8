//go:build mage

// gomsi turns a Go release into a Windows Installer package. Settings come
// from gomsi.yaml and GOMSI_* environment variables (see README.md).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/diagnose"
	"github.com/gomsi/gomsi/internal/testing/peerbench"
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

// stoppable runs a target with its context also cancelled by SIGTERM, as
// mage cancels it on SIGINT, so that a CI job being cancelled, timeout or
// systemd stop gomsi the way Ctrl-C does: every stage removes what it was
// writing. A second SIGTERM kills at once; the next run sweeps what is left.
func stoppable(parent context.Context, target func(context.Context) error) error {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case sig := <-sigs:
			signal.Stop(sigs) // a second SIGTERM kills (mage itself handles a second SIGINT)
			cancel(stoppedBy{sig})
		case <-ctx.Done():
		}
	}()
	err := target(ctx)
	var stop stoppedBy
	if err != nil && !errors.As(context.Cause(ctx), &stop) && errors.Is(parent.Err(), context.Canceled) {
		// mage cancels its context on SIGINT too, and may do so before
		// the signal reaches the goroutine above.
		stop = stoppedBy{os.Interrupt}
	}
	if err != nil && stop.sig != nil {
		code := 130 // the shells' 128 + the signal's number
		if stop.sig == syscall.SIGTERM {
			code = 143
		}
		return mg.Fatalf(code, "gomsi: %v; what was being written was removed (%v)", stop, err)
	}
	return err
}

type stoppedBy struct{ sig os.Signal }

func (s stoppedBy) Error() string {
	if s.sig == syscall.SIGTERM {
		return "stopped by SIGTERM"
	}
	return "stopped by SIGINT (Ctrl-C)"
}

// Fetch gets the configured Go distributions and extracts them under _out/dist.
func Fetch(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		p, err := newPipeline()
		if err != nil {
			return err
		}
		_, err = p.Fetch(ctx)
		return err
	})
}

// Harvest lists the files of each distribution as WiX components and prints a summary.
func Harvest(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		p, err := newPipeline()
		if err != nil {
			return err
		}
		_, err = p.Harvest(ctx)
		return err
	})
}

// Wxs renders the WiX sources of each installer under _out/wxs.
func Wxs(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		p, err := newPipeline()
		if err != nil {
			return err
		}
		_, _, err = p.WXS(ctx)
		return err
	})
}

// Msi builds each installer as _out/go<version>.windows-<arch>.msi with its .sha256 (the default target).
func Msi(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
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
	})
}

// Sign signs the MSIs in _out with Authenticode (building them first if there are none).
func Sign(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		p, err := newPipeline()
		if err != nil {
			return err
		}
		msis, err := p.SignMSIs(ctx)
		for _, m := range msis {
			fmt.Println(m)
		}
		return err
	})
}

// Verify checks the signature, certificate chain and timestamp of each MSI in _out and prints them.
func Verify(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		p, err := newPipeline()
		if err != nil {
			return err
		}
		reports, err := p.VerifyMSIs(ctx)
		for _, r := range reports {
			fmt.Println(r)
		}
		return err
	})
}

// Publish uploads the MSIs in _out, their .sha256 files and SHA256SUMS to the GitHub release of the tag.
func Publish(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		p, err := newPipeline()
		if err != nil {
			return err
		}
		release, err := p.Hold(ctx) // no build replaces the MSIs while they are uploaded
		if err != nil {
			return err
		}
		defer release()
		return publish(ctx, p)
	})
}

func publish(ctx context.Context, p *pipeline.Pipeline) error {
	res, err := p.Publish(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("release %s: %d uploaded, %d unchanged, %d replaced\n", res.URL, len(res.Uploaded), len(res.Unchanged), len(res.Replaced))
	return nil
}

// Release builds the MSIs, signs them when signing is configured, verifies them and publishes them.
func Release(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		p, err := newPipeline()
		if err != nil {
			return err
		}
		release, err := p.Hold(ctx) // what is published is what this run built
		if err != nil {
			return err
		}
		defer release()
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
		return publish(ctx, p)
	})
}

// Check lists the WiX toolsets and helper tools found, with versions, and how to install the missing ones.
func Check(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		p, err := newPipeline()
		if err != nil {
			return err
		}
		return p.Check(ctx, os.Stdout)
	})
}

// Diagnose reads an msiexec verbose log (msiexec /i go.msi /qn /l*v log.txt) and prints the failing action, the error, its meaning and the fix.
func Diagnose(logFile string) error {
	report, err := diagnose.ParseFile(logFile)
	if err != nil {
		return err
	}
	return report.Write(os.Stdout)
}

// Test runs the whole test suite (external tools are required when CI=true).
func Test() error {
	return sh.RunV("go", "test", "-count=1", "-timeout", "80m", "./...")
}

// Bench times gomsi against its peer tools (curl, unzip, wixl, gcab, msibuild, osslsigncode, sha256sum) and prints a table of the ratios.
// GOMSI_BENCH picks some by package or name (GOMSI_BENCH=dist,sign); it takes several minutes in all.
func Bench(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		comparisons, err := peerbench.Select(peerbench.Comparisons, strings.FieldsFunc(os.Getenv("GOMSI_BENCH"), func(r rune) bool { return r == ',' || r == ' ' }))
		if err != nil {
			return err
		}
		rows := peerbench.Run(ctx, peerbench.ExecRunner, ".", comparisons, os.Stderr)
		return peerbench.WriteTable(os.Stdout, rows)
	})
}

// Clean removes what gomsi made in the out folder (_out by default) and the folder; it refuses a folder gomsi did not make.
func Clean(ctx context.Context) error {
	return stoppable(ctx, func(ctx context.Context) error {
		p, err := newPipeline()
		if err != nil {
			return err
		}
		kept, err := p.Clean(ctx)
		if len(kept) > 0 {
			fmt.Fprintf(os.Stderr, "gomsi: kept in %s what gomsi did not make: %s\n", p.Config.Out, strings.Join(kept, ", "))
		}
		return err
	})
}
