package publish

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/template"

	"github.com/gomsi/gomsi/internal/tmplfuncs"
)

//go:embed release.md.tmpl
var defaultTemplate string

// TemplateData is what the release notes template sees.
type TemplateData struct {
	Tag        string      // release tag, e.g. v1.26.8
	Repo       string      // owner/name
	GoVersion  string      // as given, e.g. 1.26.8 or go1.26.8
	Arches     []string    // e.g. amd64, arm64
	Assets     []AssetInfo // the MSIs, in the order given
	SumsName   string      // name of the combined checksum file
	Fixes      []string    // gomsi's fixes over the official installer
	Draft      bool
	Prerelease bool
}

// AssetInfo describes one MSI for the release notes.
type AssetInfo struct {
	Name   string
	Size   int64
	SHA256 string
}

// notes renders the release title ("name" template) and body.
type notes struct {
	tmpl   *template.Template
	source string // for error messages: the override path or "embedded template"
}

// parseNotes reads the embedded template and, if override is set, the
// user's file on top of it: its top-level text replaces the body and a
// {{define "name"}} in it replaces the title, so a user can change either.
func parseNotes(override string) (*notes, error) {
	t := template.New("body").Funcs(tmplfuncs.Map()).Funcs(template.FuncMap{
		"mib": func(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) },
	})
	t = template.Must(t.Parse(defaultTemplate))
	n := &notes{tmpl: t, source: "embedded template"}
	if override == "" {
		return n, nil
	}
	src, err := os.ReadFile(override)
	if err != nil {
		return nil, fmt.Errorf("read publish.body_template: %w", err)
	}
	if _, err := t.Parse(string(src)); err != nil {
		return nil, fmt.Errorf("parse publish.body_template %s: %w", override, err)
	}
	if err := tmplfuncs.Check(t); err != nil {
		return nil, fmt.Errorf("parse publish.body_template %s: %w", override, err)
	}
	n.source = override
	return n, nil
}

func (n *notes) render(d TemplateData) (name, body string, err error) {
	var nb, bb strings.Builder
	if err := n.tmpl.ExecuteTemplate(&nb, "name", d); err != nil {
		return "", "", fmt.Errorf("render release name from %s: %w", n.source, err)
	}
	if err := n.tmpl.ExecuteTemplate(&bb, "body", d); err != nil {
		return "", "", fmt.Errorf("render release body from %s: %w", n.source, err)
	}
	name = strings.TrimSpace(nb.String())
	if name == "" || strings.ContainsAny(name, "\r\n") {
		return "", "", errors.New("render release name from " + n.source + `: the "name" template must give one non-empty line`)
	}
	return name, normalizeBody(bb.String()), nil
}

// normalizeBody makes bodies comparable: GitHub hands back what it was sent,
// but a body edited in the web UI comes back with CRLF line ends.
func normalizeBody(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
