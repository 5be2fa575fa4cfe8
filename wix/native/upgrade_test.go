package native_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/winetest"
	"github.com/gomsi/gomsi/pipeline"
)

// uninstallKey is the folder of the products' Apps and Features keys.
const uninstallKey = winetest.UninstallKey + `\`

// TestSameVersionRebuildUpgradesUnderWine installs a package, then another
// of the same Go version built from different inputs (an exclude and one
// file's bytes): it has its own ProductCode, so it installs as a major
// upgrade, removing the first product; uninstalling it leaves nothing.
func TestSameVersionRebuildUpgradesUnderWine(t *testing.T) {
	first := msitest.SmallTree(t, "go1.26.8")
	second := msitest.SmallTree(t, "go1.26.8")
	os.WriteFile(filepath.Join(second, "src", "fmt", "print.go"), []byte("package fmt // 2\n"), 0o644)
	firstMSI := buildMSI(t, first, nil).MSI
	secondMSI := buildMSI(t, second, func(p *pipeline.Pipeline) { p.Config.Exclude = []string{"misc/*"} }).MSI
	firstCode, secondCode := storedProperty(t, firstMSI, "ProductCode"), storedProperty(t, secondMSI, "ProductCode")
	if firstCode == secondCode {
		t.Fatalf("both packages have ProductCode %s: Windows would refuse the second with error 1638", firstCode)
	}
	os.RemoveAll(filepath.Join(second, "misc")) // what the second package holds
	wine := win10(t)
	installDir := `C:\Program Files\Go`

	if log, err := wine.Msiexec("/i", firstMSI, "/qn"); err != nil {
		t.Fatalf("install the first package: %v\n%s", err, msitest.Tail(log))
	}
	if _, ok := wine.RegQuery(uninstallKey+firstCode, "DisplayVersion"); !ok {
		t.Fatalf("the first product %s is not registered after its install", firstCode)
	}
	log, err := wine.Msiexec("/i", secondMSI, "/qn")
	if err != nil {
		t.Fatalf("install the second package: %v\n%s", err, msitest.Tail(log))
	}
	msitest.AssertSameFiles(t, wine.Path(installDir), second)
	if _, ok := wine.RegQuery(uninstallKey+firstCode, "DisplayVersion"); ok {
		t.Errorf("the first product %s is still registered: the second did not upgrade it", firstCode)
	}
	if _, ok := wine.RegQuery(uninstallKey+secondCode, "DisplayVersion"); !ok {
		t.Errorf("the second product %s is not registered", secondCode)
	}
	if !strings.Contains(log, "RemoveExistingProducts") {
		t.Errorf("the second install ran no RemoveExistingProducts:\n%s", msitest.Tail(log))
	}

	if log, err := wine.Msiexec("/x", secondMSI, "/qn"); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(wine.Path(installDir)); err == nil {
		t.Errorf("uninstall left %s with %d files", installDir, len(msitest.TreeHashes(t, wine.Path(installDir))))
	}
	for _, code := range []string{firstCode, secondCode} {
		if _, ok := wine.RegQuery(uninstallKey+code, "DisplayVersion"); ok {
			t.Errorf("product %s is still registered after the uninstall", code)
		}
	}
}
