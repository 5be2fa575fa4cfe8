package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Installer holds the settings of what the installer does on the target
// machine (TEMP, scope, environment, upgrades). Its keys sit at the top
// level of gomsi.yaml. Unset booleans take the defaults of the methods below,
// which match the official installer except where it has a known defect.
type Installer struct {
	Temp            string `yaml:"temp"`             // removed: set, it is an error that says why (see checkInstaller)
	Scope           string `yaml:"scope"`            // perMachine (default) or perUser
	Path            *bool  `yaml:"path"`             // add [INSTALLDIR]bin to PATH (system PATH per machine, user PATH per user); default true
	GOPATH          *bool  `yaml:"gopath"`           // set the user's GOPATH to %USERPROFILE%\go when unset; default true
	UserPath        *bool  `yaml:"user_path"`        // add %USERPROFILE%\go\bin to the user's PATH; default true
	AllowDowngrades *bool  `yaml:"allow_downgrades"` // let an older Go replace a newer one; default true, as the official installer
	RememberDir     *bool  `yaml:"remember_install_dir"`
	Icon            string `yaml:"icon"`       // an .ico file shown in Apps and Features
	HelpLink        string `yaml:"help_link"`  // ARPHELPLINK; https://go.dev/doc/ by default
	AboutLink       string `yaml:"about_link"` // ARPURLINFOABOUT; https://go.dev by default
}

// Values of scope:.
const (
	PerMachine = "perMachine"
	PerUser    = "perUser"
)

// InstallScope returns scope:, perMachine when unset.
func (i Installer) InstallScope() string { return or(i.Scope, PerMachine) }

// WantPath reports whether the install adds its bin folder to PATH.
func (i Installer) WantPath() bool { return boolOr(i.Path, true) }

// WantGOPATH reports whether the install sets the user's GOPATH when unset.
func (i Installer) WantGOPATH() bool { return boolOr(i.GOPATH, true) }

// WantUserPath reports whether the install adds %USERPROFILE%\go\bin to the user's PATH.
func (i Installer) WantUserPath() bool { return boolOr(i.UserPath, true) }

// Downgrades reports whether an older Go may replace a newer one.
func (i Installer) Downgrades() bool { return boolOr(i.AllowDowngrades, true) }

// WantRememberDir reports whether upgrades and uninstalls find the install
// folder of the installed version in the registry.
func (i Installer) WantRememberDir() bool { return boolOr(i.RememberDir, true) }

// Help returns the ARP help link.
func (i Installer) Help() string { return or(i.HelpLink, "https://go.dev/doc/") }

// About returns the ARP "about" link.
func (i Installer) About() string { return or(i.AboutLink, "https://go.dev") }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// checkInstaller validates the installer settings.
func (c Config) checkInstaller() error {
	i := c.Installer
	if i.Temp != "" {
		// Earlier gomsi set TempFolder; Windows Installer's own files follow
		// the msiexec processes' TEMP, which no property changes, so the
		// setting did not act on errors 2502/2503 and is gone.
		return fmt.Errorf("config: temp %q (GOMSI_TEMP): this setting is removed, because TempFolder does not change where Windows Installer writes; delete it (the setup exe, setup: true, is what prevents errors 2502/2503)", i.Temp)
	}
	if s := i.InstallScope(); s != PerMachine && s != PerUser {
		return fmt.Errorf("config: scope %q: use perMachine (Program Files, needs administrator rights, the default) or perUser (LocalAppData, no elevation)", s)
	}
	for key, link := range map[string]string{"help_link": i.HelpLink, "about_link": i.AboutLink} {
		if link == "" {
			continue
		}
		if u, err := url.Parse(link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("config: %s %q: use an absolute http(s) URL such as https://go.dev/doc/", key, link)
		}
	}
	if i.Icon != "" {
		if err := checkIcon(i.Icon); err != nil {
			return fmt.Errorf("config: icon: %w", err)
		}
	}
	return nil
}

// checkIcon refuses files that are not Windows icons: Windows shows no icon
// for them in Apps and Features, and nothing would say why.
func checkIcon(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w (set icon: to an .ico file)", err)
	}
	defer f.Close()
	head := make([]byte, 6)
	if _, err := f.Read(head); err != nil || !bytes.Equal(head[:4], []byte{0, 0, 1, 0}) || head[4]|head[5] == 0 {
		return errors.New(path + " is not a Windows .ico file (it must start with the ICO header 00 00 01 00 and hold at least one image)")
	}
	if strings.ContainsAny(path, "\r\n") {
		return errors.New("the icon path holds a line break")
	}
	return nil
}
