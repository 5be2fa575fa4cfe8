package native_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/wix/native"
)

// binarySource has a Binary and an Icon with relative SourceFile paths,
// which light looks up in its -b paths.
const binarySource = `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Bin" Language="1033" Version="1.0.0" Manufacturer="M" UpgradeCode="3B1C7A90-52E4-4F0B-9D6A-0C1E2F3A4B5C">
    <Package Compressed="yes"/>
    <MediaTemplate EmbedCab="yes"/>
    <Binary Id="helper" SourceFile="tools\helper.bin"/>
    <Icon Id="app.ico" SourceFile="app.ico"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="Bin">
        <Component Id="C" Guid="*"><File Id="f" Source="$(var.Payload)"/></Component>
      </Directory></Directory>
    </Directory>
    <Feature Id="F"><ComponentRef Id="C"/></Feature>
  </Product>
</Wix>`

// TestCompileBasePaths resolves Binary/@SourceFile, Icon/@SourceFile and
// File/@Source through the base paths, in order, and fails naming the
// element's line and the paths tried when a file is in none of them.
func TestCompileBasePaths(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"b2/tools/helper.bin": "helper", "b1/app.ico": "icon", "b2/app.ico": "other icon", "payload.txt": "payload",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	wxs := filepath.Join(dir, "bin.wxs")
	os.WriteFile(wxs, []byte(binarySource), 0o644)
	t.Chdir(dir)
	c := native.Compilation{
		Sources:   []string{wxs},
		Defines:   map[string]string{"Payload": "payload.txt"},
		BasePaths: []string{"b1", "b2"},
		Arch:      "x86",
		Out:       filepath.Join(dir, "out", "bin.msi"),
	}
	ts := &native.Toolset{Getenv: noEnv}
	if err := ts.Compile(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	tables := dumpTables(t, c.Out)
	if b := tables["Binary"]; b == nil || len(b.rows) != 1 || b.rows[0][0] != "helper" {
		t.Errorf("Binary %v", b)
	}
	if ic := tables["Icon"]; ic == nil || len(ic.rows) != 1 || ic.rows[0][0] != "app.ico" {
		t.Errorf("Icon %v", ic)
	}
	// The streams hold the files found first: b1/app.ico, b2/tools/helper.bin.
	for stream, want := range map[string]string{"Binary.helper": "helper", "Icon.app.ico": "icon"} {
		if got := streamData(t, c.Out, stream); got != want {
			t.Errorf("stream %s = %q, want %q", stream, got, want)
		}
	}

	c.BasePaths = []string{"b1"}
	err := ts.Compile(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), "bin.wxs:6:") || !strings.Contains(err.Error(), filepath.Join("b1", "tools", "helper.bin")) {
		t.Errorf("missing Binary: %v", err)
	}
}

func TestCompileArch(t *testing.T) {
	job, _ := miniJob(t, "")
	c := native.Compilation{Sources: job.Sources, Defines: map[string]string{"SourceDir": job.SourceDir}, Arch: "ia64", Out: job.Out}
	if err := (&native.Toolset{}).Compile(context.Background(), c); err == nil || !strings.Contains(err.Error(), `"ia64"`) {
		t.Errorf("arch ia64: %v", err)
	}
	if _, err := os.Stat(job.Out); err == nil {
		t.Error("a package was written for a bad arch")
	}
}

// streamData extracts a stream (Table.Key for a binary column) with msiinfo.
func streamData(t *testing.T, msi, stream string) string {
	t.Helper()
	out, err := exec.Command(testtool.Require(t, "msiinfo"), "extract", msi, stream).Output()
	if err != nil {
		t.Fatalf("msiinfo extract %s: %v", stream, err)
	}
	return string(out)
}

// TestCompileLocalizationCodepage: a .wxl's Codepage becomes the database's,
// as in light; one the database writer cannot encode is refused.
func TestCompileLocalizationCodepage(t *testing.T) {
	msiinfo := testtool.Require(t, "msiinfo")
	for _, tt := range []struct{ codepage, want, err string }{
		{"", "1252", ""},
		{` Codepage="0"`, "0", ""},
		{` Codepage="1251"`, "1251", ""},
		{` Codepage="65001"`, "", "65001"},
	} {
		job, _ := miniJob(t, "")
		wxl := filepath.Join(filepath.Dir(job.Sources[0]), "neutral.wxl")
		os.WriteFile(wxl, []byte(`<?xml version="1.0"?><WixLocalization`+tt.codepage+` xmlns="http://schemas.microsoft.com/wix/2006/localization"><String Id="X">x</String></WixLocalization>`), 0o644)
		c := native.Compilation{Sources: job.Sources, Defines: map[string]string{"SourceDir": job.SourceDir}, Localizations: []string{wxl}, Arch: "x64", Out: job.Out}
		err := (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Codepage%s: %v, want an error with %q", tt.codepage, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Codepage%s: %v", tt.codepage, err)
		}
		out, err := exec.Command(msiinfo, "export", job.Out, "_ForceCodepage").Output()
		if got := strings.Fields(string(out)); err != nil || len(got) == 0 || got[0] != tt.want {
			t.Errorf("Codepage%s: database code page %q, %v; want %s", tt.codepage, out, err, tt.want)
		}
	}
}

// TestBuildFindsFilesBesideTheSources: the pipeline's wixl-dialect sources
// name the icon relative to their folder, where the other toolsets run, so
// Build searches it; Compile searches only the working directory and the
// base paths given, as light does.
func TestBuildFindsFilesBesideTheSources(t *testing.T) {
	job, _ := miniJob(t, "")
	dir := filepath.Dir(job.Sources[0])
	src, _ := os.ReadFile(job.Sources[0])
	withIcon := strings.Replace(string(src), `<MediaTemplate`, `<Icon Id="i.ico" SourceFile="art/i.ico"/><MediaTemplate`, 1)
	os.WriteFile(job.Sources[0], []byte(withIcon), 0o644)
	os.MkdirAll(filepath.Join(dir, "art"), 0o755)
	os.WriteFile(filepath.Join(dir, "art", "i.ico"), []byte("icon"), 0o644)
	t.Chdir(t.TempDir())
	if err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job); err != nil {
		t.Fatalf("Build: %v", err)
	}
	c := native.Compilation{Sources: job.Sources, Defines: map[string]string{"SourceDir": job.SourceDir}, Arch: "x64", Out: job.Out + ".2"}
	err := (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), native.ErrFileNotFound.Error()) || !strings.Contains(err.Error(), "Product.wxs:5:") {
		t.Errorf("Compile without base paths: %v", err)
	}
}
