package pipeline

import (
	"fmt"
	"path/filepath"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/installer"
	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix/dialect"
)

// installerPlan is what the build's installer does on the target machine,
// for the toolset's dialect: made once, it is rendered into the sources and
// goes with them to the toolset's Build.
func (p *Pipeline) installerPlan(b *Build, d dialect.Dialect) (templates.InstallerData, error) {
	plan, err := installer.Plan(p.Config.Installer, b.Product, d)
	if err != nil || plan.Icon == "" || !d.RelativeIcon {
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
	return filepath.Join(p.Config.Out, "wxs", b.Product.Files().Stem())
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
