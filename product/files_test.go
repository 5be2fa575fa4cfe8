package product

import (
	"strings"
	"testing"
)

func TestFilesNames(t *testing.T) {
	p, err := New("go1.26.8", "amd64", "")
	if err != nil {
		t.Fatal(err)
	}
	f := p.Files()
	for k, want := range map[FileKind]string{
		ZipFile:    "go1.26.8.windows-amd64.zip",
		MSIFile:    "go1.26.8.windows-amd64.msi",
		SetupFile:  "go1.26.8.windows-amd64-setup.exe",
		IntuneFile: "go1.26.8.windows-amd64.intunewin",
		FactsFile:  "go1.26.8.windows-amd64.deploy.json",
	} {
		if got := f.Name(k); got != want {
			t.Errorf("%s: %s, want %s", k, got, want)
		}
	}
	if f.Stem() != "go1.26.8.windows-amd64" || p.MSIName() != f.Name(MSIFile) {
		t.Errorf("stem %s, MSI %s", f.Stem(), p.MSIName())
	}
	if got := Beside("/out/go1.27rc1.windows-arm64.msi", SetupFile); got != "/out/go1.27rc1.windows-arm64-setup.exe" {
		t.Errorf("beside: %s", got)
	}
	if got := ChecksumName("a/go1.26.8.windows-386.msi"); got != "a/go1.26.8.windows-386.msi.sha256" {
		t.Errorf("checksum name: %s", got)
	}
	sum := strings.Repeat("ab", 32)
	if got := ChecksumLine(sum, "go1.26.8.windows-386.msi"); got != sum+"  go1.26.8.windows-386.msi\n" {
		t.Errorf("checksum line %q: want sha256sum's text-mode format", got)
	}
}

// TestParseName: every name Files makes parses back to the same release,
// arch and kind; names gomsi would not write are refused.
func TestParseName(t *testing.T) {
	for _, f := range []Files{{"go1.26.8", "amd64"}, {"go1.27rc1", "arm64"}, {"go1.20", "386"}} {
		for _, k := range builtKinds {
			got, kind, err := ParseName(f.Name(k))
			if err != nil || got != f || kind != k {
				t.Errorf("%s: %+v %q %v", f.Name(k), got, kind, err)
			}
		}
		if got, err := ParseStem(f.Stem()); err != nil || got != f {
			t.Errorf("stem %s: %+v %v", f.Stem(), got, err)
		}
	}
	for _, name := range []string{
		"go1.26.8.windows-mips.msi", "go1.26.08.windows-amd64.msi", "gox.windows-amd64.msi",
		"go1.26.8.linux-amd64.msi", "go1.26.8.windows-amd64.exe", "go1.26.8.windows-amd64.zip", "SHA256SUMS",
	} {
		if f, kind, err := ParseName(name); err == nil {
			t.Errorf("%s parsed as %+v %q", name, f, kind)
		}
	}
}

func TestLine(t *testing.T) {
	for s, want := range map[string]string{"go1.26.8": "go1.26", "go1.27rc1": "go1.27", "go1.20": "go1.20", "go2.0.1": "go2.0"} {
		v, err := ParseGoVersion(s)
		if err != nil || v.Line() != want {
			t.Errorf("%s: line %s (%v), want %s", s, v.Line(), err, want)
		}
	}
}
