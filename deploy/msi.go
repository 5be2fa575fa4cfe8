// Package deploy writes what deployment tools need beside each MSI: winget
// manifests, an Intune Win32 package (.intunewin) and a JSON file of
// deployment facts for Configuration Manager and scripts. Every value comes
// from the MSI as built, read back from its tables and summary information,
// never recomputed from the configuration that built it.
package deploy

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/product"
)

// MSI is what deployment tools need to know of a built package.
type MSI struct {
	Path   string
	Name   string // file name, e.g. go1.26.8.windows-amd64.msi
	SHA256 string // lowercase hex of the whole file, signature included
	Size   int64

	ProductName    string
	Manufacturer   string
	ProductCode    string // {GUID}, as the Property table holds it
	ProductVersion string
	UpgradeCode    string
	PackageCode    string // the summary's revision number
	Arch           string // winget's name of the summary's platform: x86, x64, arm64
	PerMachine     bool   // ALLUSERS=1; otherwise the package installs per user
	NoElevation    bool   // the summary's word count has bit 8: installs without elevation
	// MinimumOSVersion is the oldest Windows the launch conditions let
	// through, e.g. 10.0.10240.0; "" when they test no Windows version.
	MinimumOSVersion string
	HelpLink         string // ARPHELPLINK
	// Commands are the programs the package puts in a folder named bin
	// (go, gofmt), from its File and Directory tables.
	Commands  []string
	AboutLink string // ARPURLINFOABOUT

	RequiresReboot     bool // REBOOT=Force, or ForceReboot/ScheduleReboot is sequenced
	IncludesServices   bool // ServiceInstall or ServiceControl rows
	IncludesODBC       bool // ODBCDataSource rows
	SystemRegistryKeys bool // registry or environment writes outside the user's hive
	SystemFolders      bool // components in the Windows or system folders
}

// Scope is winget's name of the install scope: machine or user.
func (m MSI) Scope() string {
	if m.PerMachine {
		return "machine"
	}
	return "user"
}

// ReadMSI reads the deployment facts of the package at path.
func ReadMSI(path string) (MSI, error) {
	db, err := msidb.ReadFile(path)
	if err != nil {
		return MSI{}, err
	}
	m := MSI{Path: path, Name: filepath.Base(path), PackageCode: db.Summary.PackageCode}
	if m.SHA256, m.Size, err = product.HashFile(path); err != nil {
		return MSI{}, err
	}
	fail := func(format string, args ...any) (MSI, error) {
		return MSI{}, fmt.Errorf("read MSI %s: "+format, append([]any{path}, args...)...)
	}
	props := map[string]string{}
	rows, err := db.Rows("Property")
	if err != nil {
		return MSI{}, err
	}
	for _, r := range rows {
		props[r.Str("Property")] = r.Str("Value")
	}
	for _, req := range []struct {
		name string
		to   *string
	}{
		{"ProductName", &m.ProductName}, {"Manufacturer", &m.Manufacturer}, {"ProductCode", &m.ProductCode},
		{"ProductVersion", &m.ProductVersion}, {"UpgradeCode", &m.UpgradeCode},
	} {
		if *req.to = props[req.name]; *req.to == "" {
			return fail("its Property table has no %s: it is not a package gomsi built", req.name)
		}
	}
	m.HelpLink, m.AboutLink = props["ARPHELPLINK"], props["ARPURLINFOABOUT"]
	if m.PackageCode == "" {
		return fail("its summary information has no package code (revision number)")
	}
	switch all := props["ALLUSERS"]; {
	case all == "1":
		m.PerMachine = true
	case all == "" || all == "2" && props["MSIINSTALLPERUSER"] == "1":
	case all == "2":
		return fail("ALLUSERS=2 without MSIINSTALLPERUSER=1 makes a dual-purpose package whose scope depends on who installs it; deployment tools need a fixed scope")
	default:
		return fail("ALLUSERS=%q is neither 1 (per machine) nor empty (per user)", all)
	}
	m.NoElevation = db.Summary.WordCount&8 != 0
	platform, _, _ := strings.Cut(db.Summary.Template, ";")
	if m.Arch = wingetArch(platform); m.Arch == "" {
		return fail("its summary's platform %q (Template %q) is none of Intel, x64, Arm64", platform, db.Summary.Template)
	}
	if m.MinimumOSVersion, err = minimumOS(db); err != nil {
		return fail("%v", err)
	}
	if err := m.readInstallImpact(db, props); err != nil {
		return fail("%v", err)
	}
	return m, nil
}

// wingetArch maps the summary's platform to winget's architecture, through
// the arch table (whose WiX names are winget's).
func wingetArch(platform string) string {
	for _, name := range product.ArchNames() {
		if a, _ := product.LookupArch(name); strings.EqualFold(a.Platform, platform) {
			return a.WixArch
		}
	}
	return ""
}

// systemFolders are the folder properties under the Windows folder.
var systemFolders = map[string]bool{"WindowsFolder": true, "SystemFolder": true, "System64Folder": true, "System16Folder": true}

// readInstallImpact fills what Intune's MsiInfo reports beyond identity.
func (m *MSI) readInstallImpact(db *msidb.Reader, props map[string]string) error {
	count := func(table string) (int, error) {
		rows, err := db.Rows(table)
		return len(rows), err
	}
	services, err1 := count("ServiceInstall")
	controls, err2 := count("ServiceControl")
	odbc, err3 := count("ODBCDataSource")
	if err := firstErr(err1, err2, err3); err != nil {
		return err
	}
	m.IncludesServices, m.IncludesODBC = services+controls > 0, odbc > 0
	m.RequiresReboot = strings.HasPrefix(strings.ToUpper(props["REBOOT"]), "F")
	seq, err := db.Rows("InstallExecuteSequence")
	if err != nil {
		return err
	}
	for _, r := range seq {
		if a := r.Str("Action"); a == "ForceReboot" || a == "ScheduleReboot" {
			m.RequiresReboot = true
		}
	}
	reg, err := db.Rows("Registry")
	if err != nil {
		return err
	}
	for _, r := range reg {
		// -1 is HKLM in a per-machine install and HKCU per user; 1 is HKCU.
		if root, _ := r.Int("Root"); root == 0 || root == 2 || root == 3 || root == -1 && m.PerMachine {
			m.SystemRegistryKeys = true
		}
	}
	env, err := db.Rows("Environment")
	if err != nil {
		return err
	}
	for _, r := range env {
		// A '*' among the name's leading flags is a system variable (HKLM).
		name := r.Str("Name")
		if flags := name[:len(name)-len(strings.TrimLeft(name, "=+-!*"))]; strings.Contains(flags, "*") {
			m.SystemRegistryKeys = true
		}
	}
	dirs, err := db.Rows("Directory")
	if err != nil {
		return err
	}
	parent, dirName := map[string]string{}, map[string]string{}
	for _, r := range dirs {
		parent[r.Str("Directory")] = r.Str("Directory_Parent")
		dirName[r.Str("Directory")] = longName(r.Str("DefaultDir"))
	}
	comps, err := db.Rows("Component")
	if err != nil {
		return err
	}
	compDir := map[string]string{}
	for _, c := range comps {
		compDir[c.Str("Component")] = c.Str("Directory_")
		for d, hops := c.Str("Directory_"), 0; d != "" && hops <= len(parent); d, hops = parent[d], hops+1 {
			if systemFolders[d] {
				m.SystemFolders = true
			}
		}
	}
	files, err := db.Rows("File")
	if err != nil {
		return err
	}
	for _, f := range files {
		name := longName(f.Str("FileName"))
		if cmd, ok := strings.CutSuffix(strings.ToLower(name), ".exe"); ok && strings.EqualFold(dirName[compDir[f.Str("Component_")]], "bin") {
			m.Commands = append(m.Commands, cmd)
		}
	}
	sort.Strings(m.Commands)
	return nil
}

// longName is the long name of a Filename-typed cell ("SHORT~1.EXE|long.exe")
// or of a DefaultDir (target[:source]).
func longName(s string) string {
	s, _, _ = strings.Cut(s, ":")
	if _, long, ok := strings.Cut(s, "|"); ok {
		return long
	}
	return s
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
