// Package msipatch adds to a built MSI what its toolset could not compile,
// with msitools' msibuild; the wixl toolset's Build runs it (package wix).
// wixl 0.101 has no <Environment>, so gomsi writes the Environment table
// and schedules WriteEnvironmentStrings and RemoveEnvironmentStrings itself; and wixl silently drops IncludeMaximum
// from <UpgradeVersion> (a final release would not replace its RC when
// downgrades are refused), so gomsi writes the Upgrade table from the plan.
// A package that lacks a behaviour gomsi promises is never left behind: on
// failure the package is removed.
package msipatch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix/toolrun"
)

// Patcher runs msibuild.
type Patcher struct {
	Msibuild string         // the msibuild program; "msibuild" on PATH by default
	Runner   toolrun.Runner // runs it
}

// Standard sequence numbers of the environment actions (WiX and wixl agree).
const (
	seqRemoveEnvironment = 3300
	seqWriteEnvironment  = 5200
)

// ErrNoMsibuild is wrapped by errors when msibuild is not installed.
var ErrNoMsibuild = errors.New("msibuild not found")

func (p Patcher) path() string {
	if p.Msibuild != "" {
		return p.Msibuild
	}
	return "msibuild"
}

// Check finds msibuild, so that a build that will need it fails before
// compiling anything.
func (p Patcher) Check() (string, error) {
	path, err := exec.LookPath(p.path())
	if err != nil {
		return "", fmt.Errorf("patch MSI: %w: the toolset cannot compile environment changes and gomsi adds them with msibuild; install it with apt-get install msitools (Debian, Ubuntu) or brew install msitools (macOS), or use another toolset", ErrNoMsibuild)
	}
	return path, nil
}

// Apply writes d's environment changes and upgrade rows (for upgradeCode)
// into msi. The package is patched under a temporary name in its folder and
// renamed when complete; on any failure msi itself is removed, because it
// would lack them.
func (p Patcher) Apply(ctx context.Context, msi, upgradeCode string, d templates.InstallerData) (err error) {
	defer func() {
		if err != nil {
			os.Remove(msi)
		}
	}()
	prog, err := p.Check()
	if err != nil {
		return err
	}
	env, err := EnvironmentIDT(d)
	if err != nil {
		return fmt.Errorf("patch %s: %w", msi, err)
	}
	upgrade, err := UpgradeIDT(upgradeCode, d)
	if err != nil {
		return fmt.Errorf("patch %s: %w", msi, err)
	}
	work, err := os.MkdirTemp(filepath.Dir(msi), ".msipatch-*")
	if err != nil {
		return fmt.Errorf("patch %s: %w", msi, err)
	}
	defer os.RemoveAll(work)
	tmp := filepath.Join(work, filepath.Base(msi))
	if err := atomicfile.CopyNew(msi, tmp); err != nil {
		return fmt.Errorf("patch %s: %w", msi, err)
	}
	args := []string{tmp}
	for _, t := range []struct {
		name string
		idt  []byte
	}{{"Upgrade", upgrade}, {"Environment", env}} {
		if t.idt == nil {
			continue
		}
		path := filepath.Join(work, t.name+".idt") // msibuild -i names the table after the file
		if err := os.WriteFile(path, t.idt, 0o644); err != nil {
			return fmt.Errorf("patch %s: %w", msi, err)
		}
		args = append(args, "-i", path)
	}
	for _, a := range environmentActions(env != nil) {
		// DELETE first: a later wixl that schedules them itself must not
		// make the INSERT fail on a duplicate key.
		args = append(args,
			"-q", fmt.Sprintf("DELETE FROM `InstallExecuteSequence` WHERE `Action` = '%s'", a.name),
			"-q", fmt.Sprintf("INSERT INTO `InstallExecuteSequence` (`Action`, `Sequence`) VALUES ('%s', %d)", a.name, a.seq))
	}
	out, err := p.Runner.Run(ctx, toolrun.Command{Path: prog, Args: args})
	if err == nil && len(strings.TrimSpace(string(out))) > 0 {
		// msibuild prints only when something went wrong, sometimes with exit status 0.
		err = errors.New("msibuild printed a warning")
	}
	if err != nil {
		return fmt.Errorf("patch %s: msibuild: %w: %s", msi, err, strings.TrimSpace(string(out)))
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("patch %s: %w", msi, err)
	}
	if err := os.Rename(tmp, msi); err != nil {
		return fmt.Errorf("patch %s: %w", msi, err)
	}
	return nil
}

// EnvironmentIDT renders d's environment changes as an Environment table in
// msibuild's .idt format. The Name column carries the action in prefixes, as
// WiX compiles <Environment>: "=" set, "+" create only if unset, "-" remove
// on uninstall, "*" system variable; the Value puts "[~]" where the existing
// value goes, so that PATH keeps its entries.
func EnvironmentIDT(d templates.InstallerData) ([]byte, error) {
	if len(d.Environment) == 0 {
		return nil, nil
	}
	if d.State.ID == "" {
		return nil, errors.New("environment changes need the install state component, which the plan lacks")
	}
	var b strings.Builder
	b.WriteString("Environment\tName\tValue\tComponent_\r\ns72\tl255\tL255\ts72\r\nEnvironment\tEnvironment\r\n")
	for _, e := range d.Environment {
		name, value, err := row(e)
		if err != nil {
			return nil, err
		}
		for _, cell := range []string{e.ID, name, value} {
			if strings.ContainsAny(cell, "\t\r\n") {
				return nil, fmt.Errorf("environment %s: %q holds a tab or line break, which an .idt row cannot carry", e.ID, cell)
			}
			for _, r := range cell {
				if r > 0x7e {
					return nil, fmt.Errorf("environment %s: %q holds %q: only ASCII fits every code page", e.ID, cell, r)
				}
			}
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\r\n", e.ID, name, value, d.State.ID)
	}
	return []byte(b.String()), nil
}

type action struct {
	name string
	seq  int
}

// environmentActions are the standard actions that apply the Environment
// table, scheduled only when it has rows, as WiX does.
func environmentActions(rows bool) []action {
	if !rows {
		return nil
	}
	return []action{{"RemoveEnvironmentStrings", seqRemoveEnvironment}, {"WriteEnvironmentStrings", seqWriteEnvironment}}
}

// Upgrade table attributes (msidbUpgradeAttributes*).
const (
	upgradeOnlyDetect          = 2
	upgradeVersionMinInclusive = 256
	upgradeVersionMaxInclusive = 512
)

// UpgradeIDT renders d's upgrade rows as an Upgrade table in .idt format.
func UpgradeIDT(upgradeCode string, d templates.InstallerData) ([]byte, error) {
	if len(d.Upgrades) == 0 {
		return nil, nil
	}
	code := strings.ToUpper(strings.Trim(upgradeCode, "{}"))
	if len(code) != 36 || strings.Trim(code, "0123456789ABCDEF-") != "" {
		return nil, fmt.Errorf("upgrade code %q is not a GUID", upgradeCode)
	}
	var b strings.Builder
	b.WriteString("UpgradeCode\tVersionMin\tVersionMax\tLanguage\tAttributes\tRemove\tActionProperty\r\n")
	b.WriteString("s38\tS20\tS20\tS255\ti4\tS255\ts72\r\n")
	b.WriteString("Upgrade\tUpgradeCode\tVersionMin\tVersionMax\tLanguage\tAttributes\r\n")
	for _, u := range d.Upgrades {
		attr := 0
		if u.OnlyDetect {
			attr |= upgradeOnlyDetect
		}
		if u.IncludeMinimum && u.Minimum != "" {
			attr |= upgradeVersionMinInclusive
		}
		if u.IncludeMaximum && u.Maximum != "" {
			attr |= upgradeVersionMaxInclusive
		}
		if u.Property == "" || strings.ToUpper(u.Property) != u.Property || strings.ContainsAny(u.Minimum+u.Maximum+u.Property, "\t\r\n") {
			return nil, fmt.Errorf("upgrade row %+v: the property must be a public (upper-case) name", u)
		}
		fmt.Fprintf(&b, "{%s}\t%s\t%s\t\t%d\t\t%s\r\n", code, u.Minimum, u.Maximum, attr, u.Property)
	}
	return []byte(b.String()), nil
}

func row(e templates.EnvVar) (name, value string, err error) {
	switch e.Action {
	case "set":
		name = "="
	case "create":
		name = "+"
	default:
		return "", "", fmt.Errorf("environment %s: action %q: use set or create", e.ID, e.Action)
	}
	name += "-" // never permanent: uninstall removes exactly what install added
	if e.System {
		name += "*"
	}
	name += e.Name
	switch e.Part {
	case "last":
		value = "[~];" + e.Value
	case "first":
		value = e.Value + ";[~]"
	case "all":
		value = e.Value
	default:
		return "", "", fmt.Errorf("environment %s: part %q: use last, first or all", e.ID, e.Part)
	}
	return name, value, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
