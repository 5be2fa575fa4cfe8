package templates_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/dist"
	"github.com/gomsi/gomsi/harvest"
	"github.com/gomsi/gomsi/installer"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native"
)

// secrets are set in the environment of the injection tests: a value that
// became a variable would copy one of them into the package or an error.
var secrets = map[string]string{
	"GOMSI_SIGN_PASSWORD": "pw-4f1c9e27-secret",
	"GITHUB_TOKEN":        "ghp_token7d3a0b5e",
	"GOMSI_TEST_X":        "x-value-91b2",
}

// hostileNames are distribution file names that each dialect's
// preprocessor or binder would read as something else, and Windows
// Installer's formatting too. dist accepts them all.
var hostileNames = []string{
	"src/$(env.GOMSI_SIGN_PASSWORD).txt",
	"$(var.SourceDir)",
	"$$(x)",
	"a$",
	"$",
	"$$$",
	"!(loc.X)",
	"!(loc.Foo) !!(wix.Bar=1)",
	"!(bind.FileVersion.x)",
	"$(loc.Foo)",
	"$(sys.CURRENTDIR)",
	"$(env.GOMSI_TEST_X)$(env.GOMSI_TEST_X",
	"$(fun.AutoVersion(1.0))",
	"[ProgramFilesFolder]",
	"{[ProductName]} [%PATH] [~]",
	"misc/$(env.GITHUB_TOKEN)/$$$(var.SourceDir)/x.go",
}

// hostile is a literal that templates print into Formatted columns.
const hostile = "[ProgramFilesFolder]{[%PATH]} $(env.GOMSI_SIGN_PASSWORD) !(bind.FileVersion.x) [\\[]"

func setSecrets(t *testing.T) {
	for k, v := range secrets {
		t.Setenv(k, v)
	}
}

// assertNoSecret fails if any secret is in b.
func assertNoSecret(t *testing.T, what string, b []byte) {
	t.Helper()
	for k, v := range secrets {
		if bytes.Contains(b, []byte(v)) {
			t.Errorf("%s holds the value of %s", what, k)
		}
	}
}

// hostileBuild renders, for toolset, a distribution of hostileNames with
// hostile links, icon path, product name, comments, registry value and
// launch condition message, and compiles it with compile.
func hostileBuild(t *testing.T, toolset string, compiler wix.Toolset) (msi string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "go")
	for _, name := range hostileNames {
		if err := dist.CheckName(name); err != nil {
			t.Fatalf("dist refuses %q, which this test means to be accepted: %v", name, err)
		}
	}
	for _, name := range append([]string{"VERSION", "bin/go.exe"}, hostileNames...) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := harvest.Harvest(os.DirFS(root), harvest.Options{GUIDScope: "inject"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := product.New("go1.26.8", "amd64", "")
	if err != nil {
		t.Fatal(err)
	}
	icon := filepath.Join(t.TempDir(), "$(env.GOMSI_SIGN_PASSWORD) [x].ico")
	if err := os.WriteFile(icon, tinyIcon(), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default().Installer
	cfg.HelpLink = "https://x/$(env.GITHUB_TOKEN)"
	cfg.AboutLink = "https://x/[ProductName]/!(bind.FileVersion.x)/$$(y)"
	if toolset != "wixl" { // wixl 0.101 finds no SourceFile given as an absolute path (builder.vala find_file)
		cfg.Icon = icon
	}
	plan, err := installer.Plan(cfg, p, compiler.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	p.Name = "Go " + hostile
	p.Manufacturer = "$(env.GITHUB_TOKEN) !(loc.Maker)"
	plan.State.Values = append(plan.State.Values, templates.RegistryValue{Name: "hostile", Value: hostile})
	plan.LaunchConditions = append(plan.LaunchConditions, templates.LaunchCondition{Condition: "1", Message: hostile})

	r, err := templates.New(compiler.Dialect(), "")
	if err != nil {
		t.Fatal(err)
	}
	wxsDir := filepath.Join(t.TempDir(), "wxs")
	sources, err := r.WriteFiles(templates.Data{Product: p, Tree: tree, Comments: hostile, Installer: plan}, wxsDir)
	if err != nil {
		t.Fatal(err)
	}
	msi = filepath.Join(t.TempDir(), "out.msi")
	err = compiler.Build(context.Background(), wix.Job{Sources: sources, SourceDir: root, Arch: p.Arch, Out: msi})
	if err != nil {
		assertNoSecret(t, "the error", []byte(err.Error()))
		t.Fatalf("%s: %v", toolset, err)
	}
	b, err := os.ReadFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "the MSI", b)
	return msi
}

// TestNoInjection: every value reaches the MSI's tables literally, with
// gomsi's compiler and with wixl; nothing from the environment gets in.
func TestNoInjection(t *testing.T) {
	msiinfo := testtool.Require(t, "msiinfo")
	setSecrets(t)
	for _, tc := range []struct {
		toolset  string
		compiler func(t *testing.T) wix.Toolset
	}{
		{"native", func(t *testing.T) wix.Toolset { return &native.Toolset{} }},
		{"wixl", func(t *testing.T) wix.Toolset {
			testtool.Require(t, "wixl")
			return &wix.Wixl{Runner: wix.ExecRunner{}}
		}},
	} {
		t.Run(tc.toolset, func(t *testing.T) {
			msi := hostileBuild(t, tc.toolset, tc.compiler(t))
			files := map[string]bool{}
			for _, row := range exportTable(t, msiinfo, msi, "File") {
				long := row[2] // SHORT~1.TXT|long name, or the name alone
				if i := strings.IndexByte(long, '|'); i >= 0 {
					long = long[i+1:]
				}
				files[long] = true
			}
			for _, name := range hostileNames {
				if !files[filepath.Base(name)] {
					t.Errorf("no File row named %q; File names: %v", filepath.Base(name), files)
				}
			}
			props := map[string]string{}
			for _, row := range exportTable(t, msiinfo, msi, "Property") {
				props[row[0]] = row[1]
			}
			for prop, want := range map[string]string{
				"ARPHELPLINK":     "https://x/$(env.GITHUB_TOKEN)",
				"ARPURLINFOABOUT": "https://x/[ProductName]/!(bind.FileVersion.x)/$$(y)",
				"ProductName":     "Go " + hostile,
				"Manufacturer":    "$(env.GITHUB_TOKEN) !(loc.Maker)",
			} {
				if props[prop] != want {
					t.Errorf("Property %s = %q, want %q", prop, props[prop], want)
				}
			}
			escaped := `[\[]ProgramFilesFolder[\]][\{][\[]%PATH[\]][\}] $(env.GOMSI_SIGN_PASSWORD) !(bind.FileVersion.x) [\[]\[\[][\]]`
			found := false
			for _, row := range exportTable(t, msiinfo, msi, "Registry") {
				if row[3] == "hostile" {
					found = row[4] == escaped
					if !found {
						t.Errorf("Registry value %q, want the formatted escape %q", row[4], escaped)
					}
				}
				if row[3] == "installLocation" && row[4] != "[INSTALLDIR]" {
					t.Errorf("installLocation = %q, want the reference [INSTALLDIR]", row[4])
				}
			}
			if !found {
				t.Error("no Registry row hostile")
			}
			found = false
			for _, row := range exportTable(t, msiinfo, msi, "LaunchCondition") {
				found = found || row[1] == escaped
			}
			if !found {
				t.Errorf("no LaunchCondition with the description %q: %v", escaped, exportTable(t, msiinfo, msi, "LaunchCondition"))
			}
			if tc.toolset != "wixl" && len(exportTable(t, msiinfo, msi, "Icon")) != 1 {
				t.Error("the icon is not in the Icon table")
			}
		})
	}
}

// exportTable reads a table with msiinfo (msitools, independent of gomsi).
func exportTable(t *testing.T, msiinfo, msi, table string) [][]string {
	t.Helper()
	cmd := exec.Command(msiinfo, "export", msi, table)
	cmd.Dir = t.TempDir() // it writes binary columns (the Icon table's data) to files there
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("msiinfo export %s: %v", table, err)
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n"), "\n")
	var rows [][]string
	for _, l := range lines[min(3, len(lines)):] {
		rows = append(rows, strings.Split(l, "\t"))
	}
	return rows
}

// tinyIcon is a 1x1 32-bit .ico.
func tinyIcon() []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	le([]uint16{0, 1, 1})               // reserved, type icon, one image
	le([]uint8{1, 1, 0, 0})             // 1x1, no palette
	le([]uint16{1, 32})                 // planes, bits
	le([]uint32{40 + 4 + 4, 22})        // size, offset
	le([]uint32{40, 1, 2})              // BITMAPINFOHEADER: size, width, height (x2)
	le([]uint16{1, 32})                 // planes, bits
	le([]uint32{0, 0, 0, 0, 0, 0})      // compression ... important colours
	le([]uint8{0, 0, 0, 0, 0, 0, 0, 0}) // one pixel, one mask row
	return b.Bytes()
}

// FuzzFileName: a distribution file name that dist accepts reaches the File
// table as it is (the long name after "|"), through harvest, the templates
// and gomsi's compiler, whatever preprocessor, binder or formatting syntax
// it holds, with every environment variable set to a secret.
func FuzzFileName(f *testing.F) {
	for _, name := range hostileNames {
		f.Add(name)
	}
	for _, name := range []string{"go.exe", "a b.txt", "!!!(loc.Ab)", "$(env.X))", "!(wix.A=$(env.B))", "café [1].go"} {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if dist.CheckName(name) != nil {
			return // refused, with a clear error, before anything renders
		}
		root := filepath.Join(t.TempDir(), "go")
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Skipf("this file system cannot hold %q: %v", name, err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Skipf("this file system cannot hold %q: %v", name, err)
		}
		tree, err := harvest.Harvest(os.DirFS(root), harvest.Options{GUIDScope: "fuzz"})
		if err != nil {
			t.Fatalf("harvest %q: %v", name, err)
		}
		prod, err := product.New("go1.26.8", "amd64", "")
		if err != nil {
			t.Fatal(err)
		}
		plan, err := installer.Plan(config.Default().Installer, prod, toolsetDialect(t, "native"))
		if err != nil {
			t.Fatal(err)
		}
		r, err := templates.New(toolsetDialect(t, "native"), "")
		if err != nil {
			t.Fatal(err)
		}
		sources, err := r.WriteFiles(templates.Data{Product: prod, Tree: tree, Installer: plan}, filepath.Join(t.TempDir(), "wxs"))
		if err != nil {
			t.Fatalf("render %q: %v", name, err)
		}
		msi := filepath.Join(t.TempDir(), "f.msi")
		secret := func(k string) string {
			if k == "SOURCE_DATE_EPOCH" {
				return ""
			}
			return "SECRET"
		}
		err = (&native.Toolset{Getenv: secret, Workers: 1}).Build(context.Background(), wix.Job{Sources: sources, SourceDir: root, Arch: prod.Arch, Out: msi})
		if err != nil {
			if strings.Contains(err.Error(), "code page") {
				return // a character outside Windows-1252, refused by name
			}
			t.Fatalf("compile %q: %v", name, err)
		}
		s := msitest.ReadStored(t, msi)
		dec := charmap.Windows1252.NewDecoder()
		base := path.Base(name)
		var got []string
		for _, row := range s.Rows(t, "File") {
			fileName, err := dec.String(s.Str(int(row[2])))
			if err != nil {
				t.Fatal(err)
			}
			if i := strings.IndexByte(fileName, '|'); i >= 0 {
				fileName = fileName[i+1:]
			}
			got = append(got, fileName)
		}
		if len(got) != 1 || got[0] != base {
			t.Errorf("File table names %q, want [%q]", got, base)
		}
	})
}
