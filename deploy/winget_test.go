package deploy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/gomsi/gomsi/deploy"
	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// builtMSIs are MSIs of go1.26.8 built once for the tests: per machine for
// every arch, and per user for amd64 (renamed, as a separate asset).
var (
	builtOnce sync.Once
	built     map[string]string // "amd64 machine" -> path
	builtDir  string
)

func testMSIs(t *testing.T) map[string]string {
	t.Helper()
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gomsi-deploy-test-")
		if err != nil {
			t.Fatal(err)
		}
		builtDir = dir
		built = map[string]string{}
		machine := filepath.Join(dir, "machine")
		for _, arch := range []string{"386", "amd64", "arm64"} {
			built[arch+" machine"] = buildMSI(t, machine, "go1.26.8", arch, "perMachine", nil)
		}
		user := buildMSI(t, filepath.Join(dir, "user"), "go1.26.8", "amd64", "perUser", nil)
		renamed := filepath.Join(dir, "user", "go1.26.8.windows-amd64-user.msi")
		if err := os.Rename(user, renamed); err != nil {
			t.Fatal(err)
		}
		built["amd64 user"] = renamed
	})
	if len(built) != 4 {
		t.Fatal("the test MSIs were not built")
	}
	return built
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

const mirror = "https://mirror.example.com/go/"

// TestWingetManifestsValidate: the manifests of one arch, several arches,
// per-user and both scopes validate against winget's official 1.10.0
// schemas, read as winget reads YAML; each installer entry holds the hash,
// product code, upgrade code, name, publisher and version of its MSI as
// msitools reads them, and the scope and elevation its ALLUSERS says.
func TestWingetManifestsValidate(t *testing.T) {
	msis := testMSIs(t)
	schemas := wingetSchemas(t)
	for _, tc := range []struct {
		name  string
		picks []string
	}{
		{"one arch", []string{"amd64 machine"}},
		{"several arches", []string{"386 machine", "amd64 machine", "arm64 machine"}},
		{"per user", []string{"amd64 user"}},
		{"both scopes", []string{"amd64 machine", "amd64 user", "arm64 machine"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var read []deploy.MSI
			for _, p := range tc.picks {
				m, err := deploy.ReadMSI(msis[p])
				if err != nil {
					t.Fatal(err)
				}
				read = append(read, m)
			}
			root := t.TempDir()
			dir, err := deploy.WriteWinget(root, deploy.Winget{Identifier: "GoLang.Go", GoVersion: "go1.26.8",
				InstallerURL: func(name string) string { return mirror + name }}, read)
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(root, "manifests", "g", "GoLang", "Go", "1.26.8"); dir != want {
				t.Errorf("manifests in %s, want %s", dir, want)
			}
			docs := map[string]map[string]any{}
			for kind, file := range map[string]string{"version": "GoLang.Go.yaml", "defaultLocale": "GoLang.Go.locale.en-US.yaml", "installer": "GoLang.Go.installer.yaml"} {
				path := filepath.Join(dir, file)
				doc := wingetJSON(t, path)
				if err := schemas[kind].Validate(doc); err != nil {
					t.Errorf("%s does not validate against the %s schema: %v", file, kind, err)
				}
				raw, _ := os.ReadFile(path)
				if !strings.Contains(string(raw), "# yaml-language-server: $schema=https://aka.ms/winget-manifest."+kind+".1.10.0.schema.json") {
					t.Errorf("%s lacks its schema header", file)
				}
				docs[kind] = doc.(map[string]any)
			}
			validateWithScript(t, dir)
			inst := docs["installer"]
			entries := inst["Installers"].([]any)
			if len(entries) != len(tc.picks) {
				t.Fatalf("%d installers for %d MSIs", len(entries), len(tc.picks))
			}
			if got := fmt.Sprint(inst["Commands"]); got != "[go gofmt]" {
				t.Errorf("Commands = %s", got)
			}
			if inst["InstallerType"] != "wix" || fmt.Sprint(inst["InstallerSwitches"]) != `map[Log:/l*v "<LOGPATH>"]` {
				t.Errorf("type %v, switches %v", inst["InstallerType"], inst["InstallerSwitches"])
			}
			for _, p := range tc.picks {
				msi := msis[p]
				want := readWithMsitools(t, msi)
				e := findInstaller(t, entries, mirror+filepath.Base(msi))
				machine := want.props["ALLUSERS"] == "1"
				arch := map[string]string{"386": "x86", "amd64": "x64", "arm64": "arm64"}[strings.Fields(p)[0]]
				checks := map[string][2]any{
					"Architecture":     {e["Architecture"], arch},
					"InstallerSha256":  {e["InstallerSha256"], strings.ToUpper(want.sha256)},
					"ProductCode":      {e["ProductCode"], want.props["ProductCode"]},
					"Scope":            {e["Scope"], map[bool]string{true: "machine", false: "user"}[machine]},
					"MinimumOSVersion": {e["MinimumOSVersion"], "10.0.10240.0"},
				}
				if machine {
					checks["ElevationRequirement"] = [2]any{e["ElevationRequirement"], "elevationRequired"}
				} else if _, ok := e["ElevationRequirement"]; ok {
					t.Errorf("%s: a per-user package with ElevationRequirement %v", p, e["ElevationRequirement"])
				}
				af := e["AppsAndFeaturesEntries"].([]any)[0].(map[string]any)
				for k, v := range map[string]string{"DisplayName": "ProductName", "Publisher": "Manufacturer", "DisplayVersion": "ProductVersion", "ProductCode": "ProductCode", "UpgradeCode": "UpgradeCode"} {
					checks["AppsAndFeaturesEntries."+k] = [2]any{af[k], want.props[v]}
				}
				for k, c := range checks {
					if c[0] != c[1] {
						t.Errorf("%s: %s = %v, the MSI says %v", p, k, c[0], c[1])
					}
				}
			}
			loc := docs["defaultLocale"]
			first := readWithMsitools(t, msis[tc.picks[0]])
			if loc["Publisher"] != first.props["Manufacturer"] || loc["PackageName"] != "Go Programming Language" || loc["License"] != "BSD-3-Clause" ||
				loc["ReleaseNotesUrl"] != "https://go.dev/doc/devel/release#go1.26.8" || loc["PublisherUrl"] != first.props["ARPURLINFOABOUT"] {
				t.Errorf("default locale manifest: %v", loc)
			}
			for kind, doc := range docs {
				if doc["PackageVersion"] != "1.26.8" || doc["PackageIdentifier"] != "GoLang.Go" || doc["ManifestVersion"] != "1.10.0" {
					t.Errorf("%s manifest: %v", kind, doc)
				}
			}
		})
	}
}

// TestWingetRefusesAmbiguousSets: two MSIs for one arch and scope, or a bad
// identifier, are errors naming what to fix; nothing is written.
func TestWingetRefusesAmbiguousSets(t *testing.T) {
	msis := testMSIs(t)
	m, err := deploy.ReadMSI(msis["amd64 machine"])
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	url := func(n string) string { return mirror + n }
	_, err = deploy.WriteWinget(root, deploy.Winget{Identifier: "GoLang.Go", GoVersion: "go1.26.8", InstallerURL: url}, []deploy.MSI{m, m})
	if err == nil || !strings.Contains(err.Error(), "one installer per arch and scope") {
		t.Errorf("duplicate arch and scope: %v", err)
	}
	for _, id := range []string{"Go", "GoLang/../Go", "Go Lang.Go", "a..b"} {
		if _, err := deploy.WriteWinget(root, deploy.Winget{Identifier: id, GoVersion: "go1.26.8", InstallerURL: url}, []deploy.MSI{m}); err == nil || !strings.Contains(err.Error(), "is not Publisher.Package") {
			t.Errorf("identifier %q: %v", id, err)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("refused manifests left %d entries", len(entries))
	}
}

func findInstaller(t *testing.T, entries []any, url string) map[string]any {
	t.Helper()
	for _, e := range entries {
		if m := e.(map[string]any); m["InstallerUrl"] == url {
			return m
		}
	}
	t.Fatalf("no installer with InstallerUrl %s in %v", url, entries)
	return nil
}

// wingetSchemas compiles the official schemas in ../shared/winget-schemas.
func wingetSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	dir := sharedDir(t, "winget-schemas")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	out := map[string]*jsonschema.Schema{}
	for _, kind := range []string{"version", "defaultLocale", "installer"} {
		path := filepath.Join(dir, "manifest."+kind+".1.10.0.json")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		url := "file:///winget/" + kind + ".json"
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
		if out[kind], err = c.Compile(url); err != nil {
			t.Fatalf("compile %s: %v", path, err)
		}
	}
	return out
}

// Keys winget reads as numbers or booleans; every other scalar is a string
// (../shared/winget-schemas/README.md, from winget's ManifestSchemaValidation).
var (
	wingetIntKeys  = []string{"InstallerSuccessCodes", "InstallerReturnCode"}
	wingetBoolKeys = []string{"InstallerAbortsTerminal", "InstallLocationRequired", "RequireExplicitUpgrade", "DisplayInstallWarnings", "DownloadCommandProhibited", "ArchiveBinariesDependOnPath"}
)

// wingetJSON reads a YAML manifest as winget does, as a JSON value.
func wingetJSON(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var conv func(n *yaml.Node, key string) any
	conv = func(n *yaml.Node, key string) any {
		switch n.Kind {
		case yaml.DocumentNode:
			return conv(n.Content[0], "")
		case yaml.MappingNode:
			m := map[string]any{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if _, dup := m[k]; dup {
					t.Errorf("%s: key %s twice", path, k)
				}
				m[k] = conv(n.Content[i+1], k)
			}
			return m
		case yaml.SequenceNode:
			var l []any
			for _, c := range n.Content {
				l = append(l, conv(c, key))
			}
			return l
		case yaml.AliasNode:
			t.Errorf("%s: an alias", path)
		}
		switch {
		case n.Tag == "!!null":
			return nil
		case slices.Contains(wingetIntKeys, key):
			return json.Number(n.Value)
		case slices.Contains(wingetBoolKeys, key):
			return n.Value == "true"
		}
		return n.Value
	}
	b, err := json.Marshal(conv(&n, ""))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// validateWithScript runs the shared validator (Python's jsonschema, and
// winget's multi-file checks) when its modules are installed.
func validateWithScript(t *testing.T, dir string) {
	t.Helper()
	python := testtool.Require(t, "python3")
	if exec.Command(python, "-c", "import yaml, jsonschema").Run() != nil {
		if testtool.InCI() {
			t.Fatal("python3-yaml and python3-jsonschema are required in CI (apt-get install python3-yaml python3-jsonschema)")
		}
		t.Log("skipping validate.sh: apt-get install python3-yaml python3-jsonschema")
		return
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	out, err := exec.Command(filepath.Join(sharedDir(t, "winget-schemas"), "validate.sh"), files...).CombinedOutput()
	if err != nil {
		t.Errorf("validate.sh: %v\n%s", err, out)
	}
}

// sharedDir finds ../shared/<name> above the test's folder.
func sharedDir(t *testing.T, name string) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, "..", "shared", name)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	if testtool.InCI() {
		t.Fatalf("../shared/%s not found beside the repository", name)
	}
	t.Skipf("../shared/%s not found beside the repository", name)
	return ""
}
