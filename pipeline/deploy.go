package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gomsi/gomsi/deploy"
	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/publish"
)

// wingetFolder holds the winget manifests in the out folder.
const wingetFolder = "winget"

// writeDeployment writes the deployment outputs of MSIs of the out folder,
// once they are built, signed and checksummed: per MSI its .deploy.json
// and .intunewin, per Go version the winget manifests of every MSI of that
// version in the out folder (what publish uploads). Every value is read
// back from the MSIs. An output turned off is removed, so that publish
// never uploads one left by an earlier build.
func (p *Pipeline) writeDeployment(ctx context.Context, msis []string) error {
	cfg := p.Config.Deploy
	modified := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC) // the oldest time a zip holds
	if t, ok, err := msidb.SourceDateEpoch(p.Config.Env.Getenv); err != nil {
		return err
	} else if ok && t.After(modified) {
		modified = t
	}
	versions := map[string]bool{}
	for _, path := range msis {
		version, _, err := p.checkMSIName(path)
		if err != nil {
			return err
		}
		versions[version] = true
		for _, o := range []struct {
			want bool
			path string
		}{{cfg.WantDeployFacts(), deploy.FactsPath(path)}, {cfg.WantIntune(), deploy.IntunePath(path)}} {
			// Removed first: should writing fail, no output of the previous
			// build remains beside the new MSI.
			if err := os.Remove(o.path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("deploy: remove the previous %s: %w", o.path, err)
			}
		}
		if !cfg.WantDeployFacts() && !cfg.WantIntune() {
			continue
		}
		m, err := p.readBuiltMSI(path)
		if err != nil {
			return err
		}
		if cfg.WantDeployFacts() {
			f, err := deploy.WriteFacts(m)
			if err != nil {
				return err
			}
			p.logf("wrote %s", f)
		}
		if cfg.WantIntune() {
			start := time.Now()
			f, err := deploy.WriteIntune(ctx, m, modified)
			if err != nil {
				return err
			}
			p.logf("wrote %s (%s)", f, since(start))
		}
	}
	var sorted []string
	for v := range versions {
		sorted = append(sorted, v)
	}
	sort.Strings(sorted)
	for _, v := range sorted {
		if err := p.writeWinget(v); err != nil {
			return err
		}
	}
	return nil
}

// writeWinget writes the winget manifests of one Go version from every MSI
// of that version in the out folder, or removes them when turned off.
func (p *Pipeline) writeWinget(goVersion string) error {
	cfg := p.Config.Deploy
	id := cfg.WingetIdentifier()
	root := filepath.Join(p.Config.Out, wingetFolder)
	dir := deploy.WingetDir(root, id, strings.TrimPrefix(goVersion, "go"))
	if !cfg.WantWinget() {
		return os.RemoveAll(dir)
	}
	installerURL, err := p.installerURL()
	if err != nil {
		return fmt.Errorf("winget: %w", err)
	}
	if installerURL == nil {
		os.RemoveAll(dir) // its URLs would name another release
		p.logf("winget manifests not written: where winget downloads the MSIs is not known yet; set winget.installer_base_url in gomsi.yaml, or the repository and tag that publish uploads to (GOMSI_GITHUB_REPO and GOMSI_TAG)")
		return nil
	}
	all, err := filepath.Glob(filepath.Join(p.Config.Out, product.Files{Version: goVersion, GOARCH: "*"}.Name(product.MSIFile)))
	if err != nil {
		return err
	}
	var msis []deploy.MSI
	for _, path := range all {
		m, err := p.readBuiltMSI(path)
		if err != nil {
			return err
		}
		msis = append(msis, m)
	}
	dir, err = deploy.WriteWinget(root, deploy.Winget{Identifier: id, GoVersion: goVersion, InstallerURL: installerURL}, msis)
	if err != nil {
		return err
	}
	p.logf("wrote the winget manifests of %d installers in %s", len(msis), dir)
	return nil
}

// installerURL returns where winget downloads an MSI: below
// winget.installer_base_url, else the GitHub release publish uploads to;
// nil when neither is known.
func (p *Pipeline) installerURL() (func(name string) string, error) {
	base := p.Config.Winget.InstallerBaseURL
	if base == "" {
		b, err := publish.DownloadBase(p.Config.Env.Publish, p.Config.Publish)
		if errors.Is(err, publish.ErrNoTarget) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		base = b
	}
	base = strings.TrimRight(base, "/") + "/"
	return func(name string) string { return base + url.PathEscape(name) }, nil
}

// checkMSIName splits an out folder MSI's name into Go version and arch.
func (p *Pipeline) checkMSIName(path string) (version, arch string, err error) {
	f, ok := parseMSIName(filepath.Base(path))
	if !ok {
		return "", "", fmt.Errorf("deploy: %s is not named go<version>.windows-<arch>.msi: remove it from %s", path, p.Config.Out)
	}
	return f.Version, f.GOARCH, nil
}

// readBuiltMSI reads an MSI's deployment facts and checks them against its
// name: the arch its summary names and the ProductVersion of its version.
func (p *Pipeline) readBuiltMSI(path string) (deploy.MSI, error) {
	version, arch, err := p.checkMSIName(path)
	if err != nil {
		return deploy.MSI{}, err
	}
	m, err := deploy.ReadMSI(path)
	if err != nil {
		return deploy.MSI{}, err
	}
	prod, err := product.New(version, arch, "")
	if err != nil {
		return deploy.MSI{}, err
	}
	if m.Arch != prod.Arch.WixArch || m.ProductVersion != prod.Version {
		return deploy.MSI{}, fmt.Errorf("deploy: %s is a package for %s version %s, which its name (%s for %s) contradicts: rebuild it with go run mage.go msi", path, m.Arch, m.ProductVersion, version, arch)
	}
	return m, nil
}

// outDeployFiles lists the deployment files of the given MSIs that publish
// uploads with them, checking that each belongs to the MSI beside it: the
// facts name its SHA-256, and an Intune package is not older than it.
func (p *Pipeline) outDeployFiles(msis []string) ([]string, error) {
	var files []string
	for _, m := range msis {
		mi, err := os.Stat(m)
		if err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
		if f := deploy.FactsPath(m); exists(f) {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("publish: %w", err)
			}
			var facts deploy.Facts
			if err := json.Unmarshal(b, &facts); err != nil {
				return nil, fmt.Errorf("publish: %s: %w: run go run mage.go msi again", f, err)
			}
			if sum, _, err := product.HashFile(m); err != nil {
				return nil, err
			} else if facts.SHA256 != sum {
				return nil, fmt.Errorf("publish: %s describes another build of %s (sha256 %s, the file has %s): run go run mage.go msi again", f, filepath.Base(m), facts.SHA256, sum)
			}
			files = append(files, f)
		}
		if f := deploy.IntunePath(m); exists(f) {
			if fi, err := os.Stat(f); err != nil {
				return nil, fmt.Errorf("publish: %w", err)
			} else if fi.ModTime().Before(mi.ModTime()) {
				return nil, fmt.Errorf("publish: %s is older than %s, so it holds an earlier build: run go run mage.go msi again", f, m)
			}
			files = append(files, f)
		}
	}
	return files, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
