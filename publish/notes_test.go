package publish

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
)

func sampleData() TemplateData {
	return TemplateData{
		Tag: "v1.26.8", Repo: "acme/go-msi", GoVersion: "go1.26.8", Arches: []string{"386", "amd64"},
		Assets: []AssetInfo{
			{Name: "go1.26.8.windows-386.msi", Size: 60 << 20, SHA256: strings.Repeat("a", 64)},
			{Name: "go1.26.8.windows-amd64.msi", Size: 70 << 20, SHA256: strings.Repeat("b", 64)},
		},
		SumsName: SumsName, Fixes: []string{"per-user install"},
	}
}

func TestDefaultNotes(t *testing.T) {
	n, err := parseNotes("")
	if err != nil {
		t.Fatal(err)
	}
	name, body, err := n.render(sampleData())
	if err != nil {
		t.Fatal(err)
	}
	if name != "Go 1.26.8 for Windows (MSI)" {
		t.Errorf("name %q", name)
	}
	for _, want := range []string{
		"**Go 1.26.8** for 386, amd64",
		"| `go1.26.8.windows-amd64.msi` | 70.0 MiB | `" + strings.Repeat("b", 64) + "` |",
		"msiexec /i go1.26.8.windows-386.msi /qn",
		"sha256sum --ignore-missing -c SHA256SUMS",
		"### Fixes over the official installer\n\n- per-user install",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	d := sampleData()
	d.Fixes = nil
	if _, body, _ := n.render(d); strings.Contains(body, "### Fixes") {
		t.Error("empty fixes still render a heading")
	}
}

func TestOverrideTemplate(t *testing.T) {
	dir := t.TempDir()
	body := filepath.Join(dir, "body.tmpl")
	os.WriteFile(body, []byte(`Hashes: {{range .Assets}}{{.SHA256 | trunc 8}} {{end}}`), 0o644)
	both := filepath.Join(dir, "both.tmpl")
	os.WriteFile(both, []byte(`{{define "name"}}Go {{.GoVersion | upper}}{{end}}custom {{.Tag}}`), 0o644)

	n, err := parseNotes(body)
	if err != nil {
		t.Fatal(err)
	}
	name, got, err := n.render(sampleData())
	if err != nil {
		t.Fatal(err)
	}
	if name != "Go 1.26.8 for Windows (MSI)" || got != "Hashes: aaaaaaaa bbbbbbbb" {
		t.Errorf("body-only override: %q / %q", name, got)
	}
	n, err = parseNotes(both)
	if err != nil {
		t.Fatal(err)
	}
	if name, got, _ = n.render(sampleData()); name != "Go GO1.26.8" || got != "custom v1.26.8" {
		t.Errorf("name override: %q / %q", name, got)
	}
}

func TestBadTemplates(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.tmpl")
	os.WriteFile(broken, []byte(`{{range .Assets}}`), 0o644)
	unknown := filepath.Join(dir, "unknown.tmpl")
	os.WriteFile(unknown, []byte(`{{.Version}}`), 0o644)
	emptyName := filepath.Join(dir, "empty.tmpl")
	os.WriteFile(emptyName, []byte(`{{define "name"}}{{.Tag | trimPrefix .Tag}}{{end}}body`), 0o644)

	if _, err := parseNotes(filepath.Join(dir, "missing.tmpl")); err == nil || !strings.Contains(err.Error(), "publish.body_template") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := parseNotes(broken); err == nil || !strings.Contains(err.Error(), broken) {
		t.Errorf("broken template: %v", err)
	}
	for _, path := range []string{unknown, emptyName} {
		n, err := parseNotes(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := n.render(sampleData()); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want it to name the file", path, err)
		}
	}
	// New reads the template, so a broken one fails before any request.
	f := newFixture(t, ghfake.Options{})
	if _, err := New(f.config(Settings{BodyTemplate: broken}, nil)); err == nil {
		t.Error("New accepted a broken template")
	}
	if len(f.srv.Requests()) != 0 {
		t.Error("requests sent despite a broken template")
	}
}

// TestNotesCannotReadEnvironment: a body template that calls a function
// reading the environment, the network, the clock or random numbers is
// refused when it is read, naming the function, and no secret gets out.
func TestNotesCannotReadEnvironment(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghp_notes_secret_1b7e")
	dir := t.TempDir()
	for name, tc := range map[string]struct{ src, want string }{
		"env":         {`{{ env "GITHUB_TOKEN" }}`, "function env is not available: templates cannot read the environment"},
		"expandenv":   {`{{ if .Tag }}{{ expandenv "$GITHUB_TOKEN" }}{{ end }}`, "function expandenv is not available"},
		"in a define": {`{{ define "name" }}{{ "x" | cat (env "HOME") }}{{ end }}body`, "function env is not available"},
		"network":     {`{{ range .Assets }}{{ getHostByName "example.com" }}{{ end }}`, "function getHostByName is not available: templates cannot use the network"},
		"clock":       {`{{ now | date "2006" }}`, "templates cannot read the clock"},
		"random":      {`{{ with .Tag }}{{ uuidv4 }}{{ randAlpha 4 }}{{ end }}`, "templates cannot use random numbers"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".tmpl")
		os.WriteFile(path, []byte(tc.src), 0o644)
		_, err := parseNotes(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want an error naming %s and saying %q", name, err, path, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "ghp_notes_secret_1b7e") {
			t.Errorf("%s: the error holds the token: %v", name, err)
		}
	}
}
