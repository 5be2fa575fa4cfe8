package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/publish"
)

// Fixes lists what gomsi's installers do better than the official one; the
// release notes show it.
var Fixes = []string{
	"A signed -setup.exe beside each MSI asks for administrator rights, checks C:\\Windows\\Temp, C:\\Windows\\Installer and the Windows Installer service, and runs msiexec with a private TEMP: it acts on the usual causes of errors 2502/2503 (no full administrator token, a broken Windows Temp).",
	"The Windows 10 launch condition really requires Windows 10 (the official test lets Windows 8.1 through).",
	"Upgrades install into the folder of the Go they replace, and a final release replaces its own release candidate.",
	"Install state lives in HKLM for per-machine installs; a per-user package installs without elevation.",
	"Component GUIDs are stable name-based UUIDs, not random on every build, so component reference counting works across upgrades.",
	"Uninstalling leaves no empty folder behind.",
	"Every file of the distribution is checked to be installable on Windows before packaging.",
}

// Publish uploads the MSIs of the out folder, their .sha256 files and a
// SHA256SUMS to the GitHub release of the configured tag.
func (p *Pipeline) Publish(ctx context.Context) (publish.Result, error) {
	cfg, err := publish.ConfigFromEnv(p.Config.Env.Publish, p.Config.Publish)
	if err != nil {
		return publish.Result{}, err
	}
	msis, err := p.OutMSIs()
	if err != nil {
		return publish.Result{}, err
	}
	if len(msis) == 0 {
		return publish.Result{}, fmt.Errorf("publish: no MSI in %s: run go run mage.go msi first", p.Config.Out)
	}
	setups, err := p.outSetups(msis)
	if err != nil {
		return publish.Result{}, err
	}
	deployFiles, err := p.outDeployFiles(msis)
	if err != nil {
		return publish.Result{}, err
	}
	rel := publish.Release{Assets: append(append(append([]string(nil), msis...), setups...), deployFiles...), Fixes: Fixes}
	versions := map[string]bool{}
	for _, m := range msis {
		f, ok := parseMSIName(filepath.Base(m))
		if !ok {
			return publish.Result{}, fmt.Errorf("publish: %s is not named go<version>.windows-<arch>.msi: remove it from %s", m, p.Config.Out)
		}
		versions[f.Version] = true
		rel.Arches = append(rel.Arches, f.GOARCH)
	}
	var vs []string
	for v := range versions {
		vs = append(vs, strings.TrimPrefix(v, "go"))
	}
	sort.Strings(vs)
	rel.GoVersion = strings.Join(vs, ", ")
	var opts []publish.Option
	if p.Log != nil {
		opts = append(opts, publish.WithLogger(p.Log))
	}
	pub, err := publish.New(cfg, opts...)
	if err != nil {
		return publish.Result{}, err
	}
	return pub.Publish(ctx, rel)
}

// parseMSIName splits go1.26.8.windows-amd64.msi into go1.26.8 and amd64.
func parseMSIName(name string) (product.Files, bool) {
	f, kind, err := product.ParseName(name)
	return f, err == nil && kind == product.MSIFile
}
