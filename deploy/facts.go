package deploy

import (
	"encoding/json"
	"fmt"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/product"
)

// LogSwitch is the verbose-log switch every tool is given; winget and
// Intune replace <LOGPATH>, scripts put a path there. `go run mage.go
// diagnose` reads what it writes.
const LogSwitch = `/l*v "<LOGPATH>"`

// Return codes of msiexec that deployment tools must not treat as failure
// (Intune's defaults for an MSI, and Configuration Manager's).
var (
	SuccessCodes    = []int{0, 1707} // success; 1707: "installation completed successfully"
	SoftRebootCodes = []int{3010}    // success, a restart completes it
	HardRebootCodes = []int{1641}    // success, the installer started a restart
	RetryCodes      = []int{1618}    // another installation is running: retry later
)

// Facts is the deployment-facts file: what Configuration Manager, scripts
// and any other tool need to install, detect and remove one MSI.
type Facts struct {
	File             string      `json:"file"`
	SHA256           string      `json:"sha256"`
	Size             int64       `json:"size"`
	ProductName      string      `json:"productName"`
	Manufacturer     string      `json:"manufacturer"`
	ProductCode      string      `json:"productCode"`
	ProductVersion   string      `json:"productVersion"`
	UpgradeCode      string      `json:"upgradeCode"`
	PackageCode      string      `json:"packageCode"`
	Architecture     string      `json:"architecture"`
	Scope            string      `json:"scope"` // machine or user
	RequiresAdmin    bool        `json:"requiresAdministrator"`
	MinimumOSVersion string      `json:"minimumOSVersion,omitempty"`
	Install          string      `json:"install"`
	Uninstall        string      `json:"uninstall"`
	Repair           string      `json:"repair"`
	LogSwitch        string      `json:"logSwitch"`
	Detection        Detection   `json:"detection"`
	ReturnCodes      ReturnCodes `json:"returnCodes"`
}

// Detection is the rule that tells whether this MSI is installed: Windows
// Installer knows the product code, at this version.
type Detection struct {
	Type           string `json:"type"` // msiProductCode
	ProductCode    string `json:"productCode"`
	ProductVersion string `json:"productVersion"`
	Operator       string `json:"productVersionOperator"` // equal: each build has its own product code
}

// ReturnCodes groups msiexec's exit codes by what they mean.
type ReturnCodes struct {
	Success    []int `json:"success"`
	SoftReboot []int `json:"softReboot"`
	HardReboot []int `json:"hardReboot"`
	Retry      []int `json:"retry"`
}

// InstallCommand is the silent install of an MSI file; /norestart leaves
// a restart to the deployment tool, which 3010 asks for.
func InstallCommand(file string) string {
	return fmt.Sprintf(`msiexec /i "%s" /qn /norestart`, file)
}

// UninstallCommand removes the product by its code, whichever file
// installed it.
func UninstallCommand(productCode string) string {
	return fmt.Sprintf(`msiexec /x %s /qn /norestart`, productCode)
}

// RepairCommand reinstalls missing or older files, every machine and user
// registry entry and shortcut, and re-caches the package from file (v),
// which also repairs a lost cached MSI (errors 1612, 1706).
func RepairCommand(file string) string {
	return fmt.Sprintf(`msiexec /fvomus "%s" /qn /norestart`, file)
}

// FactsOf gathers the deployment facts of an MSI.
func FactsOf(m MSI) Facts {
	return Facts{
		File: m.Name, SHA256: m.SHA256, Size: m.Size,
		ProductName: m.ProductName, Manufacturer: m.Manufacturer,
		ProductCode: m.ProductCode, ProductVersion: m.ProductVersion, UpgradeCode: m.UpgradeCode, PackageCode: m.PackageCode,
		Architecture: m.Arch, Scope: m.Scope(), RequiresAdmin: !m.NoElevation, MinimumOSVersion: m.MinimumOSVersion,
		Install: InstallCommand(m.Name), Uninstall: UninstallCommand(m.ProductCode), Repair: RepairCommand(m.Name),
		LogSwitch:   LogSwitch,
		Detection:   Detection{Type: "msiProductCode", ProductCode: m.ProductCode, ProductVersion: m.ProductVersion, Operator: "equal"},
		ReturnCodes: ReturnCodes{Success: SuccessCodes, SoftReboot: SoftRebootCodes, HardReboot: HardRebootCodes, Retry: RetryCodes},
	}
}

// FactsPath is where the facts of the MSI at msiPath go:
// go1.26.8.windows-amd64.msi has go1.26.8.windows-amd64.deploy.json.
func FactsPath(msiPath string) string { return product.Beside(msiPath, product.FactsFile) }

// WriteFacts writes the facts file of m beside it and returns its path.
func WriteFacts(m MSI) (string, error) {
	b, err := json.MarshalIndent(FactsOf(m), "", "  ")
	if err != nil {
		return "", fmt.Errorf("write deployment facts: %w", err)
	}
	path := FactsPath(m.Path)
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write deployment facts: %w", err)
	}
	return path, nil
}
