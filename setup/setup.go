// Package setup builds a gomsi setup exe: the launcher program
// (setup/launcher, cross-compiled for Windows with the Go toolchain that
// runs gomsi), Windows resources written from any system (an application
// manifest, a version resource, an icon), and the MSI appended with its
// SHA-256 (setup/payload). Signing is the caller's: the sign package signs
// the result like any PE file.
package setup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/gomsi/gomsi/internal/ctxio"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/setup/launch"
	"github.com/gomsi/gomsi/setup/payload"
)

// LauncherPackage is the import path of the program inside a setup exe.
const LauncherPackage = "github.com/gomsi/gomsi/setup/launcher"

// Runner runs the go command; tests inject a fake to check the command.
type Runner interface {
	Run(ctx context.Context, cmd *exec.Cmd) ([]byte, error)
}

// ExecRunner runs commands and returns their combined output.
type ExecRunner struct{}

// Run implements Runner.
func (ExecRunner) Run(ctx context.Context, cmd *exec.Cmd) ([]byte, error) {
	return cmd.CombinedOutput()
}

// Options describe one setup exe.
type Options struct {
	MSI     string          // the package to carry
	Out     string          // the setup exe to write
	Product product.Product // name, version, manufacturer and arch of the package
	Scope   launch.Scope    // the package's install scope: PackageScope reads it from the MSI
	Icon    string          // an .ico file, or ""
	Go      string          // the go command; "" for the toolchain running gomsi
	Runner  Runner          // nil for ExecRunner
}

// Name returns the setup exe's file name for an MSI's: go1.26.8.windows-amd64-setup.exe.
func Name(msiName string) string { return product.Beside(msiName, product.SetupFile) }

// safeMSIName is what the launcher may be told the MSI is called: it goes
// on the linker's command line and becomes a file name on the target.
var safeMSIName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*\.msi$`)

// Build writes the setup exe to o.Out, atomically: an interrupted or
// failed build leaves nothing there.
func Build(ctx context.Context, o Options) error {
	name := filepath.Base(o.MSI)
	if !safeMSIName.MatchString(name) {
		return fmt.Errorf("build setup: MSI name %q has characters other than letters, digits and ._+-: rename it", name)
	}
	if o.Scope != launch.PerMachine && o.Scope != launch.PerUser {
		return fmt.Errorf("build setup: scope %q: use %s or %s", o.Scope, launch.PerMachine, launch.PerUser)
	}
	msi, err := os.Open(o.MSI)
	if err != nil {
		return fmt.Errorf("build setup: %w", err)
	}
	defer msi.Close()
	work, err := os.MkdirTemp(filepath.Dir(o.Out), "."+filepath.Base(o.Out)+".tmp-")
	if err != nil {
		return fmt.Errorf("build setup: %w", err)
	}
	defer os.RemoveAll(work)
	if work, err = filepath.Abs(work); err != nil { // go build runs in gomsi's module folder
		return fmt.Errorf("build setup: %w", err)
	}
	exe := filepath.Join(work, "launcher.exe")
	if err := o.compile(ctx, name, exe); err != nil {
		return err
	}
	withResources := filepath.Join(work, "resources.exe")
	if err := addResources(exe, withResources, o); err != nil {
		return fmt.Errorf("build setup: resources: %w", err)
	}
	return atomicfile.Stream(o.Out, 0o755, func(w io.Writer) error {
		image, err := os.Open(withResources)
		if err != nil {
			return err
		}
		defer image.Close()
		n, err := io.Copy(w, image)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err = payload.Append(w, n, ctxio.Reader(ctx, msi))
		return err
	})
}

// compile cross-compiles the launcher. Every input of the build is set
// here, so that the same gomsi and toolchain give the same bytes: no build
// id, no paths (-trimpath), no VCS stamp, no cgo, the baseline
// instruction set, and none of the user's GOFLAGS.
func (o Options) compile(ctx context.Context, msiName, out string) error {
	goCmd := o.Go
	if goCmd == "" {
		goCmd = goTool()
	}
	ldflags := "-s -w -buildid= -H=windowsgui -X main.scope=" + string(o.Scope) + " -X main.msiName=" + msiName
	cmd := exec.CommandContext(ctx, goCmd, "build", "-trimpath", "-buildvcs=false", "-ldflags="+ldflags, "-o", out, LauncherPackage)
	cmd.Env = buildEnv(os.Environ(), o.Product.Arch.GOARCH)
	cmd.Dir = moduleRoot()
	r := o.Runner
	if r == nil {
		r = ExecRunner{}
	}
	if output, err := r.Run(ctx, cmd); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("build setup: %w", ctx.Err())
		}
		return fmt.Errorf("build setup: go build %s: %w: %s (gomsi builds the launcher from its own module: run it from the gomsi repository or a module that requires github.com/gomsi/gomsi)",
			LauncherPackage, err, strings.TrimSpace(string(output)))
	}
	return nil
}

// buildEnv is env for a reproducible Windows build of goarch.
func buildEnv(env []string, goarch string) []string {
	set := map[string]string{
		"GOOS": "windows", "GOARCH": goarch, "CGO_ENABLED": "0", "GOFLAGS": "", "GOTOOLCHAIN": "local",
		"GOAMD64": "v1", "GO386": "sse2", "GOARM64": "v8.0",
	}
	out := make([]string, 0, len(env)+len(set))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; !ok {
			out = append(out, kv)
		}
	}
	for _, k := range []string{"GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS", "GOTOOLCHAIN", "GOAMD64", "GO386", "GOARM64"} {
		out = append(out, k+"="+set[k])
	}
	return out
}

// moduleRoot is the gomsi module's folder when this source file is still
// where it was compiled from (go run mage.go, go test), so the launcher
// builds whatever folder gomsi runs in; otherwise "" (the current folder).
func moduleRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	root := filepath.Dir(filepath.Dir(file))
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(string(mod), "\n")
	if strings.TrimSpace(first) != "module "+strings.TrimSuffix(LauncherPackage, "/setup/launcher") {
		return ""
	}
	return root
}

// goTool is the go command of the toolchain running gomsi (go run mage.go
// runs gomsi with it), else the one on PATH.
func goTool() string {
	exe := "go"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	if root := runtime.GOROOT(); root != "" {
		if p := filepath.Join(root, "bin", exe); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// CheckCarries checks that the setup exe carries exactly msi.
func CheckCarries(exe, msi string) error {
	f, err := os.Open(exe)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	p, err := payload.Find(f, st.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", exe, err)
	}
	m, err := os.Open(msi)
	if err != nil {
		return err
	}
	defer m.Close()
	h := sha256.New()
	if _, err := io.Copy(h, m); err != nil {
		return err
	}
	if !bytes.Equal(h.Sum(nil), p.SHA256[:]) {
		return fmt.Errorf("%s carries another MSI than %s (built from an earlier one)", exe, msi)
	}
	return nil
}
