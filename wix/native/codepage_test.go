package native_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native"
)

// TestProductCodepage: Product/@Codepage becomes the database's code page
// (the string pool's, as msidb -c / WiX's _ForceCodepage sets it), and
// text in that code page reads back unchanged; text it cannot hold is an
// error, not a mangled package.
func TestProductCodepage(t *testing.T) {
	dir := t.TempDir()
	payload := filepath.Join(dir, "a.txt")
	os.WriteFile(payload, []byte("a"), 0o644)
	source := func(name string) string {
		return `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="` + name + `" Language="1049" Version="1.0.0" Manufacturer="M" UpgradeCode="1A2B3C4D-5E6F-4A0B-8C1D-2E3F4A5B6C7D" Codepage="1251">
    <Package Compressed="yes" SummaryCodepage="1251"/>
    <MediaTemplate EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="Prog">
      <Component><File Source="` + payload + `"/></Component>
    </Directory></Directory></Directory>
    <Feature Id="F"><ComponentRef Id="a.txt"/></Feature>
  </Product>
</Wix>`
	}
	compile := func(name string) (string, error) {
		src := filepath.Join(t.TempDir(), "p.wxs")
		os.WriteFile(src, []byte(source(name)), 0o644)
		out := filepath.Join(t.TempDir(), "p.msi")
		return out, (&native.Toolset{Getenv: noEnv}).Compile(context.Background(), native.Compilation{Sources: []string{src}, Out: out})
	}
	out, err := compile("Программа")
	if err != nil {
		t.Fatal(err)
	}
	r, err := msidb.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.CodePage != 1251 {
		t.Errorf("database code page %d, want 1251", r.CodePage)
	}
	if name, _, err := r.Property("ProductName"); err != nil || name != "Программа" {
		t.Errorf("ProductName %q (%v), want Программа", name, err)
	}
	if r.Summary.Subject != "Программа" {
		t.Errorf("summary subject %q", r.Summary.Subject)
	}
	if _, err := compile("日本語"); err == nil || !strings.Contains(err.Error(), "1251") {
		t.Errorf("text outside code page 1251: %v, want an error naming it", err)
	}
}
