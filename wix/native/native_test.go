package native_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/dialect"
	"github.com/gomsi/gomsi/wix/native"
)

const miniSource = `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Mini" Language="1033" Version="1.0.0" Manufacturer="M" UpgradeCode="22EA7650-4AC6-4001-BF29-F4B8775DB1C0">
    <Package Compressed="yes" InstallScope="perMachine"/>
    <MediaTemplate EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder"><Directory Id="INSTALLDIR" Name="Mini">
        <Component Id="C" Guid="*"><File Id="f" Source="$(var.SourceDir)/a.txt"/></Component>
      </Directory></Directory>
    </Directory>
    <Feature Id="F"><ComponentRef Id="C"/>EXTRA</Feature>
  </Product>
</Wix>`

func miniJob(t *testing.T, extra string) (wix.Job, string) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("hello"), 0o644)
	wxs := filepath.Join(dir, "Product.wxs")
	os.WriteFile(wxs, []byte(strings.Replace(miniSource, "EXTRA", extra, 1)), 0o644)
	arch, _ := product.LookupArch("amd64")
	out := filepath.Join(dir, "out", "mini.msi")
	return wix.Job{Sources: []string{wxs}, SourceDir: src, Arch: arch, Out: out}, filepath.Join(dir, "out")
}

// TestFailureLeavesNothing: a failed build keeps what job.Out held before
// and leaves no temporary file or cabinet behind.
func TestFailureLeavesNothing(t *testing.T) {
	job, outDir := miniJob(t, "")
	os.MkdirAll(outDir, 0o755)
	os.WriteFile(job.Out, []byte("previous package"), 0o644)
	os.Remove(filepath.Join(job.SourceDir, "a.txt"))
	err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job)
	if err == nil || !strings.Contains(err.Error(), "a.txt") || !strings.HasPrefix(err.Error(), "native: ") {
		t.Fatalf("missing file: %v", err)
	}
	if data, _ := os.ReadFile(job.Out); string(data) != "previous package" {
		t.Errorf("the previous package was changed: %q", data)
	}
	entries, _ := os.ReadDir(outDir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left behind in %s: %v", outDir, names)
	}
	// A cancelled build too.
	job, outDir = miniJob(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (&native.Toolset{Getenv: noEnv}).Build(ctx, job); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled build: %v", err)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("a cancelled build left %d entries", len(entries))
	}
}

func TestBuildErrorsNameTheSource(t *testing.T) {
	job, _ := miniJob(t, `<ServiceControl Id="s" Name="s"/>`)
	err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job)
	if err == nil || !strings.Contains(err.Error(), "Product.wxs:11") || !strings.Contains(err.Error(), "ServiceControl") {
		t.Errorf("unsupported element: %v", err)
	}
	// gomsi's pipeline says how to pick WiX, once.
	if err == nil || strings.Count(err.Error(), "GOMSI_TOOLSET=wix3 or wix4") != 1 {
		t.Errorf("unsupported element: the error should name GOMSI_TOOLSET once: %v", err)
	}
	job, _ = miniJob(t, "")
	os.Remove(filepath.Join(job.SourceDir, "a.txt"))
	if err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job); err == nil || strings.Contains(err.Error(), "GOMSI_TOOLSET") {
		t.Errorf("a missing file is not a toolset's limit, yet the error sends the user to another toolset: %v", err)
	}
	if _, err := os.Stat(job.Out); err == nil {
		t.Errorf("an MSI was written despite the error")
	}
	job, _ = miniJob(t, "")
	job.Sources = append(job.Sources, filepath.Join(filepath.Dir(job.Sources[0]), "Missing.wxs"))
	if err := (&native.Toolset{}).Build(context.Background(), job); err == nil || !strings.Contains(err.Error(), "Missing.wxs") {
		t.Errorf("missing source: %v", err)
	}
	job, _ = miniJob(t, "")
	bad := native.Toolset{Getenv: func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "yesterday"
		}
		return ""
	}}
	if err := bad.Build(context.Background(), job); err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
		t.Errorf("bad SOURCE_DATE_EPOCH: %v", err)
	}
}

func TestDetectAndSupports(t *testing.T) {
	ts := &native.Toolset{}
	info, err := ts.Detect(context.Background())
	if err != nil || info.Version == "" || ts.Name() != "native" {
		t.Errorf("Detect: %+v, %v", info, err)
	}
	for _, goarch := range []string{"386", "amd64", "arm64"} {
		arch, _ := product.LookupArch(goarch)
		if err := ts.Supports(arch); err != nil {
			t.Errorf("%s: %v", goarch, err)
		}
	}
	// It reads the WiX v3 sources and compiles <Environment> itself.
	if d := ts.Dialect(); d.Schema != dialect.V3 || !d.InlineEnvironment {
		t.Errorf("dialect %+v", d)
	}
}

// TestMediaTemplateAndVersions builds with a MediaTemplate and checks the
// package through msidump.
func TestMediaTemplate(t *testing.T) {
	job, _ := miniJob(t, "")
	if err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	tables := dumpTables(t, job.Out)
	if m := tables["Media"]; m == nil || len(m.rows) != 1 || m.rows[0][3] != "#cab1.cab" || m.rows[0][1] != "1" {
		t.Errorf("Media %v", m)
	}
	if c := tables["Component"]; c == nil || !strings.HasPrefix(c.rows[0][1], "{") {
		t.Errorf("Component %v", c)
	}
	assertCabinetsValid(t, job.Out)
}

// TestArm64 builds for arm64: the summary names the Arm64 platform, and a
// source asking for an installer version below 500 is refused.
func TestArm64(t *testing.T) {
	job, _ := miniJob(t, "")
	job.Arch, _ = product.LookupArch("arm64")
	err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job)
	if err == nil || !strings.Contains(err.Error(), "arm64 packages need InstallerVersion 500") {
		t.Fatalf("arm64 with the default installer version: %v", err)
	}
	src, _ := os.ReadFile(job.Sources[0])
	os.WriteFile(job.Sources[0], []byte(strings.Replace(string(src), `<Package `, `<Package InstallerVersion="500" `, 1)), 0o644)
	if err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	tables := dumpTables(t, job.Out)
	want := map[string]string{"7": "Arm64;1033", "14": "500"}
	for _, r := range tables["_SummaryInformation"].rows {
		if w, ok := want[r[0]]; ok && r[1] != w {
			t.Errorf("summary property %s = %q, want %q", r[0], r[1], w)
		}
	}
	if c := tables["Component"].rows[0]; c[3] != "256" {
		t.Errorf("arm64 component attributes %s, want 256 (64-bit)", c[3])
	}
}
