package msidb

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// The catalogue must define the tables the WiX front end emits.
func TestCatalogueCoversTheFrontEnd(t *testing.T) {
	for _, name := range []string{
		"Property", "Directory", "Component", "File", "Feature", "FeatureComponents", "Media",
		"InstallExecuteSequence", "InstallUISequence", "AdminExecuteSequence", "AdminUISequence",
		"AdvtExecuteSequence", "AdvtUISequence", "Registry", "Environment", "Upgrade",
		"LaunchCondition", "CustomAction", "AppSearch", "RegLocator", "Signature", "Shortcut",
		"CreateFolder", "RemoveFile", "Icon", "Binary", "MsiFileHash", "Condition", "_Validation",
	} {
		if _, ok := StandardSchema(name); !ok {
			t.Errorf("catalogue lacks %s", name)
		}
	}
	s, _ := StandardSchema("Property")
	s.Columns[0].Name = "changed"
	if again, _ := StandardSchema("Property"); again.Columns[0].Name != "Property" {
		t.Error("StandardSchema hands out the catalogue's own slice")
	}
}

// wixl defines its tables independently of this catalogue: every table it
// writes must have the same columns, types and keys here.
func TestCatalogueMatchesWixl(t *testing.T) {
	wixl := testtool.Require(t, "wixl")
	dir := t.TempDir()
	src, err := filepath.Abs("testdata/schemas.wxs")
	if err != nil {
		t.Fatal(err)
	}
	msi := filepath.Join(dir, "schemas.msi")
	cmd := exec.Command(wixl, "-o", msi, src)
	cmd.Dir = "testdata"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wixl: %v: %s", err, out)
	}
	dump := filepath.Join(dir, "dump")
	if err := os.Mkdir(dump, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, "msidump", "-t", "-d", dump, msi)
	idts, _ := filepath.Glob(filepath.Join(dump, "*.idt"))
	checked := 0
	for _, idt := range idts {
		name := strings.TrimSuffix(filepath.Base(idt), ".idt")
		if strings.HasPrefix(name, "_") {
			continue
		}
		s, ok := StandardSchema(name)
		if !ok {
			t.Errorf("wixl writes %s, which the catalogue lacks", name)
			continue
		}
		data, err := os.ReadFile(idt)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Split(string(data), "\r\n")[:3]
		want, _ := expectedIdt(s, nil)
		for i := range 3 {
			if got[i] != want[i] {
				t.Errorf("%s header line %d:\nwixl      %q\ncatalogue %q", name, i+1, got[i], want[i])
			}
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("compared only %d tables with wixl", checked)
	}
}
