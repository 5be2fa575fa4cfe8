package fileinfo

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/dotnettest"
)

// ecmaKey is the ECMA-335 standard public key; its well-known token is
// b77a5c561934e089 (the token of mscorlib and System).
var ecmaKey = []byte{0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0}

func TestReadAssembly(t *testing.T) {
	tests := []struct {
		name string
		asm  dotnettest.Assembly
		want Assembly
	}{
		{"strong-named AnyCPU", dotnettest.Assembly{Machine: machineI386, CLIFlags: cliILOnly | 0x8, Runtime: "v4.0.30319", Name: "Contoso.Core", Version: [4]uint16{1, 2, 3, 4}, PublicKey: ecmaKey},
			Assembly{Name: "Contoso.Core", Version: "1.2.3.4", Culture: "neutral", PublicKeyToken: "b77a5c561934e089", ProcessorArchitecture: "MSIL"}},
		{"satellite x86", dotnettest.Assembly{Machine: machineI386, CLIFlags: cliILOnly | cli32BitRequired, Runtime: "v2.0.50727", Name: "App.resources", Culture: "de-DE", Version: [4]uint16{65535, 0, 7, 1}},
			Assembly{Name: "App.resources", Version: "65535.0.7.1", Culture: "de-DE", ProcessorArchitecture: "x86"}},
		{"AnyCPU preferring 32-bit", dotnettest.Assembly{Machine: machineI386, CLIFlags: cliILOnly | cli32BitRequired | cli32BitPreferred, Runtime: "v4.0.30319", Name: "Tool"},
			Assembly{Name: "Tool", Version: "0.0.0.0", Culture: "neutral", ProcessorArchitecture: "MSIL"}},
		{"mixed-mode x86", dotnettest.Assembly{Machine: machineI386, Runtime: "v4.0.30319", Name: "Mixed"},
			Assembly{Name: "Mixed", Version: "0.0.0.0", Culture: "neutral", ProcessorArchitecture: "x86"}},
		{"x64", dotnettest.Assembly{Machine: machineAMD64, PE32Plus: true, CLIFlags: cliILOnly, Runtime: "v4.0.30319", Name: "Native64"},
			Assembly{Name: "Native64", Version: "0.0.0.0", Culture: "neutral", ProcessorArchitecture: "AMD64"}},
		{".NET 1.1 has no architecture", dotnettest.Assembly{Machine: machineI386, CLIFlags: cliILOnly, Runtime: "v1.1.4322", Name: "Old"},
			Assembly{Name: "Old", Version: "0.0.0.0", Culture: "neutral"}},
		{"wide heaps and tables", dotnettest.Assembly{Machine: machineI386, CLIFlags: cliILOnly, Runtime: "v4.0.30319", Name: "Big", Culture: "fr", PublicKey: ecmaKey, BigHeaps: true, TypeRefs: 2048, Attrs: 3},
			Assembly{Name: "Big", Version: "0.0.0.0", Culture: "fr", PublicKeyToken: "b77a5c561934e089", ProcessorArchitecture: "MSIL"}},
		{"narrow tables", dotnettest.Assembly{Machine: machineI386, CLIFlags: cliILOnly, Runtime: "v4.0.30319", Name: "Small", TypeRefs: 5, Attrs: 2},
			Assembly{Name: "Small", Version: "0.0.0.0", Culture: "neutral", ProcessorArchitecture: "MSIL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.dll")
			if err := os.WriteFile(path, tt.asm.Build(), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadAssembly(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestReadAssemblyRejects(t *testing.T) {
	dir := t.TempDir()
	native := dotnettest.Assembly{Machine: machineI386, Name: "x"}.Build()
	copy(native[0x80+24+96+14*8:], make([]byte, 8)) // no CLI directory
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"native", native, "no CLI header"},
		{"module", dotnettest.Assembly{Machine: machineI386, Runtime: "v4.0.30319", Name: "m", NoAssembly: true}.Build(), "no Assembly table"},
		{"text", []byte("hello, world"), "not a PE file"},
		{"unknown machine", dotnettest.Assembly{Machine: 0x1234, Runtime: "v4.0.30319", Name: "m"}.Build(), "machine type 0x1234"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name+".dll")
		os.WriteFile(path, tt.data, 0o644)
		_, err := ReadAssembly(path)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got %v, want an error naming %s and saying %q", tt.name, err, path, tt.want)
		}
	}
}

// TestReadAssemblyTruncated cuts a valid assembly at every length: each
// cut is an error, never a panic or a wrong identity.
func TestReadAssemblyTruncated(t *testing.T) {
	data := dotnettest.Assembly{Machine: machineI386, CLIFlags: cliILOnly, Runtime: "v4.0.30319", Name: "Cut", PublicKey: ecmaKey, TypeRefs: 3}.Build()
	full, err := readAssembly(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	// The section is padded with zeros: cutting into the padding is fine.
	end := len(bytes.TrimRight(data, "\x00"))
	for n := 0; n < end; n++ {
		if got, err := readAssembly(bytes.NewReader(data[:n]), int64(n)); err == nil {
			t.Fatalf("cut at %d of %d: no error, read %+v (whole: %+v)", n, end, got, full)
		}
	}
}

func FuzzReadAssembly(f *testing.F) {
	f.Add(dotnettest.Assembly{Machine: machineI386, CLIFlags: cliILOnly, Runtime: "v4.0.30319", Name: "F", PublicKey: ecmaKey, Culture: "en"}.Build())
	f.Add(dotnettest.Assembly{Machine: machineAMD64, PE32Plus: true, Runtime: "v2.0.50727", Name: "G", BigHeaps: true, TypeRefs: 4, Attrs: 2}.Build())
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := readAssembly(bytes.NewReader(data), int64(len(data)))
		if err == nil && a.Name == "" {
			t.Errorf("no error but an empty Name: %+v", a)
		}
	})
}

func TestReadWin32Manifest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.manifest")
	os.WriteFile(path, []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <description>not the identity</description>
  <assemblyIdentity type="win32" name="Contoso.Widgets" version="2.0.1.0" processorArchitecture="amd64" publicKeyToken="6595b64144ccf1df" language="*"/>
  <dependency><dependentAssembly><assemblyIdentity name="Other" version="9.9.9.9"/></dependentAssembly></dependency>
</assembly>`), 0o644)
	got, err := ReadWin32Manifest(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Win32Assembly{Type: "win32", Name: "Contoso.Widgets", Version: "2.0.1.0", ProcessorArchitecture: "amd64", PublicKeyToken: "6595b64144ccf1df"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}

	for name, text := range map[string]string{
		"noidentity": `<assembly><dependency><dependentAssembly><assemblyIdentity name="x"/></dependentAssembly></dependency></assembly>`,
		"notxml":     `<assembly><assemblyIdentity name="x"`,
		"otherroot":  `<configuration><assemblyIdentity name="x"/></configuration>`,
	} {
		p := filepath.Join(dir, name+".manifest")
		os.WriteFile(p, []byte(text), 0o644)
		if a, err := ReadWin32Manifest(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: got %+v, %v; want an error naming %s", name, a, err, p)
		}
	}
}
