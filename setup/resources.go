package setup

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/tc-hib/winres"
	"github.com/tc-hib/winres/version"

	"github.com/gomsi/gomsi/setup/launch"
)

// Resource language of the version strings: US English, as most programs.
const langEnUS = 0x409

// Manifest is the application manifest of a setup exe of a scope.
func Manifest(scope launch.Scope) winres.AppManifest {
	m := winres.AppManifest{
		Compatibility:       winres.Win10AndAbove, // supportedOS: Windows 10 and 11; Go 1.21+ needs them
		LongPathAware:       true,
		DPIAwareness:        winres.DPIPerMonitorV2, // a sharp message box
		UseCommonControlsV6: true,
		ExecutionLevel:      winres.AsInvoker, // a per-user package installs without elevation
	}
	if scope == launch.PerMachine {
		// Windows asks for administrator rights before the setup starts.
		m.ExecutionLevel = winres.RequireAdministrator
	}
	return m
}

// versionInfo is the version resource: what Explorer's Details tab and the
// elevation prompt show.
func versionInfo(o Options) (version.Info, error) {
	var vi version.Info
	v, err := fourPart(o.Product.Version)
	if err != nil {
		return vi, err
	}
	vi.FileVersion, vi.ProductVersion = v, v
	goVersion := o.Product.GoVersion.String()
	for k, s := range map[string]string{
		version.ProductName:      o.Product.Name,
		version.CompanyName:      o.Product.Manufacturer,
		version.FileDescription:  "Setup of Go " + strings.TrimPrefix(goVersion, "go") + " for Windows " + o.Product.Arch.GOARCH,
		version.ProductVersion:   goVersion,
		version.FileVersion:      o.Product.Version,
		version.OriginalFilename: Name(o.Product.MSIName()),
		version.InternalName:     "gomsi-setup",
		version.Comments:         "Installs " + o.Product.MSIName() + " (" + string(o.Scope) + "); built by gomsi",
	} {
		if err := vi.Set(langEnUS, k, s); err != nil {
			return vi, fmt.Errorf("version resource %s: %w", k, err)
		}
	}
	return vi, nil
}

// fourPart turns an MSI ProductVersion (1.26.8) into a version resource's.
func fourPart(v string) ([4]uint16, error) {
	var out [4]uint16
	parts := strings.Split(v, ".")
	if len(parts) > 4 {
		return out, fmt.Errorf("version %q has more than four parts", v)
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return out, fmt.Errorf("version %q: part %q is not a number up to 65535", v, p)
		}
		out[i] = uint16(n)
	}
	return out, nil
}

// addResources writes src with the setup's resources to dst.
func addResources(src, dst string, o Options) error {
	rs := &winres.ResourceSet{}
	rs.SetManifest(Manifest(o.Scope))
	vi, err := versionInfo(o)
	if err != nil {
		return err
	}
	rs.SetVersionInfo(vi)
	if o.Icon != "" {
		f, err := os.Open(o.Icon)
		if err != nil {
			return fmt.Errorf("icon: %w", err)
		}
		icon, err := winres.LoadICO(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("icon %s: %w (set icon: to a valid .ico file)", o.Icon, err)
		}
		if err := rs.SetIcon(winres.ID(1), icon); err != nil { // the first icon group is the exe's icon
			return fmt.Errorf("icon %s: %w", o.Icon, err)
		}
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if err := rs.WriteToEXE(out, in, winres.ForceCheckSum()); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
