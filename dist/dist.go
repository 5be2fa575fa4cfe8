// Package dist opens Go binary distributions for Windows: a release zip or an
// extracted tree, checked so that every file can be installed on Windows.
package dist

import (
	"bufio"
	"context"
	"debug/pe"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomsi/gomsi/product"
)

// Dist is a Go distribution on disk, ready to harvest.
type Dist struct {
	Root    string            // the Go root: the folder holding VERSION, bin, src, ...
	Version product.GoVersion // from the distribution's own VERSION file
	Arch    string            // GOARCH of its executables, or the requested one if it has none
	Reused  bool              // the tree an earlier run extracted from the same zip, unchanged
}

// Options say where and what to open.
type Options struct {
	// WorkDir receives extracted zips (as WorkDir/go1.X.Y.windows-ARCH).
	WorkDir string
	// Arch is the GOARCH the caller expects; a distribution whose go.exe is
	// for another arch is an error.
	Arch string
	// Prefix is the folder inside a zip that holds the Go root: "go/" for
	// go.dev zips (the default), the module path for module proxy zips.
	Prefix string
	// ModuleZip says the zip is a golang.org/toolchain module, whose go.mod
	// files are stored as _go.mod (a module zip cannot hold nested modules);
	// they get their names back, as the go command does.
	ModuleZip bool
	// Version, when set, is GOMSI_GO_VERSION: the distribution must be the
	// release it names (latest accepts any), so that a local zip of another
	// release is not packaged unnoticed.
	Version string
	// Limits bound what extracting a zip may write; zero fields mean the
	// defaults (ExtractEnv.Limits parses what the environment sets).
	Limits ExtractLimits
}

// Open opens a distribution from a .zip file or a directory: the Go root
// itself, or a folder whose only child is go/. Cancelling ctx stops an
// extraction and removes what it wrote.
func Open(ctx context.Context, src string, opts Options) (*Dist, error) {
	info, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("open Go distribution: %w (set GOMSI_SOURCE to a go1.X.Y.windows-ARCH.zip or an extracted Go folder)", err)
	}
	if !info.IsDir() {
		if !strings.EqualFold(filepath.Ext(src), ".zip") {
			return nil, fmt.Errorf("open Go distribution %s: not a .zip file or a folder", src)
		}
		return openZip(ctx, src, opts)
	}
	root, err := findRoot(src)
	if err != nil {
		return nil, err
	}
	if err := checkTree(root); err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w", root, err)
	}
	d, err := describe(root, opts.Arch)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(opts.Version, d.Version); err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w", src, err)
	}
	return d, nil
}

// findRoot accepts the Go root or a folder whose only child is go/.
func findRoot(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "VERSION")); err == nil {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("open Go distribution: %w", err)
	}
	if len(entries) == 1 && entries[0].IsDir() && entries[0].Name() == "go" {
		return findRoot(filepath.Join(dir, "go"))
	}
	return "", fmt.Errorf("open Go distribution %s: no VERSION file: point GOMSI_SOURCE at the Go root (the folder holding VERSION and bin) or at a folder whose only child is go", dir)
}

// checkTree applies the zip rules to an extracted tree: names Windows can
// hold, no case collisions, regular files and folders only.
func checkTree(root string) error {
	seen := caseSet{}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == root {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if !d.Type().IsRegular() && !d.IsDir() {
			return fmt.Errorf("%w: %q is a %s, not a regular file or folder", ErrUnsafeName, rel, typeName(d.Type()))
		}
		if err := CheckName(rel); err != nil {
			return err
		}
		return seen.add(rel, d.IsDir())
	})
}

func typeName(m fs.FileMode) string {
	if m&fs.ModeSymlink != 0 {
		return "symbolic link"
	}
	return "special file (" + m.Type().String() + ")"
}

// describe reads the version and arch of the Go root.
func describe(root, wantArch string) (*Dist, error) {
	version, err := readVersion(filepath.Join(root, "VERSION"))
	if err != nil {
		return nil, err
	}
	arch, err := exeArch(filepath.Join(root, "bin", "go.exe"))
	if err != nil {
		return nil, err
	}
	switch {
	case arch == "":
		arch = wantArch
	case wantArch != "" && arch != wantArch:
		return nil, archMismatch(root, arch, wantArch)
	}
	return &Dist{Root: root, Version: version, Arch: arch}, nil
}

func archMismatch(src, arch, want string) error {
	return fmt.Errorf("open Go distribution %s: its go.exe is for windows/%s but arch %s was asked for: set GOMSI_ARCH=%s or use the windows-%s distribution", src, arch, want, arch, want)
}

func readVersion(path string) (product.GoVersion, error) {
	f, err := os.Open(path)
	if err != nil {
		return product.GoVersion{}, fmt.Errorf("read Go version: %w", err)
	}
	defer f.Close()
	return parseVersionFile(f, path)
}

func parseVersionFile(r io.Reader, name string) (product.GoVersion, error) {
	sc := bufio.NewScanner(r)
	sc.Scan()
	v, err := product.ParseGoVersion(strings.TrimSpace(sc.Text()))
	if err != nil {
		return v, fmt.Errorf("read Go version from %s: %w", name, err)
	}
	return v, nil
}

// exeArch returns the GOARCH of a Windows executable, or "" if it is absent.
func exeArch(path string) (string, error) {
	f, err := pe.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w: a Windows distribution's bin/go.exe must be a Windows executable", path, err)
	}
	defer f.Close()
	arch, ok := product.ArchForMachine(f.Machine)
	if !ok {
		return "", fmt.Errorf("read %s: unsupported machine type %#x", path, f.Machine)
	}
	return arch, nil
}
