package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gomsi/gomsi/product"
)

// WingetManifestVersion is the manifest schema the files are written in.
const WingetManifestVersion = "1.10.0"

// DefaultWingetIdentifier is the winget-pkgs identifier of Go.
const DefaultWingetIdentifier = "GoLang.Go"

// Facts of Go itself, which no MSI table holds.
const (
	wingetLocale       = "en-US"
	goLicense          = "BSD-3-Clause"
	goLicenseURL       = "https://go.dev/LICENSE"
	goShortDescription = "The Go programming language: compiler, tools and standard library."
)

// wingetIdentifierRE is the schema's PackageIdentifier pattern: two to eight
// dot-separated parts, none holding a path separator or "..", so that every
// part is a plain folder name of the winget-pkgs layout.
var wingetIdentifierRE = regexp.MustCompile(`^[^.\s\\/:*?"<>|\x01-\x1f]{1,32}(\.[^.\s\\/:*?"<>|\x01-\x1f]{1,32}){1,7}$`)

// CheckWingetIdentifier says why id cannot be a winget package identifier.
func CheckWingetIdentifier(id string) error {
	if len(id) > 128 || !wingetIdentifierRE.MatchString(id) {
		return fmt.Errorf("winget identifier %q is not Publisher.Package (2 to 8 parts of up to 32 characters, separated by dots, without spaces or \\ / : * ? \" < > |), e.g. GoLang.Go", id)
	}
	return nil
}

// Winget describes one package version's manifests.
type Winget struct {
	Identifier string // GoLang.Go
	GoVersion  string // go1.26.8; the PackageVersion is 1.26.8
	// InstallerURL is where winget downloads an MSI, by file name.
	InstallerURL func(msiName string) string
}

type versionManifest struct {
	PackageIdentifier string `yaml:"PackageIdentifier"`
	PackageVersion    string `yaml:"PackageVersion"`
	DefaultLocale     string `yaml:"DefaultLocale"`
	ManifestType      string `yaml:"ManifestType"`
	ManifestVersion   string `yaml:"ManifestVersion"`
}

type localeManifest struct {
	PackageIdentifier   string `yaml:"PackageIdentifier"`
	PackageVersion      string `yaml:"PackageVersion"`
	PackageLocale       string `yaml:"PackageLocale"`
	Publisher           string `yaml:"Publisher"`
	PublisherURL        string `yaml:"PublisherUrl,omitempty"`
	PublisherSupportURL string `yaml:"PublisherSupportUrl,omitempty"`
	PackageName         string `yaml:"PackageName"`
	License             string `yaml:"License"`
	LicenseURL          string `yaml:"LicenseUrl"`
	ShortDescription    string `yaml:"ShortDescription"`
	ReleaseNotesURL     string `yaml:"ReleaseNotesUrl"`
	ManifestType        string `yaml:"ManifestType"`
	ManifestVersion     string `yaml:"ManifestVersion"`
}

type installerManifest struct {
	PackageIdentifier string            `yaml:"PackageIdentifier"`
	PackageVersion    string            `yaml:"PackageVersion"`
	InstallerType     string            `yaml:"InstallerType"`
	InstallModes      []string          `yaml:"InstallModes"`
	InstallerSwitches map[string]string `yaml:"InstallerSwitches"`
	UpgradeBehavior   string            `yaml:"UpgradeBehavior"`
	Commands          []string          `yaml:"Commands,omitempty"`
	Installers        []wingetInstaller `yaml:"Installers"`
	ManifestType      string            `yaml:"ManifestType"`
	ManifestVersion   string            `yaml:"ManifestVersion"`
}

type wingetInstaller struct {
	Architecture           string         `yaml:"Architecture"`
	Scope                  string         `yaml:"Scope"`
	InstallerURL           string         `yaml:"InstallerUrl"`
	InstallerSha256        string         `yaml:"InstallerSha256"`
	ProductCode            string         `yaml:"ProductCode"`
	ElevationRequirement   string         `yaml:"ElevationRequirement,omitempty"`
	MinimumOSVersion       string         `yaml:"MinimumOSVersion,omitempty"`
	AppsAndFeaturesEntries []appsFeatures `yaml:"AppsAndFeaturesEntries"`
}

type appsFeatures struct {
	DisplayName    string `yaml:"DisplayName"`
	Publisher      string `yaml:"Publisher"`
	DisplayVersion string `yaml:"DisplayVersion"`
	ProductCode    string `yaml:"ProductCode"`
	UpgradeCode    string `yaml:"UpgradeCode"`
}

// WingetDir is the folder of one package version in the winget-pkgs layout
// below root: manifests/g/GoLang/Go/1.26.8.
func WingetDir(root, identifier, packageVersion string) string {
	parts := append([]string{root, "manifests", strings.ToLower(identifier[:1])}, strings.Split(identifier, ".")...)
	return filepath.Join(append(parts, packageVersion)...)
}

// WriteWinget writes the version, default locale and installer manifests
// of the MSIs (one Go version, one per arch and scope) under root in the
// winget-pkgs layout, replacing that version's folder whole, and returns
// the folder.
func WriteWinget(root string, w Winget, msis []MSI) (string, error) {
	if err := CheckWingetIdentifier(w.Identifier); err != nil {
		return "", fmt.Errorf("write winget manifests: %w", err)
	}
	v, err := product.ParseGoVersion(w.GoVersion)
	if err != nil {
		return "", fmt.Errorf("write winget manifests: %w", err)
	}
	if len(msis) == 0 {
		return "", fmt.Errorf("write winget manifests of %s: no MSI", w.GoVersion)
	}
	files, err := wingetFiles(w, v, msis)
	if err != nil {
		return "", fmt.Errorf("write winget manifests of %s: %w", w.GoVersion, err)
	}
	dir := WingetDir(root, w.Identifier, strings.TrimPrefix(w.GoVersion, "go"))
	if err := replaceDir(dir, files); err != nil {
		return "", fmt.Errorf("write winget manifests: %w", err)
	}
	return dir, nil
}

// wingetFiles renders the three manifests, by file name.
func wingetFiles(w Winget, v product.GoVersion, msis []MSI) (map[string][]byte, error) {
	version := strings.TrimPrefix(w.GoVersion, "go")
	msis = append([]MSI(nil), msis...)
	sort.Slice(msis, func(i, j int) bool {
		if msis[i].Arch != msis[j].Arch {
			return msis[i].Arch < msis[j].Arch
		}
		return msis[i].Scope() < msis[j].Scope()
	})
	first := msis[0]
	inst := installerManifest{
		PackageIdentifier: w.Identifier, PackageVersion: version,
		InstallerType:     "wix",
		InstallModes:      []string{"interactive", "silent", "silentWithProgress"},
		InstallerSwitches: map[string]string{"Log": LogSwitch},
		// A major upgrade: the new MSI removes the old version itself.
		UpgradeBehavior: "install",
		Commands:        first.Commands,
		ManifestType:    "installer", ManifestVersion: WingetManifestVersion,
	}
	seen := map[string]string{}
	for _, m := range msis {
		key := m.Arch + " " + m.Scope()
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("%s and %s are both for %s scope %s: winget takes one installer per arch and scope", prev, m.Name, m.Arch, m.Scope())
		}
		seen[key] = m.Name
		if m.Manufacturer != first.Manufacturer {
			return nil, fmt.Errorf("%s is published by %q but %s by %q: one package has one publisher", m.Name, m.Manufacturer, first.Name, first.Manufacturer)
		}
		if strings.Join(m.Commands, ",") != strings.Join(first.Commands, ",") {
			return nil, fmt.Errorf("%s installs the commands %v but %s %v", m.Name, m.Commands, first.Name, first.Commands)
		}
		i := wingetInstaller{
			Architecture: m.Arch, Scope: m.Scope(),
			InstallerURL: w.InstallerURL(m.Name), InstallerSha256: strings.ToUpper(m.SHA256),
			ProductCode: m.ProductCode, MinimumOSVersion: m.MinimumOSVersion,
			AppsAndFeaturesEntries: []appsFeatures{{
				DisplayName: m.ProductName, Publisher: m.Manufacturer, DisplayVersion: m.ProductVersion,
				ProductCode: m.ProductCode, UpgradeCode: m.UpgradeCode,
			}},
		}
		if !m.NoElevation {
			i.ElevationRequirement = "elevationRequired"
		}
		inst.Installers = append(inst.Installers, i)
	}
	locale := localeManifest{
		PackageIdentifier: w.Identifier, PackageVersion: version, PackageLocale: wingetLocale,
		Publisher: first.Manufacturer, PublisherURL: first.AboutLink, PublisherSupportURL: first.HelpLink,
		PackageName: packageName(first, v), License: goLicense, LicenseURL: goLicenseURL,
		ShortDescription: goShortDescription, ReleaseNotesURL: releaseNotesURL(v),
		ManifestType: "defaultLocale", ManifestVersion: WingetManifestVersion,
	}
	ver := versionManifest{
		PackageIdentifier: w.Identifier, PackageVersion: version, DefaultLocale: wingetLocale,
		ManifestType: "version", ManifestVersion: WingetManifestVersion,
	}
	files := map[string][]byte{}
	for name, doc := range map[string]struct {
		kind string
		v    any
	}{
		w.Identifier + ".yaml":                             {"version", ver},
		w.Identifier + ".locale." + wingetLocale + ".yaml": {"defaultLocale", locale},
		w.Identifier + ".installer.yaml":                   {"installer", inst},
	} {
		var b bytes.Buffer
		fmt.Fprintf(&b, "# Created by gomsi from the MSIs it built\n# yaml-language-server: $schema=https://aka.ms/winget-manifest.%s.%s.schema.json\n\n", doc.kind, WingetManifestVersion)
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(doc.v); err != nil {
			return nil, err
		}
		files[name] = b.Bytes()
	}
	return files, nil
}

// packageName is the MSI's product name without the arch and version it
// ends in ("Go Programming Language amd64 go1.26.8"), which winget keeps
// in PackageVersion and Architecture.
func packageName(m MSI, v product.GoVersion) string {
	name := strings.TrimSuffix(m.ProductName, " "+v.String())
	for _, goarch := range product.ArchNames() {
		if a, _ := product.LookupArch(goarch); a.WixArch == m.Arch {
			name = strings.TrimSuffix(name, " "+goarch)
		}
	}
	return name
}

// releaseNotesURL is go.dev's page of a release: the release history entry
// of a minor release, the release notes of a major one or its prerelease.
func releaseNotesURL(v product.GoVersion) string {
	if v.Pre != "" || v.Patch == 0 {
		return fmt.Sprintf("https://go.dev/doc/go%d.%d", v.Major, v.Minor)
	}
	return "https://go.dev/doc/devel/release#" + v.String()
}

// replaceDir makes dir hold exactly files: written into a temporary folder
// beside it and renamed into place. Temporary folders a killed run left
// there go first (the caller holds the out folder's lock).
func replaceDir(dir string, files map[string][]byte) (err error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".*.tmp-*"))
	for _, s := range stale {
		os.RemoveAll(s)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}
