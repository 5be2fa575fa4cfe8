package native_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native"
)

// layoutSource has two Media without Cabinet; {Package} and
// $(var.App) vary the Package element and the application folder's name.
const layoutSource = `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Layout" Language="1033" Version="1.0.0" Manufacturer="M" UpgradeCode="5D2E8B11-7C3A-4E5F-9A0B-1C2D3E4F5A6B">
    <Package InstallerVersion="200" {Package}/>
    <Media Id="1"/>
    <Media Id="2"/>
    <Media Id="3"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="{App}">
        <Component Id="A" Guid="1A2B3C4D-0000-4000-8000-000000000001"><File Id="a" Name="Read Me.txt" Source="a.txt" {FileAttrs}/></Component>
        <Directory Id="SUB" Name="Sub">
          <Component Id="B" Guid="1A2B3C4D-0000-4000-8000-000000000002"><File Id="b" Name="b.dat" Source="b.dat" DiskId="2" {FileAttrs}/></Component>
        </Directory>
      </Directory></Directory>
    </Directory>
    <Feature Id="F"><ComponentRef Id="A"/><ComponentRef Id="B"/></Feature>
  </Product>
</Wix>`

// layoutCompile writes the payload and the source to a new folder and
// compiles them into out/layout.msi.
func layoutCompile(t *testing.T, edits map[string]string) (native.Compilation, error) {
	t.Helper()
	return layoutCompileIn(t, t.TempDir(), edits)
}

func layoutCompileIn(t *testing.T, dir string, edits map[string]string) (native.Compilation, error) {
	t.Helper()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("read me"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.dat"), []byte("bee data"), 0o644)
	vars := map[string]string{"Package": "", "App": "Layout App", "FileAttrs": ""}
	for k, v := range edits {
		vars[k] = v
	}
	text := layoutSource
	for k, v := range vars {
		text = strings.ReplaceAll(text, "{"+k+"}", v)
	}
	src := filepath.Join(dir, "layout.wxs")
	os.WriteFile(src, []byte(text), 0o644)
	c := native.Compilation{Sources: []string{src}, BasePaths: []string{dir}, Arch: "x86", Out: filepath.Join(dir, "out", "layout.msi")}
	return c, (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c)
}

func assertFileHolds(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Errorf("%s: %q, %v; want %q", path, got, err, want)
	}
}

// TestLayoutUncompressedMedia: as light, the files of Media without
// Cabinet are copied beside the package under the Directory table's
// source names (long names; SourceDir dropped), the Media rows have no
// cabinet (LastSequence 0 for a Media without files, as WiX), the File
// rows no compression bit, and no work folder is left.
func TestLayoutUncompressedMedia(t *testing.T) {
	c, err := layoutCompile(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Dir(c.Out)
	// ProgramFilesFolder has no Name, so its DefaultDir is "." (its parent's folder).
	assertFileHolds(t, filepath.Join(outDir, "Layout App", "Read Me.txt"), "read me")
	assertFileHolds(t, filepath.Join(outDir, "Layout App", "Sub", "b.dat"), "bee data")
	entries, _ := os.ReadDir(outDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, "|") != "Layout App|layout.msi" {
		t.Errorf("output folder holds %v, want Layout App and layout.msi only", names)
	}
	tables := dumpTables(t, c.Out)
	media := tables["Media"]
	if media == nil || len(media.rows) != 3 {
		t.Fatalf("Media %v", media)
	}
	for i, want := range []string{"1\t1", "2\t2", "3\t0"} {
		if r := media.rows[i]; strings.Join(r[:2], "\t") != want || r[3] != "" {
			t.Errorf("Media row %q, want %s and no cabinet", r, want)
		}
	}
	for _, r := range tables["File"].rows {
		if r[6] != "512" {
			t.Errorf("File %s attributes %s, want 512 (no compression bit)", r[0], r[6])
		}
	}
	if _, ok := tables["_Streams"]; ok {
		t.Errorf("streams in an uncompressed package: %v", tables["_Streams"])
	}

	// A rebuild replaces the laid-out files.
	if _, err := layoutCompile(t, nil); err != nil {
		t.Fatal(err)
	}
}

// TestLayoutUncompressedShortNames: with Package/@ShortNames the layout
// uses the short names, as Windows Installer then looks for them.
func TestLayoutUncompressedShortNames(t *testing.T) {
	c, err := layoutCompile(t, map[string]string{"Package": `ShortNames="yes"`, "App": "App"})
	if err != nil {
		t.Fatal(err)
	}
	tables := dumpTables(t, c.Out)
	var short string
	for _, r := range tables["File"].rows {
		if r[0] == "a" {
			short, _, _ = strings.Cut(r[2], "|")
		}
	}
	if short == "" || short == "Read Me.txt" {
		t.Fatalf("File a has no short name: %v", tables["File"].rows)
	}
	assertFileHolds(t, filepath.Join(filepath.Dir(c.Out), "App", short), "read me")
}

// TestLayoutUncompressedInCompressedPackage: Compressed="no" files of a
// compressed package sit in the package's own folder (Binder.cs
// GetFileSourcePath) and carry the Noncompressed bit.
func TestLayoutUncompressedInCompressedPackage(t *testing.T) {
	c, err := layoutCompile(t, map[string]string{"Package": `Compressed="yes"`, "FileAttrs": `Compressed="no"`})
	if err != nil {
		t.Fatal(err)
	}
	assertFileHolds(t, filepath.Join(filepath.Dir(c.Out), "Read Me.txt"), "read me")
	assertFileHolds(t, filepath.Join(filepath.Dir(c.Out), "b.dat"), "bee data")
	for _, r := range dumpTables(t, c.Out)["File"].rows {
		if r[6] != "8704" {
			t.Errorf("File %s attributes %s, want 8704 (vital, noncompressed)", r[0], r[6])
		}
	}
}

// TestLayoutUncompressedStaysInside: names from the sources never lead
// out of the output folder, and a symbolic link there is not followed.
func TestLayoutUncompressedStaysInside(t *testing.T) {
	_, err := layoutCompile(t, map[string]string{"App": ".."})
	if err == nil || !strings.Contains(err.Error(), "layout.wxs:") {
		t.Errorf("Name=\"..\": %v, want an error naming the source", err)
	}

	// out/Layout App is a link to another folder: refused, nothing written there.
	dir := t.TempDir()
	elsewhere := filepath.Join(dir, "elsewhere")
	os.MkdirAll(elsewhere, 0o755)
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "out"), 0o755)
	if err := os.Symlink(elsewhere, filepath.Join(src, "out", "Layout App")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	c, err := layoutCompileIn(t, src, nil)
	if err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("layout through a symbolic link: %v", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("files written through the link: %v", entries)
	}
	if _, err := os.Stat(c.Out); err == nil {
		t.Errorf("%s written although its layout failed", c.Out)
	}
}
