package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadYAML(t *testing.T, yaml string) (Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(path, func(string) string { return "" })
}

func TestInstallerDefaults(t *testing.T) {
	cfg, err := loadYAML(t, "")
	if err != nil {
		t.Fatal(err)
	}
	i := cfg.Installer
	if i.Temp != "" || i.InstallScope() != PerMachine || !i.WantPath() || !i.WantGOPATH() || !i.WantUserPath() || !i.Downgrades() || !i.WantRememberDir() {
		t.Errorf("defaults: %+v", i)
	}
	if i.Help() != "https://go.dev/doc/" || i.About() != "https://go.dev" {
		t.Errorf("links: %s %s", i.Help(), i.About())
	}
}

func TestInstallerKeys(t *testing.T) {
	icon := filepath.Join(t.TempDir(), "go.ico")
	os.WriteFile(icon, []byte{0, 0, 1, 0, 1, 0, 16, 16}, 0o644)
	cfg, err := loadYAML(t, "scope: perUser\npath: false\ngopath: false\nuser_path: false\nallow_downgrades: false\nremember_install_dir: false\nhelp_link: https://example.com/help\nabout_link: https://example.com\nicon: "+icon+"\n")
	if err != nil {
		t.Fatal(err)
	}
	i := cfg.Installer
	if i.InstallScope() != PerUser || i.WantPath() || i.WantGOPATH() || i.WantUserPath() || i.Downgrades() || i.WantRememberDir() || i.Help() != "https://example.com/help" || i.Icon != icon {
		t.Errorf("settings not read: %+v", i)
	}
}

func TestInstallerErrors(t *testing.T) {
	notIcon := filepath.Join(t.TempDir(), "go.png")
	os.WriteFile(notIcon, []byte("\x89PNG\r\n"), 0o644)
	for yaml, want := range map[string]string{
		"temp: pinned\n":             `temp "pinned" (GOMSI_TEMP): this setting is removed`,
		"temp: user\n":               `temp "user" (GOMSI_TEMP): this setting is removed`,
		"scope: machine\n":           `scope "machine": use perMachine`,
		"help_link: go.dev/doc\n":    `help_link "go.dev/doc": use an absolute http(s) URL`,
		"about_link: ftp://go.dev\n": `about_link "ftp://go.dev"`,
		"icon: /nonexistent.ico\n":   "icon: open /nonexistent.ico",
		"icon: " + notIcon + "\n":    "is not a Windows .ico file",
		"path: maybe\n":              "cannot unmarshal",
		"allow_downgrade: false\n":   `unknown key "allow_downgrade"`,
	} {
		_, err := loadYAML(t, yaml)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", yaml, err, want)
		}
	}
}
