package native_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/pipeline"
	"github.com/gomsi/gomsi/wix/native"
)

// TestGuidlessComponentsUnderWine builds with a user Files.wxs.tmpl that
// leaves Guid out of the file components, as WiX v3 allows (it reads a
// missing Guid as "*"): every component gets a GUID, so the files are
// managed and the uninstall removes them.
func TestGuidlessComponentsUnderWine(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "..", "templates", "wix3", "Files.wxs.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	const withGUID = `<Component Id="{{ .ID }}" Guid="{{ .GUID }}"`
	if !strings.Contains(string(body), withGUID) {
		t.Fatalf("gomsi's Files.wxs.tmpl no longer holds %s: update this test", withGUID)
	}
	// Folder components (no file) keep theirs: a folder key path cannot
	// have a generated GUID.
	user := strings.Replace(string(body), withGUID, `<Component Id="{{ .ID }}"{{ if not .File }} Guid="{{ .GUID }}"{{ end }}`, 1)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Files.wxs.tmpl"), []byte(user), 0o644)
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root, func(p *pipeline.Pipeline) { p.Config.Templates = dir })

	s := msitest.ReadStored(t, b.MSI)
	rows := s.Rows(t, "Component")
	if len(rows) < 10 {
		t.Fatalf("%d components", len(rows))
	}
	for _, r := range rows {
		if id := s.Str(int(r[1])); !guidPattern.MatchString(id) {
			t.Errorf("component %s has ComponentId %q: an unmanaged component, whose files an uninstall leaves", s.Str(int(r[0])), id)
		}
	}
	win10(t).AssertRoundTrip(t, b.MSI, root, `C:\Program Files\Go`)
}

// TestSeveralFileAutoGUIDAsWiX: a generated GUID for a component of
// several files needs a versioned key file and unversioned others, as WiX
// v3's binder requires; the error names the component and its line.
func TestSeveralFileAutoGUIDAsWiX(t *testing.T) {
	dll := versionedDLL(t)
	for name, c := range map[string]struct{ files, want string }{
		"unversioned key file": {`<File Id="k" Source="$(var.SourceDir)/a.txt"/><File Id="o" Name="b.txt" Source="$(var.SourceDir)/a.txt"/>`,
			"component C has 2 files and a generated GUID, but its key file k is not versioned"},
		"versioned other file": {`<File Id="k" Name="k.dll" Source="` + dll + `"/><File Id="o" Name="o.dll" Source="` + dll + `"/>`,
			"component C has a generated GUID, but o, which is not its key path, is versioned"},
		"versioned key file": {`<File Id="k" Name="k.dll" Source="` + dll + `"/><File Id="o" Name="b.txt" Source="$(var.SourceDir)/a.txt"/>`, ""},
	} {
		job, _ := miniJob(t, "")
		src, _ := os.ReadFile(job.Sources[0])
		edited := strings.Replace(string(src), `<Component Id="C" Guid="*"><File Id="f" Source="$(var.SourceDir)/a.txt"/></Component>`,
			`<Component Id="C">`+c.files+`</Component>`, 1)
		os.WriteFile(job.Sources[0], []byte(edited), 0o644)
		err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Product.wxs:8")):
			t.Errorf("%s: %v, want %q at Product.wxs:8", name, err, c.want)
		}
	}
}

// versionedDLL builds a DLL with a version resource (mingw).
func versionedDLL(t *testing.T) string {
	t.Helper()
	gcc := testtool.Require(t, "x86_64-w64-mingw32-gcc")
	windres := testtool.Require(t, "x86_64-w64-mingw32-windres")
	dir := t.TempDir()
	rc := "1 VERSIONINFO\nFILEVERSION 1,2,3,4\nPRODUCTVERSION 1,2,3,4\nBEGIN\n BLOCK \"StringFileInfo\"\n BEGIN\n  BLOCK \"040904b0\"\n  BEGIN\n   VALUE \"FileVersion\", \"1.2.3.4\"\n  END\n END\n BLOCK \"VarFileInfo\"\n BEGIN\n  VALUE \"Translation\", 0x409, 1200\n END\nEND\n"
	os.WriteFile(filepath.Join(dir, "v.rc"), []byte(rc), 0o644)
	os.WriteFile(filepath.Join(dir, "d.c"), []byte("int f(void) { return 1; }\n"), 0o644)
	for _, cmd := range [][]string{
		{windres, filepath.Join(dir, "v.rc"), "-O", "coff", "-o", filepath.Join(dir, "v.res")},
		{gcc, "-shared", "-o", filepath.Join(dir, "v.dll"), filepath.Join(dir, "d.c"), filepath.Join(dir, "v.res")},
	} {
		if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", filepath.Base(cmd[0]), err, out)
		}
	}
	return filepath.Join(dir, "v.dll")
}
