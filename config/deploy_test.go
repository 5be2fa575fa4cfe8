package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeploySettings: the deployment outputs are on by default, each is
// turned off in gomsi.yaml, and a bad identifier or base URL is an error
// naming the key.
func TestDeploySettings(t *testing.T) {
	dir := t.TempDir()
	load := func(yaml string) (Config, error) {
		path := filepath.Join(dir, "gomsi.yaml")
		os.WriteFile(path, []byte(yaml), 0o644)
		return Load(path, func(string) string { return "" })
	}
	c, err := load("")
	if err != nil || !c.WantWinget() || !c.WantIntune() || !c.WantDeployFacts() || c.WingetIdentifier() != "GoLang.Go" {
		t.Errorf("defaults: %+v, %v", c.Deploy, err)
	}
	c, err = load("winget: {enabled: false, identifier: Acme.Go, installer_base_url: https://mirror.example.com/go/}\nintune: false\ndeploy_facts: false\n")
	if err != nil || c.WantWinget() || c.WantIntune() || c.WantDeployFacts() || c.WingetIdentifier() != "Acme.Go" || c.Winget.InstallerBaseURL != "https://mirror.example.com/go/" {
		t.Errorf("all off: %+v, %v", c.Deploy, err)
	}
	for yaml, want := range map[string]string{
		"winget: {identifier: Go}":                                   "winget.identifier",
		"winget: {identifier: ../x.Go}":                              "winget.identifier",
		"winget: {installer_base_url: ftp://mirror/go/}":             "not an http(s) URL",
		"winget: {installer_base_url: 'https://u:p@mirror/go/'}":     "must not hold credentials",
		"winget: {installer_base_url: 'https://mirror/go/?token=1'}": "query or fragment",
	} {
		if _, err := load(yaml); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", yaml, err, want)
		}
	}
}
