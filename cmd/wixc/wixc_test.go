package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// demoProduct and demoFiles are a two-source package: the product in one
// file, its files in a fragment. Line numbers matter to the error tests.
const demoProduct = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Wixc Demo" Language="1033" Version="1.2.3" Manufacturer="Example" UpgradeCode="6F2C6E40-3C52-4B7B-9E7A-1D2B6A3C8E01">
    <Package Compressed="yes" InstallScope="perMachine"/>
    <MediaTemplate EmbedCab="yes"/>
    <Property Id="GREETING" Value="$(var.Greeting)"/>
    <Property Id="FLAG" Value="$(var.Flag)"/>
    <Icon Id="demo.ico" SourceFile="art\demo.ico"/>
    <Property Id="ARPPRODUCTICON" Value="demo.ico"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="WixcDemo"/>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1"><ComponentGroupRef Id="Payload"/>EXTRA</Feature>
  </Product>
</Wix>
`

const demoFiles = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Fragment>
    <ComponentGroup Id="Payload" Directory="INSTALLDIR">
      <Component Id="Readme" Guid="*" Win64="yes"><File Id="readme" Source="readme.txt" KeyPath="yes"/></Component>
      <Component Id="Tool" Guid="*" Win64="yes"><File Id="tool" Name="tool.txt" Source="bin\tool.txt" KeyPath="yes"/></Component>
      <Component Id="Local" Guid="*" Win64="yes"><File Id="local" Source="local.txt" KeyPath="yes"/></Component>
    </ComponentGroup>
  </Fragment>
</Wix>
`

// demo is a working directory with the two sources, local.txt beside them,
// and readme.txt, bin/tool.txt and art/demo.ico under payload/ (for -b).
// extra goes inside the Feature (line 15 of product.wxs).
func demo(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"product.wxs":          strings.Replace(demoProduct, "EXTRA", extra, 1),
		"files.wxs":            demoFiles,
		"local.txt":            "beside the sources\n",
		"payload/readme.txt":   "read me\n",
		"payload/bin/tool.txt": "a tool\n",
		"payload/art/demo.ico": "\x00\x00\x01\x00not really an icon",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

// wixc runs the command in-process and returns its exit code and output.
func wixc(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

var demoArgs = []string{"-a", "x64", "-d", "Greeting=$(env.HOME)", "-D", "Flag", "-b", "nowhere", "-b", "payload", "-o", "out/demo.msi", "product.wxs", "files.wxs"}

// TestBuild builds the demo and checks its tables with msiinfo: defines are
// literal text, -D alone is 1, files are found beside the sources (the
// working directory) and through the second -b path.
func TestBuild(t *testing.T) {
	msiinfo := testtool.Require(t, "msiinfo")
	demo(t, "")
	t.Setenv("HOME", "/home/someone")
	code, stdout, stderr := wixc(t, demoArgs...)
	if code != 0 || stderr != "" || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	props := exportTable(t, msiinfo, "out/demo.msi", "Property")
	if got := lookup(props, "GREETING", 1); got != "$(env.HOME)" {
		t.Errorf("GREETING = %q, want the define's text $(env.HOME)", got)
	}
	if got := lookup(props, "FLAG", 1); got != "1" {
		t.Errorf("FLAG = %q, want 1 (wixl's -D without a value)", got)
	}
	files := exportTable(t, msiinfo, "out/demo.msi", "File")
	wantSizes := map[string]string{"readme": "8", "tool": "7", "local": "19"}
	for key, size := range wantSizes {
		if got := lookup(files, key, 3); got != size {
			t.Errorf("File %s size %q, want %s", key, got, size)
		}
	}
	if len(files) != len(wantSizes) {
		t.Errorf("File rows %v", files)
	}
	if got := lookup(exportTable(t, msiinfo, "out/demo.msi", "Icon"), "demo.ico", 0); got != "demo.ico" {
		t.Errorf("no Icon row demo.ico")
	}
	sum, err := exec.Command(msiinfo, "suminfo", "out/demo.msi").CombinedOutput()
	if err != nil || !strings.Contains(string(sum), "x64;1033") {
		t.Errorf("summary (want platform x64 from -a): %v\n%s", err, sum)
	}
	entries, _ := os.ReadDir("out")
	if len(entries) != 1 {
		t.Errorf("out holds %d entries, want only demo.msi", len(entries))
	}
}

// TestBuildErrors: every failure exits non-zero, names the file and line
// (or the option), and writes no package.
func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name  string
		extra string           // inside the Feature, line 15 of product.wxs
		edit  func(dir string) // breaks the demo
		args  []string         // replace demoArgs
		code  int
		wants []string
	}{
		{name: "missing file", edit: func(dir string) { os.Remove(filepath.Join(dir, "payload", "bin", "tool.txt")) },
			code: 1, wants: []string{"files.wxs:6:", "tool", `bin\tool.txt`, "bin/tool.txt", filepath.Join("payload", "bin", "tool.txt"), filepath.Join("nowhere", "bin", "tool.txt")}},
		{name: "no -b", args: []string{"-a", "x64", "-d", "Greeting=x", "-D", "Flag", "-o", "out/demo.msi", "product.wxs", "files.wxs"},
			code: 1, wants: []string{"files.wxs:5:", "readme.txt", "files.wxs:6:", "product.wxs:8:", "demo.ico", "-b"}},
		{name: "bad XML", edit: func(dir string) {
			os.WriteFile(filepath.Join(dir, "files.wxs"), []byte(strings.Replace(demoFiles, `KeyPath="yes"/></Component>
    </ComponentGroup>`, `KeyPath="yes"/></Componet>
    </ComponentGroup>`, 1)), 0o644)
		}, code: 1, wants: []string{"files.wxs:7:", "invalid XML"}},
		{name: "unsupported element", extra: `<ServiceControl Id="s" Name="s"/>`, code: 1, wants: []string{"product.wxs:15:", "ServiceControl", "WiX v3 and v4 compile it"}},
		{name: "unknown element", extra: `<Shortcutt Id="s"/>`, code: 1, wants: []string{"product.wxs:15:", "Shortcutt"}},
		{name: "undefined variable", args: []string{"-a", "x64", "-b", "payload", "-o", "out/demo.msi", "product.wxs", "files.wxs"},
			code: 1, wants: []string{"product.wxs:6:", "$(var.Greeting)"}},
		{name: "missing source", args: []string{"-d", "Greeting=x", "-D", "Flag", "-b", "payload", "-o", "out/demo.msi", "product.wxs", "nofile.wxs"},
			code: 1, wants: []string{"nofile.wxs"}},
		{name: "bad arch", args: []string{"-a", "amd64", "-o", "out/demo.msi", "product.wxs"}, code: 2, wants: []string{`-a "amd64"`, "usage: wixc"}},
		{name: "no output", args: []string{"product.wxs"}, code: 2, wants: []string{"-o out.msi", "usage: wixc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := demo(t, tt.extra)
			if tt.edit != nil {
				tt.edit(dir)
			}
			args := demoArgs
			if tt.args != nil {
				args = tt.args
			}
			code, stdout, stderr := wixc(t, args...)
			if code != tt.code || stdout != "" {
				t.Errorf("exit %d (want %d), stdout %q", code, tt.code, stdout)
			}
			for _, w := range tt.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "GOMSI_") {
				t.Errorf("wixc's errors name a setting of gomsi's pipeline, which wixc does not read:\n%s", stderr)
			}
			if _, err := os.Stat("out"); err == nil {
				entries, _ := os.ReadDir("out")
				if len(entries) > 0 {
					t.Errorf("a failed build left %d entries in out", len(entries))
				}
			}
		})
	}
}

// TestErrorsOneALine: several errors are printed one a line, each with its
// position.
func TestErrorsOneALine(t *testing.T) {
	demo(t, "")
	code, _, stderr := wixc(t, "-a", "x64", "-d", "Greeting=x", "-D", "Flag", "-o", "out/demo.msi", "product.wxs", "files.wxs")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || len(lines) != 3 {
		t.Fatalf("exit %d, want 3 error lines (readme, tool, icon):\n%s", code, stderr)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "files.wxs:") && !strings.HasPrefix(l, "product.wxs:") {
			t.Errorf("line without a position: %s", l)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	code, stdout, stderr := wixc(t, "--help")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "-loc FILE.wxl") {
		t.Errorf("--help: exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	code, stdout, _ = wixc(t, "--version")
	if code != 0 || !strings.HasPrefix(stdout, "wixc ") {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
}

// exportTable returns the rows of table (after msiinfo's three header lines).
func exportTable(t *testing.T, msiinfo, msi, table string) [][]string {
	t.Helper()
	out, err := exec.Command(msiinfo, "export", msi, table).Output()
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

// lookup returns column col of the row whose first column is key.
func lookup(rows [][]string, key string, col int) string {
	for _, r := range rows {
		if r[0] == key && col < len(r) {
			return r[col]
		}
	}
	return ""
}

// prepSource uses the preprocessor's inputs from the command line: an
// include found through -I, $(sys.BUILDARCH) from -a, !(loc.X) from -loc
// and a <?warning?>.
const prepSource = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Prep" Language="1033" Version="1.0.0" Manufacturer="Example" UpgradeCode="0C3E9A52-7B14-4D2E-8F6A-5B9C1D2E3F40">
    <Package Compressed="yes" InstallerVersion="500"/>
    <MediaTemplate EmbedCab="yes"/>
    <?include common.wxi?>
    <Property Id="BUILDARCH" Value="$(sys.BUILDARCH)"/>
    <Property Id="LOCTEXT" Value="!(loc.Greeting)"/>
    <?warning Careful: $(var.Who)?>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="Prep">
        <Component Id="C" Guid="*"><File Id="f" Source="local.txt"/></Component>
      </Directory></Directory>
    </Directory>
    <Feature Id="F"><ComponentRef Id="C"/></Feature>
  </Product>
</Wix>
`

func TestPreprocessorInputs(t *testing.T) {
	msiinfo := testtool.Require(t, "msiinfo")
	dir := demo(t, "")
	for name, content := range map[string]string{
		"prep.wxs":       prepSource,
		"inc/common.wxi": `<?xml version="1.0"?><Include xmlns="http://schemas.microsoft.com/wix/2006/wi"><Property Id="FROMINCLUDE" Value="$(var.Who)"/></Include>`,
		"en-us.wxl":      `<?xml version="1.0" encoding="utf-8"?><WixLocalization Culture="en-us" xmlns="http://schemas.microsoft.com/wix/2006/localization"><String Id="Greeting">Hello from the wxl</String></WixLocalization>`,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	code, _, stderr := wixc(t, "-a", "arm64", "-d", "Who=me", "-I", "inc", "-loc", "en-us.wxl", "-o", "out/prep.msi", "prep.wxs")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "prep.wxs:9: warning: Careful: me") {
		t.Errorf("the <?warning?> was not printed with its position:\n%s", stderr)
	}
	props := exportTable(t, msiinfo, "out/prep.msi", "Property")
	for name, want := range map[string]string{"FROMINCLUDE": "me", "BUILDARCH": "arm64", "LOCTEXT": "Hello from the wxl"} {
		if got := lookup(props, name, 1); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}

	// Without -I the include is not found; without -loc, !(loc.Greeting)
	// is an error: both name the line.
	code, _, stderr = wixc(t, "-a", "arm64", "-d", "Who=me", "-loc", "en-us.wxl", "-o", "out/prep2.msi", "prep.wxs")
	if code != 1 || !strings.Contains(stderr, "prep.wxs:6:") || !strings.Contains(stderr, "common.wxi") {
		t.Errorf("no -I: exit %d:\n%s", code, stderr)
	}
	code, _, stderr = wixc(t, "-a", "arm64", "-d", "Who=me", "-I", "inc", "-o", "out/prep3.msi", "prep.wxs")
	if code != 1 || !strings.Contains(stderr, "prep.wxs:8:") || !strings.Contains(stderr, "loc.Greeting") {
		t.Errorf("no -loc: exit %d:\n%s", code, stderr)
	}
	code, _, stderr = wixc(t, "-d", "Who=me", "-I", "inc", "-loc", "missing.wxl", "-o", "out/prep4.msi", "prep.wxs")
	if code != 1 || !strings.Contains(stderr, "missing.wxl") {
		t.Errorf("missing .wxl: exit %d:\n%s", code, stderr)
	}
}
