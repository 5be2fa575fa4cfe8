package config

import (
	"fmt"
	"net/url"

	"github.com/gomsi/gomsi/deploy"
)

// Deploy holds the settings of what gomsi writes for deployment tools
// beside each MSI; each output is on unless turned off.
type Deploy struct {
	Winget WingetSettings `yaml:"winget"`
	// Intune writes <msi>.intunewin, the Intune Win32 package.
	Intune *bool `yaml:"intune"`
	// DeployFacts writes <msi>.deploy.json: command lines, detection rule
	// and return codes for Configuration Manager and scripts.
	DeployFacts *bool `yaml:"deploy_facts"`
}

// WingetSettings are the keys under winget: in gomsi.yaml.
type WingetSettings struct {
	Enabled *bool `yaml:"enabled"`
	// Identifier is the PackageIdentifier, GoLang.Go by default; a private
	// source uses its own.
	Identifier string `yaml:"identifier"`
	// InstallerBaseURL is where winget downloads the MSIs (a private
	// mirror); by default the GitHub release that publish uploads to.
	InstallerBaseURL string `yaml:"installer_base_url"`
}

// WantWinget reports whether winget manifests are written.
func (d Deploy) WantWinget() bool { return d.Winget.Enabled == nil || *d.Winget.Enabled }

// WantIntune reports whether Intune packages are written.
func (d Deploy) WantIntune() bool { return d.Intune == nil || *d.Intune }

// WantDeployFacts reports whether deployment-facts files are written.
func (d Deploy) WantDeployFacts() bool { return d.DeployFacts == nil || *d.DeployFacts }

// WingetIdentifier is the configured package identifier or GoLang.Go.
func (d Deploy) WingetIdentifier() string {
	if d.Winget.Identifier == "" {
		return deploy.DefaultWingetIdentifier
	}
	return d.Winget.Identifier
}

func (c Config) checkDeploy() error {
	if err := deploy.CheckWingetIdentifier(c.WingetIdentifier()); err != nil {
		return fmt.Errorf("config: winget.identifier: %w", err)
	}
	if raw := c.Winget.InstallerBaseURL; raw != "" {
		u, err := url.Parse(raw)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			return fmt.Errorf("config: winget.installer_base_url %q is not an http(s) URL of a folder, e.g. https://mirror.example.com/go/", raw)
		case u.User != nil:
			// The manifests are published; credentials in them would be too.
			return fmt.Errorf("config: winget.installer_base_url must not hold credentials: winget clients download without them, and the manifests would publish them")
		case u.RawQuery != "" || u.Fragment != "":
			return fmt.Errorf("config: winget.installer_base_url %q has a query or fragment: give the folder URL the MSI names are appended to", raw)
		}
	}
	return nil
}
