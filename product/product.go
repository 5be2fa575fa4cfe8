package product

import "fmt"

// Manufacturer is the official installer's; Windows shows it in Apps.
const Manufacturer = "https://go.dev"

// Product is the identity of one installer: a Go version for one arch.
type Product struct {
	Name         string // ARP display name
	Manufacturer string
	GoVersion    GoVersion
	Version      string // MSI ProductVersion
	Arch         Arch
	UpgradeCode  string
}

// New describes the installer of a Go version (as in VERSION) for a GOARCH.
// upgradeCode overrides the arch's official upgrade code when not empty.
func New(goVersion, goarch, upgradeCode string) (Product, error) {
	v, err := ParseGoVersion(goVersion)
	if err != nil {
		return Product{}, err
	}
	a, err := LookupArch(goarch)
	if err != nil {
		return Product{}, err
	}
	msiVersion, err := v.MSIVersion()
	if err != nil {
		return Product{}, err
	}
	if upgradeCode == "" {
		upgradeCode = a.UpgradeCode
	}
	return Product{
		Name:         fmt.Sprintf("Go Programming Language %s %s", goarch, v),
		Manufacturer: Manufacturer,
		GoVersion:    v,
		Version:      msiVersion,
		Arch:         a,
		UpgradeCode:  upgradeCode,
	}, nil
}

// MSIName is the file name of the installer, as go.dev/dl names it.
func (p Product) MSIName() string { return p.Files().Name(MSIFile) }
