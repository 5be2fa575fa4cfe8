package deploy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/deploy"
)

// TestDeploymentFacts: the facts file of each MSI holds its hash and the
// identity msitools reads from it, command lines naming that file and
// product code, the detection rule, the return codes and the log switch.
func TestDeploymentFacts(t *testing.T) {
	msis := testMSIs(t)
	for _, pick := range []string{"amd64 machine", "amd64 user", "386 machine"} {
		t.Run(pick, func(t *testing.T) {
			msi := filepath.Join(t.TempDir(), filepath.Base(msis[pick]))
			copyFile(t, msis[pick], msi)
			m, err := deploy.ReadMSI(msi)
			if err != nil {
				t.Fatal(err)
			}
			path, err := deploy.WriteFacts(m)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimSuffix(msi, ".msi") + ".deploy.json"; path != want {
				t.Errorf("written to %s, want %s", path, want)
			}
			data, _ := os.ReadFile(path)
			var f map[string]any
			if err := json.Unmarshal(data, &f); err != nil {
				t.Fatal(err)
			}
			w := readWithMsitools(t, msi)
			name, code := filepath.Base(msi), w.props["ProductCode"]
			machine := w.props["ALLUSERS"] == "1"
			want := map[string]any{
				"file":                  name,
				"sha256":                w.sha256,
				"productCode":           code,
				"productVersion":        w.props["ProductVersion"],
				"upgradeCode":           w.props["UpgradeCode"],
				"packageCode":           w.revision,
				"productName":           w.props["ProductName"],
				"manufacturer":          w.props["Manufacturer"],
				"scope":                 map[bool]string{true: "machine", false: "user"}[machine],
				"requiresAdministrator": machine,
				"minimumOSVersion":      "10.0.10240.0",
				"install":               `msiexec /i "` + name + `" /qn /norestart`,
				"uninstall":             `msiexec /x ` + code + ` /qn /norestart`,
				"repair":                `msiexec /fvomus "` + name + `" /qn /norestart`,
				"logSwitch":             `/l*v "<LOGPATH>"`,
				"detection":             map[string]any{"type": "msiProductCode", "productCode": code, "productVersion": w.props["ProductVersion"], "productVersionOperator": "equal"},
				"returnCodes":           map[string]any{"success": []any{0.0, 1707.0}, "softReboot": []any{3010.0}, "hardReboot": []any{1641.0}, "retry": []any{1618.0}},
			}
			for k, v := range want {
				if fmt.Sprint(f[k]) != fmt.Sprint(v) {
					t.Errorf("%s = %v, want %v", k, f[k], v)
				}
			}
		})
	}
}

// TestReadMSI: the facts gomsi's reader takes from MSIs of wixl (msitools'
// writer) and of the native compiler equal what msitools reads, and the
// launch condition of each Go release gives its oldest Windows.
func TestReadMSI(t *testing.T) {
	for _, tc := range []struct {
		toolset, version, scope, minOS string
	}{
		{"wixl", "go1.26.8", "perMachine", "10.0.10240.0"},
		{"wixl", "go1.26.8", "perUser", "10.0.10240.0"},
		{"native", "go1.20.14", "perMachine", "6.1.7601.0"},
	} {
		t.Run(strings.Join([]string{tc.toolset, tc.version, tc.scope}, " "), func(t *testing.T) {
			msi := buildMSIWith(t, tc.toolset, filepath.Join(t.TempDir(), "out"), tc.version, "amd64", tc.scope, nil)
			m, err := deploy.ReadMSI(msi)
			if err != nil {
				t.Fatal(err)
			}
			w := readWithMsitools(t, msi)
			machine := tc.scope == "perMachine"
			got := []any{m.ProductCode, m.ProductVersion, m.UpgradeCode, m.ProductName, m.Manufacturer, m.PackageCode, m.SHA256,
				m.PerMachine, m.NoElevation, m.SystemRegistryKeys, m.MinimumOSVersion, m.Arch, strings.Join(m.Commands, ","), m.HelpLink}
			want := []any{w.props["ProductCode"], w.props["ProductVersion"], w.props["UpgradeCode"], w.props["ProductName"], w.props["Manufacturer"], w.revision, w.sha256,
				machine, !machine, machine, tc.minOS, "x64", "go,gofmt", w.props["ARPHELPLINK"]}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("read %v\nwant %v", got, want)
			}
		})
	}
}
