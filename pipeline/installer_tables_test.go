package pipeline

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/wix"
)

// msiTable returns a table's rows (msiinfo export), without the three
// header lines.
func msiTable(t *testing.T, msi, table string) [][]string {
	t.Helper()
	cmd := exec.Command(testtool.Require(t, "msiinfo"), "export", msi, table)
	cmd.Dir = t.TempDir() // export writes the streams of binary columns (Icon/...) to the working folder
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("msiinfo export %s: %v: %s", table, err, out)
	}
	lines := strings.Split(strings.ReplaceAll(string(out), "\r", ""), "\n")
	var rows [][]string
	for _, l := range lines[min(3, len(lines)):] {
		if l != "" {
			rows = append(rows, strings.Split(l, "\t"))
		}
	}
	return rows
}

func wordCount(t *testing.T, msi string) int {
	t.Helper()
	out, err := exec.Command(testtool.Require(t, "msiinfo"), "suminfo", msi).CombinedOutput()
	if err != nil {
		t.Fatalf("msiinfo suminfo: %v: %s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, "Source: "); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	t.Fatalf("no word count in:\n%s", out)
	return 0
}

// TestInstallerTables checks what Windows needs in the tables of the
// wixl-built and msibuild-patched packages: the summary word count, the
// sequences, the custom actions, Environment and Upgrade rows.
func TestInstallerTables(t *testing.T) {
	root := versionTree(t, "go1.26.8", nil)
	machine := buildWith(t, root, func(i *config.Installer) { i.AllowDowngrades = boolPtr(false) })
	icon := filepath.Join(t.TempDir(), "go.ico")
	if err := os.WriteFile(icon, []byte{0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 4, 0, 0, 0, 22, 0, 0, 0, 1, 2, 3, 4}, 0o644); err != nil {
		t.Fatal(err)
	}
	user := buildWith(t, root, func(i *config.Installer) { i.Scope = config.PerUser; i.Icon = icon })

	// Word count: bit 2 compressed; bit 8 "no elevation" only per user.
	if wc := wordCount(t, machine.MSI); wc&8 != 0 || wc&2 == 0 {
		t.Errorf("per-machine word count %d: want compressed and elevated", wc)
	}
	if wc := wordCount(t, user.MSI); wc&8 == 0 {
		t.Errorf("per-user word count %d lacks the no-elevation bit", wc)
	}

	for _, seqTable := range []string{"InstallExecuteSequence", "InstallUISequence"} {
		seq := map[string]int{}
		for _, r := range msiTable(t, machine.MSI, seqTable) {
			n, _ := strconv.Atoi(r[2])
			seq[r[0]] = n
			// A non-elevated per-machine install must stop at the
			// Privileged launch condition, whatever the UI level: with /qn
			// only the execute sequence runs, so LaunchConditions must be
			// there, unconditional, before anything changes the machine.
			if r[0] == "LaunchConditions" && r[1] != "" {
				t.Errorf("%s runs LaunchConditions only when %s", seqTable, r[1])
			}
		}
		// The first action after which the machine changes: the execute
		// sequence validates then installs; the UI sequence hands over to
		// the execute sequence with ExecuteAction.
		first := map[string]string{"InstallExecuteSequence": "InstallValidate", "InstallUISequence": "ExecuteAction"}[seqTable]
		lc, ok := seq["LaunchConditions"]
		if next, has := seq[first]; !ok || !has || lc >= next {
			t.Errorf("%s: LaunchConditions at %d (present %v), %s at %d (present %v): the launch conditions must run first", seqTable, lc, ok, first, next, has)
		}
		if seqTable == "InstallExecuteSequence" {
			if seq["WriteEnvironmentStrings"] != 5200 || seq["RemoveEnvironmentStrings"] != 3300 {
				t.Errorf("environment actions at %d and %d", seq["WriteEnvironmentStrings"], seq["RemoveEnvironmentStrings"])
			}
			if r := seq["RemoveExistingProducts"]; r <= seq["InstallValidate"] || r >= seq["InstallInitialize"] {
				t.Errorf("RemoveExistingProducts at %d: want between InstallValidate and InstallInitialize", r)
			}
		}
	}

	for _, r := range msiTable(t, machine.MSI, "CustomAction") {
		typ, _ := strconv.Atoi(r[1])
		const deferred, noImpersonate = 0x400, 0x800
		if typ&deferred != 0 && typ&noImpersonate == 0 {
			t.Errorf("custom action %s (type %d) is deferred and impersonates", r[0], typ)
		}
		if typ&0x3F != 51 {
			t.Errorf("custom action %s has type %d: gomsi schedules only property-setting (51) actions", r[0], typ)
		}
		// TempFolder comes from GetTempPath and does not move the files
		// behind errors 2502/2503; setting it would only suggest it does.
		if strings.EqualFold(r[2], "TempFolder") {
			t.Errorf("custom action %s sets TempFolder", r[0])
		}
	}

	env := map[string][]string{}
	for _, r := range msiTable(t, machine.MSI, "Environment") {
		env[r[0]] = r
	}
	if r := env["envPath"]; len(r) < 4 || r[1] != "=-*PATH" || r[2] != "[~];[INSTALLDIR]bin" || r[3] != "cmpInstallState" {
		t.Errorf("system PATH row = %q", r)
	}
	if r := env["envGOPATH"]; len(r) < 3 || r[1] != "+-GOPATH" {
		t.Errorf("GOPATH row = %q", r)
	}
	for _, r := range msiTable(t, user.MSI, "Environment") {
		if strings.Contains(r[1], "*") {
			t.Errorf("per-user package changes a system variable: %q", r)
		}
	}

	if rows := msiTable(t, user.MSI, "Icon"); len(rows) != 1 || rows[0][0] != "go.ico" {
		t.Errorf("Icon rows = %q", rows)
	}
	props := map[string]string{}
	for _, r := range msiTable(t, user.MSI, "Property") {
		props[r[0]] = r[1]
	}
	if props["ARPPRODUCTICON"] != "go.ico" || props["ALLUSERS"] != "" || props["MSIUSEREALADMINDETECTION"] != "" {
		t.Errorf("per-user properties: ARPPRODUCTICON %q, ALLUSERS %q, MSIUSEREALADMINDETECTION %q", props["ARPPRODUCTICON"], props["ALLUSERS"], props["MSIUSEREALADMINDETECTION"])
	}

	upgrades := map[string]string{}
	for _, r := range msiTable(t, machine.MSI, "Upgrade") {
		upgrades[r[6]] = strings.Join(r[1:5], "|")
	}
	// 768: both bounds inclusive (1.26.8 replaces its own RCs); 2: only detect.
	if upgrades["WIX_UPGRADE_DETECTED"] != "0.0.0|1.26.8||768" || upgrades["WIX_DOWNGRADE_DETECTED"] != "1.26.8|||2" {
		t.Errorf("Upgrade rows = %v", upgrades)
	}

	conds := map[string]string{}
	for _, r := range msiTable(t, machine.MSI, "LaunchCondition") {
		conds[r[0]] = r[1]
	}
	if m := conds["Privileged"]; !strings.Contains(m, "Run as administrator") || !strings.Contains(m, "msiexec /i go1.26.8.windows-amd64.msi /qn") {
		t.Errorf("Privileged message = %q", m)
	}
	if m := conds["Installed OR (VersionNT >= 603 AND GOMSI_WINDOWS_BUILD >= 10240)"]; !strings.Contains(m, "go1.26.8 needs Windows 10") {
		t.Errorf("launch conditions = %v", conds)
	}
}

// failRunner fails every command, as a broken msibuild would.
type failRunner struct{}

func (failRunner) Run(ctx context.Context, cmd wix.Command) ([]byte, error) {
	if strings.HasSuffix(cmd.Path, "msibuild") {
		return []byte("msibuild: table Environment: invalid"), errors.New("exit status 1")
	}
	return wix.ExecRunner{}.Run(ctx, cmd)
}

// TestPatchFailureLeavesNoMSI: an MSI that would lack the environment
// changes is never left behind, and neither is a temporary file.
func TestPatchFailureLeavesNoMSI(t *testing.T) {
	testtool.Require(t, "wixl")
	testtool.Require(t, "msibuild")
	p := newTestPipeline(t, versionTree(t, "go1.26.8", nil))
	p.Runner = failRunner{}
	_, err := p.MSI(context.Background())
	if err == nil || !strings.Contains(err.Error(), "msibuild: table Environment: invalid") {
		t.Fatalf("MSI with a failing msibuild: %v", err)
	}
	entries, _ := os.ReadDir(p.Config.Out)
	for _, e := range entries {
		if e.Name() != "wxs" && e.Name() != "dist" && e.Name() != outMarker && e.Name() != outLock {
			t.Errorf("%s left in %s after the failed patch", e.Name(), p.Config.Out)
		}
	}
	if _, err := os.Stat(filepath.Join(p.Config.Out, "go1.26.8.windows-amd64.msi")); err == nil {
		t.Error("the unpatched MSI is still there")
	}
}
