package wix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/gomsi/gomsi/wix/dialect"
)

// Wix3 is WiX Toolset v3 (3.11 to 3.14): candle compiles each source to a
// .wixobj, light links them into the package. It runs on Windows only
// (.NET Framework).
type Wix3 struct {
	// Path is an explicit location: the folder holding candle.exe and
	// light.exe, the install folder above its bin\, or candle.exe itself.
	// Empty: the WIX environment variable (%WIX%bin), then PATH.
	Path   string
	Runner Runner
	Getenv func(string) string // os.Getenv by default; reads WIX

	// DCL is light's default cabinet compression level (-dcl): none, low,
	// medium, high or mszip; "high" by default.
	DCL string
	// CabinetThreads is light's -ct: how many cabinets are compressed at
	// once; 0 leaves light's default (one per processor).
	CabinetThreads int
	// UI links WixUIExtension, which the dialog sets need.
	UI bool

	found *wix3Found // cached by Detect
}

type wix3Found struct {
	candle, light string
	version       version
}

// Name implements Toolset.
func (w *Wix3) Name() string { return "wix3" }

// Dialect implements Toolset: WiX v3 source, with everything gomsi's
// installer uses; light compresses a MediaTemplate's cabinets in parallel.
func (w *Wix3) Dialect() dialect.Dialect {
	return dialect.Dialect{
		Schema: dialect.V3, Binder: true, DollarEscape: true,
		InlineEnvironment: true, Broadcast: true, PackagePrivileges: true, PackagePlatform: true,
		SecureProperties: true, MediaTemplate: true, CompressionLevel: true,
	}
}

func (w *Wix3) getenv(name string) string {
	if w.Getenv != nil {
		return w.Getenv(name)
	}
	return os.Getenv(name)
}

const wix3Install = "install WiX 3.14 from https://github.com/wixtoolset/wix3/releases (it sets WIX), or set wix3_path in gomsi.yaml to the folder holding candle.exe"

// locate finds candle and light, saying where it looked.
func (w *Wix3) locate() (candle, light string, err error) {
	var tried []string
	if w.Path != "" {
		dirs := []string{w.Path, filepath.Join(w.Path, "bin")}
		if strings.EqualFold(filepath.Base(w.Path), "candle.exe") || strings.EqualFold(filepath.Base(w.Path), "candle") {
			dirs = []string{filepath.Dir(w.Path)}
		}
		for _, d := range dirs {
			if c, l, ok := pairIn(d); ok {
				return c, l, nil
			}
			tried = append(tried, d)
		}
		return "", "", fmt.Errorf("detect wix3: %w: no candle.exe and light.exe in wix3_path %s (looked in %s): set wix3_path to WiX's bin folder", ErrNotFound, w.Path, strings.Join(tried, ", "))
	}
	if root := w.getenv("WIX"); root != "" {
		// %WIX% ends with a backslash on Windows; Join copes either way.
		d := filepath.Join(root, "bin")
		if c, l, ok := pairIn(d); ok {
			return c, l, nil
		}
		tried = append(tried, "WIX="+root)
	}
	for _, name := range []string{"candle.exe", "candle"} {
		c, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if c2, l, ok := pairIn(filepath.Dir(c)); ok {
			return c2, l, nil
		}
	}
	tried = append(tried, "PATH")
	return "", "", fmt.Errorf("detect wix3: %w: %s (looked in %s)", ErrNotFound, wix3Install, strings.Join(tried, ", "))
}

// pairIn finds candle and light side by side in dir.
func pairIn(dir string) (candle, light string, ok bool) {
	for _, ext := range []string{".exe", ""} {
		c, l := filepath.Join(dir, "candle"+ext), filepath.Join(dir, "light"+ext)
		if isFile(c) && isFile(l) {
			return c, l, true
		}
	}
	return "", "", false
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// candleBanner matches the version in candle's logo, such as "Windows
// Installer XML Toolset Compiler version 3.14.1.8722".
var candleBanner = regexp.MustCompile(`(?i)compiler version (\d+)\.(\d+)\.(\d+)(?:\.(\d+))?`)

// Detect implements Toolset.
func (w *Wix3) Detect(ctx context.Context) (Info, error) {
	candle, light, err := w.locate()
	if err != nil {
		return Info{}, err
	}
	// candle -? prints the logo and usage; some releases exit non-zero
	// for it, so the banner decides, not the exit status.
	out, runErr := w.Runner.Run(ctx, Command{Path: candle, Args: []string{"-?"}})
	m := candleBanner.FindStringSubmatch(string(out))
	if m == nil {
		if runErr == nil {
			runErr = errors.New("no version in its banner")
		}
		return Info{}, toolError("detect wix3: candle -?", runErr, out, "")
	}
	v := version{atoi(m[1]), atoi(m[2]), atoi(m[3])}
	if v.major != 3 || v.minor < 11 {
		return Info{}, fmt.Errorf("detect wix3: candle %s is WiX %d.%d: gomsi drives WiX 3.11 to 3.14; %s", candle, v.major, v.minor, wix3Install)
	}
	w.found = &wix3Found{candle: candle, light: light, version: v}
	return Info{Version: strings.Join(m[1:4], ".") + suffix(m[4]), Paths: []string{candle, light}}, nil
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return "." + s
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// version is a WiX major.minor.patch.
type version struct{ major, minor, patch int }

func (v version) atLeast(major, minor int) bool {
	return v.major > major || v.major == major && v.minor >= minor
}

func (v version) String() string { return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch) }

// compressionLevels are the values of light's -dcl and wix build's -dcl.
var compressionLevels = []string{"none", "low", "medium", "high", "mszip"}

func checkDCL(tool, dcl string) (string, error) {
	if dcl == "" {
		return "high", nil
	}
	for _, l := range compressionLevels {
		if dcl == l {
			return dcl, nil
		}
	}
	return "", fmt.Errorf("%s: compression level %q (wix_dcl): use one of %s", tool, dcl, strings.Join(compressionLevels, ", "))
}

// Build implements Toolset: candle, then light writing a temporary .msi
// beside job.Out that is renamed into place when light succeeds.
func (w *Wix3) Build(ctx context.Context, job Job) error {
	dcl, err := readyToBuild(ctx, w, w.found != nil, job, w.DCL)
	if err != nil {
		return err
	}
	objDir := filepath.Join(filepath.Dir(job.Sources[0]), "obj")
	if err := os.MkdirAll(objDir, 0o755); err != nil {
		return fmt.Errorf("wix3: %w", err)
	}
	exts := []string{"-ext", "WixUtilExtension"}
	// candle: a trailing separator makes -out a folder, one .wixobj per source.
	args := []string{"-nologo", "-arch", job.Arch.WixArch}
	defs := defineArgs("-d", job)
	for i := 1; i < len(defs); i += 2 { // candle wants -dName=value as one argument
		args = append(args, "-d"+defs[i])
	}
	args = append(args, exts...)
	args = append(args, job.Sources...)
	args = append(args, "-out", objDir+string(filepath.Separator))
	if out, err := w.Runner.Run(ctx, Command{Path: w.found.candle, Args: args}); err != nil {
		return toolError("wix3: candle", err, out, "")
	}

	tmp, finish, err := msiTemp(job.Out)
	if err != nil {
		return fmt.Errorf("wix3: %w", err)
	}
	if w.UI {
		exts = append(exts, "-ext", "WixUIExtension")
	}
	args = append([]string{"-nologo"}, exts...)
	args = append(args, "-dcl:"+dcl, "-cultures:en-us", "-spdb")
	if w.CabinetThreads > 0 {
		args = append(args, "-ct", strconv.Itoa(w.CabinetThreads))
	}
	if job.Plan != nil {
		for _, ice := range job.Plan.SuppressICE {
			args = append(args, "-sice:"+ice)
		}
	}
	args = append(args, "-out", tmp)
	for _, s := range job.Sources {
		args = append(args, filepath.Join(objDir, strings.TrimSuffix(filepath.Base(s), filepath.Ext(s))+".wixobj"))
	}
	out, err := w.Runner.Run(ctx, Command{Path: w.found.light, Args: args})
	if err != nil {
		finish(false)
		return toolError("wix3: light", err, out, "")
	}
	if err := finish(true); err != nil {
		return fmt.Errorf("wix3: %w", err)
	}
	return nil
}

// msiTemp is tempOut for compilers that choose the output type from the
// extension (light, wix build): they write a temporary name ending in .msi,
// which finish moves through tempOut's discipline to out.
func msiTemp(out string) (string, func(ok bool) error, error) {
	tmp, finish, err := tempOut(out)
	if err != nil {
		return "", nil, err
	}
	msi := tmp + ".msi"
	return msi, func(ok bool) error {
		if !ok {
			os.Remove(msi)
			return finish(false)
		}
		if err := os.Rename(msi, tmp); err != nil {
			os.Remove(msi)
			finish(false)
			return err
		}
		return finish(true)
	}, nil
}
