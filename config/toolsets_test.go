package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestToolsetSettings(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	yaml := "toolset: wix3\nwix3_path: 'C:\\Program Files (x86)\\WiX Toolset v3.14\\bin'\nwix4_path: wix.exe\nwixl_path: /usr/bin/wixl\nwix_eula: wix7\nwix_dcl: mszip\ncabinet_threads: 4\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	want := Toolsets{Wix3Path: `C:\Program Files (x86)\WiX Toolset v3.14\bin`, Wix4Path: "wix.exe", WixlPath: "/usr/bin/wixl", WixEula: "wix7", WixDCL: "mszip", CabinetThreads: 4}
	if cfg.Toolset != "wix3" || cfg.Toolsets != want {
		t.Errorf("got %s %+v\nwant wix3 %+v", cfg.Toolset, cfg.Toolsets, want)
	}
	for _, name := range ToolsetNames {
		if _, err := Load(filepath.Join(dir, "none.yaml"), func(k string) string {
			if k == "GOMSI_TOOLSET" {
				return name
			}
			return ""
		}); err != nil {
			t.Errorf("GOMSI_TOOLSET=%s: %v", name, err)
		}
	}
}

func TestToolsetSettingsErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"wix_dcl: ultra\n", `config: wix_dcl "ultra": use one of none, low, medium, high, mszip`},
		{"cabinet_threads: -1\n", "config: cabinet_threads -1"},
		{"wix_eula: yes\n", `config: wix_eula "yes": name the EULA WiX asks for, such as wix7`},
		{"toolset: wix5\n", `config: toolset "wix5": use one of auto, wixl, wix3, wix4`},
	} {
		path := filepath.Join(t.TempDir(), FileName)
		os.WriteFile(path, []byte(c.yaml), 0o644)
		_, err := Load(path, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v\nwant %s", c.yaml, err, c.want)
		}
	}
}
