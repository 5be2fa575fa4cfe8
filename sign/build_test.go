package sign

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// Inputs to sign: MSI packages built by wixl and a Windows executable built
// by the Go toolchain, made once per test binary run.

const wxsTemplate = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="12345678-1234-1234-1234-123456789012" Name="gomsi sign test" Language="1033" Version="1.0.0"
           Manufacturer="gomsi" UpgradeCode="87654321-4321-4321-4321-210987654321">
    <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine" />
    <Media Id="1" Cabinet="payload.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="gomsitest">
          <Component Id="Main" Guid="11111111-2222-3333-4444-555555555555">
            <File Id="payload" Name="payload.bin" Source="payload.bin" KeyPath="yes" />
            <File Id="readme" Name="readme.txt" Source="readme.txt" />
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Complete" Level="1"><ComponentRef Id="Main" /></Feature>
  </Product>
</Wix>
`

// buildMSI compiles an MSI with wixl, in dir, whose cabinet holds the
// payload that write produces.
func buildMSI(t testing.TB, dir string, write func(io.Writer) error) string {
	t.Helper()
	wixl := testtool.Require(t, "wixl")
	src := t.TempDir()
	for name, data := range map[string][]byte{
		"product.wxs": []byte(wxsTemplate),
		"readme.txt":  []byte("signed by gomsi tests\n"),
	} {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(filepath.Join(src, "payload.bin"))
	if err != nil {
		t.Fatal(err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "test.msi")
	cmd := exec.Command(wixl, "-o", out, "product.wxs")
	cmd.Dir = src
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wixl: %v: %s", err, b)
	}
	return out
}

var (
	baseMSIOnce sync.Once
	baseMSI     []byte
)

// testMSI writes a copy of a small wixl-built MSI into a new directory.
func testMSI(t testing.TB) string {
	t.Helper()
	baseMSIOnce.Do(func() {
		payload := bytes.Repeat([]byte("gomsi payload line\r\n"), 20000)
		for i := range payload { // some entropy so the cabinet is not tiny
			payload[i] ^= byte(i * 7 % 251)
		}
		path := buildMSI(t, t.TempDir(), func(w io.Writer) error { _, err := w.Write(payload); return err })
		var err error
		if baseMSI, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	})
	if baseMSI == nil {
		t.Fatal("building the test MSI failed in an earlier test")
	}
	path := filepath.Join(t.TempDir(), "product.msi")
	if err := os.WriteFile(path, baseMSI, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var (
	exeOnce sync.Once
	exePath string
	exeErr  error
)

// testExe builds a tiny Windows program once per test binary run and copies
// it into a new directory under name.
func testExe(t testing.TB, dir, name string) string {
	t.Helper()
	exeOnce.Do(func() {
		exeErr = errors.New("building the test program failed in an earlier test")
		exePath = filepath.Join(workDir, "hello", "hello.exe")
		testtool.WindowsExe(t, exePath) // stops the test on failure, leaving exeErr
		exeErr = nil
	})
	if exeErr != nil {
		t.Fatal(exeErr)
	}
	data, err := os.ReadFile(exePath)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
