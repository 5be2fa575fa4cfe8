package setup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/pe"
	"encoding/binary"
	"encoding/xml"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tc-hib/winres"

	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/setup/launch"
	"github.com/gomsi/gomsi/setup/payload"
)

// fakeMSI is what the builder carries; it does not read it.
func fakeMSI(t testing.TB, dir, arch string) string {
	t.Helper()
	p := filepath.Join(dir, "go1.26.8.windows-"+arch+".msi")
	if err := os.WriteFile(p, bytes.Repeat([]byte("msi "+arch+" "), 5000), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func buildFor(t testing.TB, arch string, scope launch.Scope, icon string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	msi := fakeMSI(t, dir, arch)
	prod, err := product.New("go1.26.8", arch, "")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, Name(filepath.Base(msi)))
	if err := Build(context.Background(), Options{MSI: msi, Out: out, Product: prod, Scope: scope, Icon: icon}); err != nil {
		t.Fatal(err)
	}
	return out, msi
}

// manifestXML is what Windows reads of an application manifest.
type manifestXML struct {
	ExecutionLevel struct {
		Level    string `xml:"level,attr"`
		UIAccess string `xml:"uiAccess,attr"`
	} `xml:"trustInfo>security>requestedPrivileges>requestedExecutionLevel"`
	SupportedOS []struct {
		ID string `xml:"Id,attr"`
	} `xml:"compatibility>application>supportedOS"`
	LongPath string `xml:"application>windowsSettings>longPathAware"`
}

const win10GUID = "{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"

// TestResources builds the setup of each arch and scope and reads back
// from the file: the PE machine and GUI subsystem, the manifest's
// execution level (requireAdministrator per machine, asInvoker per user),
// Windows 10 as the supported OS, long path awareness, the version
// resource's strings and numbers, and the MSI with its hash.
func TestResources(t *testing.T) {
	for _, arch := range []string{"386", "amd64", "arm64"} {
		for _, scope := range []launch.Scope{launch.PerMachine, launch.PerUser} {
			t.Run(arch+"-"+string(scope), func(t *testing.T) {
				exe, msi := buildFor(t, arch, scope, "")
				f, err := pe.Open(exe)
				if err != nil {
					t.Fatal(err)
				}
				a, _ := product.LookupArch(arch)
				if f.Machine != a.PEMachine {
					t.Errorf("machine %#x, want %#x", f.Machine, a.PEMachine)
				}
				var subsystem uint16
				switch h := f.OptionalHeader.(type) {
				case *pe.OptionalHeader32:
					subsystem = h.Subsystem
				case *pe.OptionalHeader64:
					subsystem = h.Subsystem
				}
				if subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
					t.Errorf("subsystem %d, want the GUI subsystem (no console window when double-clicked)", subsystem)
				}
				f.Close()

				rs := loadResources(t, exe)
				var m manifestXML
				raw := rs.Get(winres.RT_MANIFEST, winres.ID(1), winres.LCIDDefault)
				if err := xml.Unmarshal(raw, &m); err != nil {
					t.Fatalf("manifest: %v\n%s", err, raw)
				}
				want := map[launch.Scope]string{launch.PerMachine: "requireAdministrator", launch.PerUser: "asInvoker"}[scope]
				if m.ExecutionLevel.Level != want || m.ExecutionLevel.UIAccess != "false" {
					t.Errorf("requestedExecutionLevel %+v, want %q, uiAccess false", m.ExecutionLevel, want)
				}
				if len(m.SupportedOS) != 1 || m.SupportedOS[0].ID != win10GUID {
					t.Errorf("supportedOS %+v, want Windows 10 only", m.SupportedOS)
				}
				if m.LongPath != "true" {
					t.Errorf("longPathAware %q", m.LongPath)
				}

				strs, fixed := versionResource(t, rs.Get(winres.RT_VERSION, winres.ID(1), langEnUS))
				for k, v := range map[string]string{
					"ProductName": "Go Programming Language " + arch + " go1.26.8", "CompanyName": "https://go.dev",
					"ProductVersion": "go1.26.8", "FileVersion": "1.26.8", "OriginalFilename": "go1.26.8.windows-" + arch + "-setup.exe",
				} {
					if strs[k] != v {
						t.Errorf("version resource %s = %q, want %q", k, strs[k], v)
					}
				}
				if fixed != [4]uint16{1, 26, 8, 0} {
					t.Errorf("fixed file version %v", fixed)
				}
				if err := CheckCarries(exe, msi); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

func loadResources(t *testing.T, exe string) *winres.ResourceSet {
	t.Helper()
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, err := winres.LoadFromEXE(f)
	if err != nil {
		t.Fatalf("read resources of %s: %v", exe, err)
	}
	return rs
}

// versionResource decodes a VS_VERSIONINFO: its strings (UTF-16 key, NUL,
// padding, value) and the file version of its VS_FIXEDFILEINFO.
func versionResource(t *testing.T, b []byte) (map[string]string, [4]uint16) {
	t.Helper()
	var fixed [4]uint16
	i := bytes.Index(b, []byte{0xbd, 0x04, 0xef, 0xfe})
	if i < 0 {
		t.Fatalf("no VS_FIXEDFILEINFO in the version resource")
	}
	ms, ls := binary.LittleEndian.Uint32(b[i+8:]), binary.LittleEndian.Uint32(b[i+12:])
	fixed = [4]uint16{uint16(ms >> 16), uint16(ms), uint16(ls >> 16), uint16(ls)}
	u := make([]uint16, len(b)/2)
	for j := range u {
		u[j] = binary.LittleEndian.Uint16(b[2*j:])
	}
	text := string(utf16.Decode(u))
	// Each String is: length, value length, type (3 words), key, NULs, value, NULs.
	parts := regexp.MustCompile("\x00+").Split(text, -1)
	strs := map[string]string{}
	for j := 0; j+1 < len(parts); j++ {
		for _, k := range []string{"ProductName", "CompanyName", "ProductVersion", "FileVersion", "OriginalFilename", "FileDescription"} {
			if strings.HasSuffix(parts[j], k) {
				strs[k] = parts[j+1]
			}
		}
	}
	return strs, fixed
}

// TestIcon: a configured icon becomes the exe's first icon group.
func TestIcon(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for x := range 32 {
		img.Set(x, x, color.RGBA{0, 0x7f, 0xff, 0xff})
	}
	icon, err := winres.NewIconFromImages([]image.Image{img})
	if err != nil {
		t.Fatal(err)
	}
	ico := filepath.Join(t.TempDir(), "go.ico")
	var b bytes.Buffer
	icon.SaveICO(&b)
	os.WriteFile(ico, b.Bytes(), 0o644)
	exe, _ := buildFor(t, "amd64", launch.PerMachine, ico)
	if got, err := loadResources(t, exe).GetIcon(winres.ID(1)); err != nil || got == nil {
		t.Errorf("no icon group 1 in the setup: %v", err)
	}
	plain, _ := buildFor(t, "amd64", launch.PerMachine, "")
	if got, _ := loadResources(t, plain).GetIcon(winres.ID(1)); got != nil {
		t.Errorf("an icon without one configured")
	}
}

// TestReproducible: the same inputs give the same bytes, built into two
// folders (paths must not leak in), with the user's GOFLAGS set.
func TestReproducible(t *testing.T) {
	t.Setenv("GOFLAGS", "-ldflags=-X=main.scope=evil")
	a, msiA := buildFor(t, "amd64", launch.PerUser, "")
	b, _ := buildFor(t, "amd64", launch.PerUser, "")
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Fatalf("two builds differ: %d and %d bytes", len(da), len(db))
	}
	msi, _ := os.ReadFile(msiA)
	p, err := payload.Find(bytes.NewReader(da), int64(len(da)))
	if err != nil || p.SHA256 != sha256.Sum256(msi) {
		t.Fatalf("payload %+v, %v", p, err)
	}
	// The launcher alone, without the MSI, is what the setup adds.
	t.Logf("setup %d bytes = MSI %d + %d (%.2f MiB)", len(da), len(msi), len(da)-len(msi), float64(len(da)-len(msi))/(1<<20))
	if over := len(da) - len(msi); over >= 3<<20 {
		t.Errorf("the setup adds %d bytes to the MSI; the target is under 3 MiB", over)
	}
}

// recordRunner records the go command instead of running it.
type recordRunner struct{ cmd *exec.Cmd }

func (r *recordRunner) Run(ctx context.Context, cmd *exec.Cmd) ([]byte, error) {
	r.cmd = cmd
	return []byte("no go here"), exec.ErrNotFound
}

// TestCompileCommand: the launcher is built for Windows and the package's
// arch with every reproducibility setting, whatever the environment says,
// and a failing build says what to do and leaves nothing behind.
func TestCompileCommand(t *testing.T) {
	t.Setenv("GOFLAGS", "-race")
	t.Setenv("GOARCH", "riscv64")
	t.Setenv("CGO_ENABLED", "1")
	dir := t.TempDir()
	msi := fakeMSI(t, dir, "arm64")
	prod, _ := product.New("go1.26.8", "arm64", "")
	r := &recordRunner{}
	out := filepath.Join(dir, "x-setup.exe")
	err := Build(context.Background(), Options{MSI: msi, Out: out, Product: prod, Scope: launch.PerMachine, Runner: r})
	if err == nil || !strings.Contains(err.Error(), "no go here") || !strings.Contains(err.Error(), "module") {
		t.Errorf("error %v", err)
	}
	env := map[string]string{}
	for _, kv := range r.cmd.Env {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := env[k]; dup {
			t.Errorf("%s set twice", k)
		}
		env[k] = v
	}
	for k, v := range map[string]string{"GOOS": "windows", "GOARCH": "arm64", "CGO_ENABLED": "0", "GOFLAGS": "", "GOTOOLCHAIN": "local", "GOARM64": "v8.0"} {
		if env[k] != v {
			t.Errorf("%s=%q, want %q", k, env[k], v)
		}
	}
	args := strings.Join(r.cmd.Args, " ")
	for _, want := range []string{"-trimpath", "-buildvcs=false", "-buildid=", "-H=windowsgui", "-X main.scope=perMachine", "-X main.msiName=go1.26.8.windows-arm64.msi", LauncherPackage} {
		if !strings.Contains(args, want) {
			t.Errorf("go command %q lacks %q", args, want)
		}
	}
	// The launcher is built from gomsi's module whatever folder gomsi runs in.
	if mod, err := os.ReadFile(filepath.Join(r.cmd.Dir, "go.mod")); err != nil || !strings.HasPrefix(string(mod), "module github.com/gomsi/gomsi\n") {
		t.Errorf("go build runs in %q, not in gomsi's module (%v)", r.cmd.Dir, err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("a failed build left %d entries in the out folder", len(ents)-1)
	}
}

// TestRefusesUnsafeNames: the MSI's name goes on the linker's command
// line and becomes a file name on the target.
func TestRefusesUnsafeNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a b.msi", "x -X main.scope=perUser.msi", "..msi", "go.exe"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("m"), 0o644)
		err := Build(context.Background(), Options{MSI: p, Out: p + "-setup.exe", Scope: launch.PerMachine, Runner: &recordRunner{}})
		if err == nil || !strings.Contains(err.Error(), "rename it") {
			t.Errorf("%q: %v", name, err)
		}
	}
}

// TestWordCount reads the Word Count of a property set stream as
// Windows Installer writes one.
func TestWordCount(t *testing.T) {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.Write([]byte{0xfe, 0xff, 0, 0})              // byte order, version
	binary.Write(&b, le, uint32(0x00020006))       // system identifier
	b.Write(make([]byte, 16))                      // CLSID
	binary.Write(&b, le, uint32(1))                // one set
	b.Write(make([]byte, 16))                      // FMTID
	binary.Write(&b, le, uint32(48))               // its offset
	binary.Write(&b, le, uint32(8+16+8+8))         // set size
	binary.Write(&b, le, uint32(2))                // two properties
	binary.Write(&b, le, [4]uint32{1, 24, 15, 32}) // codepage at 24, word count at 32
	binary.Write(&b, le, [2]uint32{2, 1252})       // VT_I2 codepage
	binary.Write(&b, le, [2]uint32{3, 10})         // VT_I4 10: compressed, no elevation
	wc, err := wordCount(b.Bytes())
	if err != nil || wc != 10 {
		t.Errorf("word count %d, %v", wc, err)
	}
	if _, err := wordCount(b.Bytes()[:60]); err == nil {
		t.Errorf("a cut stream was read")
	}
}
