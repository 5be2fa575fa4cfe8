package msidb

import (
	"crypto/md5"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/internal/testing/winetest"
)

// installFiles are the payload of the test package, by File table key.
var installFiles = []struct{ key, dir, name, content string }{
	{"readme", "INSTALLDIR", "README.txt", "Installed by a database gomsi wrote.\r\n"},
	{"tool", "BINDIR", "tool.dat", strings.Repeat("tool bytes ", 500)},
}

// buildInstallable writes a small but complete per-machine x64 package
// whose cabinet comes from gcab, so only the database is under test.
func buildInstallable(t *testing.T, dir string) string {
	t.Helper()
	gcab := testtool.Require(t, "gcab")
	payload := filepath.Join(dir, "payload")
	if err := os.Mkdir(payload, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"-c", "-z", "-n", filepath.Join(dir, "cab1.cab")}
	for _, f := range installFiles {
		p := filepath.Join(payload, f.key) // cabinet names are File keys
		if err := os.WriteFile(p, []byte(f.content), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	if out, err := exec.Command(gcab, args...).CombinedOutput(); err != nil {
		t.Fatalf("gcab: %v: %s", err, out)
	}

	db := New()
	db.Summary = Summary{Template: "x64;1033", Title: "Installation Database", Subject: "Gomsi Test",
		Author: "Gomsi", WordCount: 2, Security: 2, CreatingApp: "gomsi tests"}
	add := func(table string, rows ...[]any) {
		t.Helper()
		tb, err := db.Table(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := tb.AddRow(r...); err != nil {
				t.Fatal(err)
			}
		}
	}
	add("Property",
		[]any{"ProductCode", "{6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C01}"},
		[]any{"UpgradeCode", "{6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C02}"},
		[]any{"ProductName", "Gomsi Test"}, []any{"ProductVersion", "1.2.3"},
		[]any{"ProductLanguage", "1033"}, []any{"Manufacturer", "Gomsi"}, []any{"ALLUSERS", "1"})
	add("Directory",
		[]any{"TARGETDIR", nil, "SourceDir"},
		[]any{"ProgramFiles64Folder", "TARGETDIR", "."},
		[]any{"INSTALLDIR", "ProgramFiles64Folder", "GOMSIT~1|GomsiTest"},
		[]any{"BINDIR", "INSTALLDIR", "bin"})
	const x64 = 256
	add("Component",
		[]any{"CompMain", "{6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C03}", "INSTALLDIR", x64, nil, "readme"},
		[]any{"CompBin", "{6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C04}", "BINDIR", x64, nil, "tool"},
		[]any{"CompReg", "{6E1D51C0-2F4A-4C4B-9E0B-5B8E7F6A1C05}", "INSTALLDIR", x64 | 4, nil, "regVersion"})
	for i, f := range installFiles {
		comp := map[string]string{"INSTALLDIR": "CompMain", "BINDIR": "CompBin"}[f.dir]
		add("File", []any{f.key, comp, f.name, len(f.content), nil, nil, 0, i + 1})
		sum := md5.Sum([]byte(f.content))
		part := func(i int) int32 { return int32(binary.LittleEndian.Uint32(sum[i*4:])) }
		add("MsiFileHash", []any{f.key, 0, part(0), part(1), part(2), part(3)})
	}
	add("Registry", []any{"regVersion", 2, `Software\GomsiTest`, "Version", "[ProductVersion]", "CompReg"})
	add("Feature", []any{"Main", nil, "Main", nil, 1, 1, "INSTALLDIR", 0})
	add("FeatureComponents", []any{"Main", "CompMain"}, []any{"Main", "CompBin"}, []any{"Main", "CompReg"})
	add("Media", []any{1, len(installFiles), nil, "#cab1.cab", nil, nil})
	add("InstallExecuteSequence",
		[]any{"LaunchConditions", nil, 100}, []any{"ValidateProductID", nil, 700},
		[]any{"CostInitialize", nil, 800}, []any{"FileCost", nil, 900}, []any{"CostFinalize", nil, 1000},
		[]any{"InstallValidate", nil, 1400}, []any{"InstallInitialize", nil, 1500},
		[]any{"ProcessComponents", nil, 1600}, []any{"UnpublishFeatures", nil, 1800},
		[]any{"RemoveRegistryValues", nil, 2600}, []any{"RemoveFiles", nil, 3500},
		[]any{"RemoveFolders", nil, 3600}, []any{"CreateFolders", nil, 3700},
		[]any{"InstallFiles", nil, 4000}, []any{"WriteRegistryValues", nil, 5000},
		[]any{"RegisterUser", nil, 6000}, []any{"RegisterProduct", nil, 6100},
		[]any{"PublishFeatures", nil, 6300}, []any{"PublishProduct", nil, 6400},
		[]any{"InstallFinalize", nil, 6600})
	add("InstallUISequence",
		[]any{"LaunchConditions", nil, 100}, []any{"ValidateProductID", nil, 700},
		[]any{"CostInitialize", nil, 800}, []any{"FileCost", nil, 900}, []any{"CostFinalize", nil, 1000},
		[]any{"ExecuteAction", nil, 1300})
	add("LaunchCondition", []any{"VersionNT64", "This package needs 64-bit Windows."})
	cab, err := FileStream(filepath.Join(dir, "cab1.cab"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddStream("cab1.cab", cab); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "gomsitest.msi")
	if err := db.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMsiextractInstallable(t *testing.T) {
	dir := t.TempDir()
	path := buildInstallable(t, dir)
	out := filepath.Join(dir, "extract")
	run(t, "msiextract", "-C", out, path)
	for _, f := range installFiles {
		sub := map[string]string{"INSTALLDIR": "", "BINDIR": "bin"}[f.dir]
		// msiextract drops the "." of ProgramFiles64Folder.
		got, err := os.ReadFile(filepath.Join(out, "GomsiTest", sub, f.name))
		if err != nil || string(got) != f.content {
			t.Errorf("msiextract %s: %v (content matches: %v)", f.name, err, string(got) == f.content)
		}
	}
	msitest.CheckStorageRules(t, msitest.ReadStored(t, path))
}

// Wine's msiexec installs and removes the package: files, registry value.
func TestWineInstallUninstall(t *testing.T) {
	if testing.Short() {
		t.Skip("installs with Wine")
	}
	wine := winetest.New(t)
	path := buildInstallable(t, t.TempDir())
	if log, err := wine.Msiexec("/i", path, "/qn"); err != nil {
		t.Fatalf("msiexec /i: %v\n%s", err, msitest.Tail(log))
	}
	root := wine.Path(`C:\Program Files\GomsiTest`)
	for _, f := range installFiles {
		p := filepath.Join(root, f.name)
		if f.dir == "BINDIR" {
			p = filepath.Join(root, "bin", f.name)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != f.content {
			t.Errorf("installed %s: %v (content matches: %v)", p, err, string(got) == f.content)
		}
	}
	if v, ok := wine.RegQuery(`HKLM\Software\GomsiTest`, "Version"); v != "1.2.3" {
		t.Errorf("registry value after install: %q (found: %v)", v, ok)
	}
	if log, err := wine.Msiexec("/x", path, "/qn"); err != nil {
		t.Fatalf("msiexec /x: %v\n%s", err, msitest.Tail(log))
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("%s still exists after uninstall (%v)", root, err)
	}
	if v, ok := wine.RegQuery(`HKLM\Software\GomsiTest`, "Version"); ok {
		t.Errorf("registry value survives uninstall: %q", v)
	}
}
