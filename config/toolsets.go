package config

import (
	"fmt"
	"regexp"
	"strings"
)

// Toolsets holds where the WiX toolsets are and how to drive them. Its keys
// sit at the top level of gomsi.yaml.
type Toolsets struct {
	// Wix3Path is WiX v3's bin folder (or its install folder, or candle.exe);
	// empty: %WIX%bin, then PATH.
	Wix3Path string `yaml:"wix3_path"`
	// Wix4Path is the wix program of WiX v4 or later (or its folder);
	// empty: PATH, then ~/.dotnet/tools.
	Wix4Path string `yaml:"wix4_path"`
	// WixlPath is msitools' wixl; empty: PATH.
	WixlPath string `yaml:"wixl_path"`
	// WixEula names the WiX EULA the user accepted, such as wix7: gomsi then
	// passes -acceptEula to WiX v7 and later, which refuse to build without.
	WixEula string `yaml:"wix_eula"`
	// WixDCL is the default cabinet compression level of light and wix
	// build (-dcl): none, low, medium, high (default) or mszip.
	WixDCL string `yaml:"wix_dcl"`
	// CabinetThreads is how many cabinets light or wix build compress at
	// once (-ct); 0 lets WiX use one per processor.
	CabinetThreads int `yaml:"cabinet_threads"`
}

// ToolsetNames are the values of toolset: (GOMSI_TOOLSET).
var ToolsetNames = []string{"auto", "wixl", "wix3", "wix4", "native"} // native: gomsi's own compiler (wix/native)

var (
	dclLevels = []string{"none", "low", "medium", "high", "mszip"}
	eulaName  = regexp.MustCompile(`^wix[0-9]+$`)
)

// checkToolsets validates the toolset settings.
func (c Config) checkToolsets() error {
	t := c.Toolsets
	if t.WixDCL != "" && !contains(dclLevels, t.WixDCL) {
		return fmt.Errorf("config: wix_dcl %q: use one of %s", t.WixDCL, strings.Join(dclLevels, ", "))
	}
	if t.CabinetThreads < 0 || t.CabinetThreads > 256 {
		return fmt.Errorf("config: cabinet_threads %d: use 0 (one per processor) to 256", t.CabinetThreads)
	}
	if t.WixEula != "" && !eulaName.MatchString(t.WixEula) {
		return fmt.Errorf("config: wix_eula %q: name the EULA WiX asks for, such as wix7 (only once you have read and accepted it)", t.WixEula)
	}
	return nil
}
