// Package wix compiles WiX source into Windows Installer packages with a
// choice of toolsets, each behind the Toolset interface.
package wix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix/dialect"
)

// Job is one compilation: WiX sources in, one .msi out.
type Job struct {
	Sources   []string     // .wxs files
	SourceDir string       // the tree the File elements point into, as $(var.SourceDir)
	Arch      product.Arch // target architecture
	Defines   map[string]string
	Out       string // the .msi to write; it appears only when complete
	// Plan is what the package does on the target (package installer), the
	// one the sources were rendered from: WiX v3's light skips the ICE rules
	// it breaks on purpose, and wixl adds what it cannot compile (the
	// environment changes, the Upgrade rows) to the built package. nil for
	// sources that are not gomsi's installer.
	Plan *templates.InstallerData
	// UpgradeCode is the product's, which the plan's Upgrade rows are for.
	UpgradeCode string
}

// Toolset is a WiX compiler.
type Toolset interface {
	// Name is the value of GOMSI_TOOLSET that selects it.
	Name() string
	// Detect finds the toolset's programs and their version.
	Detect(ctx context.Context) (Info, error)
	// Supports returns an error wrapping ErrUnsupported, with the reason
	// and what to do instead, when the toolset cannot build packages for
	// arch; it runs before anything is harvested or compiled.
	Supports(arch product.Arch) error
	// Dialect is the source the toolset reads and what it can compile,
	// which the templates and the installer plan adapt to.
	Dialect() dialect.Dialect
	// Build compiles the job's sources into job.Out.
	Build(ctx context.Context, job Job) error
}

// Info describes an installed toolset.
type Info struct {
	Version string
	Paths   []string // the programs found
}

// ErrNotFound is wrapped by Detect errors for toolsets that are not installed.
var ErrNotFound = errors.New("toolset not found")

// ErrUnsupported is wrapped by errors for jobs a toolset cannot build
// faithfully; gomsi refuses them rather than ship a package that lacks something.
var ErrUnsupported = errors.New("not supported by this toolset")

// ErrToolFailed is wrapped by errors for tools that failed or warned.
var ErrToolFailed = errors.New("tool failed")

// defineArgs renders defines as sorted name=value pairs, so argv is stable.
func defineArgs(flag string, job Job) []string {
	defs := map[string]string{"SourceDir": job.SourceDir}
	for k, v := range job.Defines {
		defs[k] = v
	}
	names := make([]string, 0, len(defs))
	for k := range defs {
		names = append(names, k)
	}
	sort.Strings(names)
	var args []string
	for _, k := range names {
		args = append(args, flag, k+"="+defs[k])
	}
	return args
}

// tempOut returns a temporary name beside out for the compiler to write,
// and a function that renames it to out on success or removes it.
func tempOut(out string) (string, func(ok bool) error, error) {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return "", nil, err
	}
	tmp := f.Name()
	f.Close()
	os.Remove(tmp) // compilers refuse or append to existing files; keep only the unique name
	finish := func(ok bool) error {
		if !ok {
			os.Remove(tmp)
			return nil
		}
		if err := syncFile(tmp); err != nil {
			os.Remove(tmp)
			return err
		}
		return os.Rename(tmp, out)
	}
	return tmp, finish, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// toolError wraps a failed run with the tool's output and a hint.
func toolError(tool string, err error, out []byte, hint string) error {
	msg := strings.TrimSpace(string(out))
	if hint != "" {
		msg += "\n" + hint
	}
	return fmt.Errorf("%s: %w: %v: %s", tool, ErrToolFailed, err, msg)
}
