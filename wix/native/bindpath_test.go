package native_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native"
)

const bindPathSource = `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="BP" Language="1033" Version="1.0.0" Manufacturer="M" UpgradeCode="5D2E8B11-7C3A-4E5F-9A0B-1C2D3E4F5A6D">
    <Package Compressed="yes"/>
    <MediaTemplate EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="BP">
      <Component Id="C" Guid="5D2E8B11-7C3A-4E5F-9A0B-1C2D3E4F5A6E"><File Id="f" Source="!(bindpath.Files)\sub\TextFile1.txt"/></Component>
    </Directory></Directory></Directory>
    <Feature Id="F"><ComponentRef Id="C"/></Feature>
    <Property Id="P" Value="{P}"/>
  </Product>
</Wix>`

// TestCompileNamedBindPaths: a File/@Source starting with
// !(bindpath.name) is found in name's folders, in order (light -b
// name=folder); elsewhere, or without the name, it is an error.
func TestCompileNamedBindPaths(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"second/sub/TextFile1.txt", "third/sub/TextFile1.txt"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(p), 0o644)
	}
	compile := func(property string, named map[string][]string) (native.Compilation, error) {
		src := filepath.Join(dir, "bp.wxs")
		os.WriteFile(src, []byte(strings.Replace(bindPathSource, "{P}", property, 1)), 0o644)
		c := native.Compilation{Sources: []string{src}, NamedBindPaths: named, Out: filepath.Join(dir, "bp.msi")}
		return c, (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), c)
	}
	c, err := compile("x", map[string][]string{"Files": {filepath.Join(dir, "first"), filepath.Join(dir, "second"), filepath.Join(dir, "third")}})
	if err != nil {
		t.Fatal(err)
	}
	// first has no such file; second's (24 bytes) wins over third's (23).
	if r := dumpTables(t, c.Out)["File"].rows[0]; r[3] != "24" {
		t.Errorf("File row %q: want the size of second/sub/TextFile1.txt", r)
	}

	_, err = compile("x", map[string][]string{"Files": {filepath.Join(dir, "first")}})
	if err == nil || !strings.Contains(err.Error(), "bp.wxs:7:") || !strings.Contains(err.Error(), filepath.Join(dir, "first", "sub", "TextFile1.txt")) {
		t.Errorf("not found: %v", err)
	}
	_, err = compile("x", map[string][]string{"Other": {dir}})
	if err == nil || !strings.Contains(err.Error(), "bp.wxs:7:") || !strings.Contains(err.Error(), "-b Files=folder") {
		t.Errorf("unknown name: %v", err)
	}
	_, err = compile("!(bindpath.Files)", map[string][]string{"Files": {filepath.Join(dir, "second")}})
	if err == nil || !strings.Contains(err.Error(), "bp.wxs:10:") || !strings.Contains(err.Error(), "resolved only in a file path") {
		t.Errorf("in a property: %v", err)
	}
}
