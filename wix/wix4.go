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

// Wix4 is WiX Toolset v4 and later (v4, v5, v6, v7): the `wix` .NET tool,
// which compiles and links in one `wix build`.
type Wix4 struct {
	// Path is the wix program, or the folder holding it. Empty: PATH, then
	// the .NET global tools folder (~/.dotnet/tools).
	Path   string
	Runner Runner
	Getenv func(string) string // os.Getenv by default; reads USERPROFILE, HOME

	// DCL is the default cabinet compression level (-dcl): none, low,
	// medium, high or mszip; "high" by default.
	DCL string
	// CabinetThreads is -ct: how many cabinets are compressed at once; 0
	// leaves WiX's default (one per processor).
	CabinetThreads int
	// UI adds WixToolset.UI.wixext, which the dialog sets need.
	UI bool
	// AcceptEula is the WiX EULA the user accepted (wix_eula), such as
	// "wix7"; gomsi never accepts one on the user's behalf.
	AcceptEula string

	found *wix4Found // cached by Detect
}

type wix4Found struct {
	wix     string
	version version
	full    string // as wix --version prints it, without build metadata
}

// Name implements Toolset.
func (w *Wix4) Name() string { return "wix4" }

// Dialect implements Toolset: WiX v4 source, with everything gomsi's
// installer uses.
func (w *Wix4) Dialect() dialect.Dialect {
	return dialect.Dialect{
		Schema: dialect.V4, Binder: true, DollarEscape: true,
		InlineEnvironment: true, Broadcast: true, PackagePrivileges: true, PackagePlatform: true,
		SecureProperties: true, MediaTemplate: true, CompressionLevel: true,
	}
}

func (w *Wix4) getenv(name string) string {
	if w.Getenv != nil {
		return w.Getenv(name)
	}
	return os.Getenv(name)
}

const wix4Install = "install it with dotnet tool install --global wix --version 6.0.2 (needs the .NET SDK), or set wix4_path in gomsi.yaml to the wix program"

func (w *Wix4) locate() (string, error) {
	if w.Path != "" {
		for _, p := range []string{w.Path, filepath.Join(w.Path, "wix.exe"), filepath.Join(w.Path, "wix")} {
			if isFile(p) {
				return p, nil
			}
		}
		return "", fmt.Errorf("detect wix4: %w: no wix program at wix4_path %s: set wix4_path to wix.exe or the folder holding it", ErrNotFound, w.Path)
	}
	if p, err := exec.LookPath("wix"); err == nil {
		return p, nil
	}
	// dotnet tool install --global puts it here, and only a new shell has
	// it on PATH: a CI step right after the install would miss it.
	for _, home := range []string{w.getenv("USERPROFILE"), w.getenv("HOME")} {
		if home == "" {
			continue
		}
		for _, name := range []string{"wix.exe", "wix"} {
			if p := filepath.Join(home, ".dotnet", "tools", name); isFile(p) {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("detect wix4: %w: %s (looked in PATH and ~/.dotnet/tools)", ErrNotFound, wix4Install)
}

// wixVersion matches `wix --version`, such as "6.0.2+41e11442".
var wixVersion = regexp.MustCompile(`(?m)^\s*(\d+)\.(\d+)\.(\d+)`)

// Detect implements Toolset.
func (w *Wix4) Detect(ctx context.Context) (Info, error) {
	p, err := w.locate()
	if err != nil {
		return Info{}, err
	}
	out, err := w.Runner.Run(ctx, Command{Path: p, Args: []string{"--version"}})
	if err != nil {
		return Info{}, toolError("detect wix4: wix --version", err, out, "")
	}
	m := wixVersion.FindStringSubmatch(string(out))
	if m == nil {
		return Info{}, toolError("detect wix4: wix --version", errors.New("no version in its output"), out, "")
	}
	v := version{atoi(m[1]), atoi(m[2]), atoi(m[3])}
	if v.major < 4 {
		return Info{}, fmt.Errorf("detect wix4: %s is WiX %s, not v4 or later: %s", p, v, wix4Install)
	}
	w.found = &wix4Found{wix: p, version: v, full: v.String()}
	return Info{Version: v.String(), Paths: []string{p}}, nil
}

// eulaFrom is the first WiX major that refuses to build until its EULA is
// accepted (WIX7015).
const eulaFrom = 7

// Build implements Toolset: make sure the extensions of the same version are
// in the global cache, then wix build to a temporary .msi beside job.Out,
// renamed into place when it succeeds.
func (w *Wix4) Build(ctx context.Context, job Job) error {
	dcl, err := readyToBuild(ctx, w, w.found != nil, job, w.DCL)
	if err != nil {
		return err
	}
	eula := fmt.Sprintf("wix%d", w.found.version.major)
	if w.found.version.major >= eulaFrom && w.AcceptEula != eula {
		return fmt.Errorf("wix4: %w: WiX %s refuses to build until its EULA is accepted; gomsi never accepts it for you: read it, then set wix_eula: %s in gomsi.yaml (gomsi then passes -acceptEula %s)", ErrUnsupported, w.found.full, eula, eula)
	}
	exts := []string{"WixToolset.Util.wixext"}
	if w.UI {
		exts = append(exts, "WixToolset.UI.wixext")
	}
	if err := w.ensureExtensions(ctx, exts); err != nil {
		return err
	}
	objDir := filepath.Join(filepath.Dir(job.Sources[0]), "obj")
	tmp, finish, err := msiTemp(job.Out)
	if err != nil {
		return fmt.Errorf("wix4: %w", err)
	}
	args := []string{"build", "-arch", job.Arch.WixArch}
	for _, e := range exts {
		args = append(args, "-ext", e)
	}
	args = append(args, defineArgs("-d", job)...)
	args = append(args, "-dcl", dcl)
	if w.CabinetThreads > 0 {
		args = append(args, "-ct", strconv.Itoa(w.CabinetThreads))
	}
	args = append(args, "-pdbtype", "none", "-intermediatefolder", objDir)
	if w.found.version.major >= eulaFrom {
		args = append(args, "-acceptEula", eula)
	}
	args = append(args, "-o", tmp)
	args = append(args, job.Sources...)
	out, err := w.Runner.Run(ctx, Command{Path: w.found.wix, Args: args})
	if err != nil {
		finish(false)
		return toolError("wix4: wix build", err, out, eulaHint(out))
	}
	if err := finish(true); err != nil {
		return fmt.Errorf("wix4: %w", err)
	}
	return nil
}

// eulaHint explains WIX7015 when a newer WiX than gomsi knows asks for its
// EULA.
func eulaHint(out []byte) string {
	if strings.Contains(string(out), "WIX7015") {
		return "WiX asks for its EULA to be accepted: read it, then set wix_eula in gomsi.yaml to the name it gives (such as wix7)"
	}
	return ""
}

// ensureExtensions adds to WiX's global cache each extension missing at
// the version of wix itself: an extension of another version fails to load.
func (w *Wix4) ensureExtensions(ctx context.Context, exts []string) error {
	out, err := w.Runner.Run(ctx, Command{Path: w.found.wix, Args: []string{"extension", "list", "-g"}})
	if err != nil {
		return toolError("wix4: wix extension list -g", err, out, "")
	}
	have := parseExtensions(out)
	for _, e := range exts {
		if have[strings.ToLower(e)] == w.found.full {
			continue
		}
		ref := e + "/" + w.found.full
		out, err := w.Runner.Run(ctx, Command{Path: w.found.wix, Args: []string{"extension", "add", "-g", ref}})
		if err != nil {
			return toolError("wix4: wix extension add -g "+ref, err, out, "the extension comes from NuGet: check the network, or add it by hand with wix extension add -g "+ref)
		}
	}
	return nil
}

// parseExtensions reads `wix extension list -g`: one "Id Version" a line,
// "(damaged)" after a broken one, which counts as missing.
func parseExtensions(out []byte) map[string]string {
	have := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.Contains(line, "damaged") {
			continue
		}
		v := f[1]
		if i := strings.IndexByte(v, '+'); i >= 0 {
			v = v[:i]
		}
		have[strings.ToLower(f[0])] = v
	}
	return have
}
