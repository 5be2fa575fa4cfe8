package pipeline

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/installer"
	"github.com/gomsi/gomsi/msipatch"
	"github.com/gomsi/gomsi/templates"
)

// installerPlan is what the build's installer does on the target machine.
func (p *Pipeline) installerPlan(b *Build, toolset string) (templates.InstallerData, error) {
	plan, err := installer.Plan(p.Config.Installer, b.Product, toolset)
	if err != nil || plan.Icon == "" || toolset != "wixl" {
		return plan, err
	}
	// wixl cannot open an absolute Icon SourceFile ("Couldn't find file"),
	// only one relative to the folder it runs in, the sources' folder.
	dir, err := filepath.Abs(p.sourcesDir(b))
	if err == nil {
		plan.Icon, err = filepath.Rel(dir, plan.Icon)
	}
	if err != nil {
		return plan, fmt.Errorf("icon %s: %w", p.Config.Icon, err)
	}
	plan.Icon = filepath.ToSlash(plan.Icon)
	return plan, nil
}

// sourcesDir is where WXS writes a build's WiX sources.
func (p *Pipeline) sourcesDir(b *Build) string {
	return filepath.Join(p.Config.Out, "wxs", b.Product.GoVersion.String()+".windows-"+b.Product.Arch.GOARCH)
}

// guidScope is what the harvested component GUIDs are derived from: the
// per-machine scope is unchanged since the first release, so that component
// GUIDs stay stable; per-user packages install elsewhere and must not share
// them (a component GUID names one path).
func (p *Pipeline) guidScope(b *Build) string {
	scope := b.Product.UpgradeCode + "|" + b.Product.Arch.GOARCH + "|" + b.Product.Arch.ProgramFiles + `\Go`
	if p.Config.InstallScope() == config.PerUser {
		scope = b.Product.UpgradeCode + "|" + b.Product.Arch.GOARCH + `|LocalAppDataFolder\Programs\Go`
	}
	return scope
}

func (p *Pipeline) patcher() msipatch.Patcher {
	return msipatch.Patcher{Runner: p.runner()}
}

// checkPatch fails before compiling when the toolset needs msipatch and
// msibuild is missing.
func (p *Pipeline) checkPatch(toolset string) error {
	if !installer.NeedsPatch(toolset) {
		return nil
	}
	_, err := p.patcher().Check()
	return err
}

// patchMSI adds what the toolset could not compile to the built package; on
// failure the package is gone, never shipped without it.
func (p *Pipeline) patchMSI(ctx context.Context, b *Build, toolset string) error {
	if !installer.NeedsPatch(toolset) {
		return nil
	}
	plan, err := p.installerPlan(b, toolset)
	if err != nil {
		return err
	}
	if err := p.patcher().Apply(ctx, b.MSI, b.Product.UpgradeCode, plan); err != nil {
		return err
	}
	p.logf("wrote %d environment changes and %d upgrade rows into %s with msibuild (%s cannot compile them)", len(plan.Environment), len(plan.Upgrades), b.MSI, toolset)
	return nil
}
