package tmplfuncs

import (
	"strings"
	"testing"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// TestMapIsHermetic: every function sprig itself calls non-hermetic is
// refused, the rest of sprig's hermetic map is there, and a refused
// function never runs.
func TestMapIsHermetic(t *testing.T) {
	m := Map()
	for name := range sprig.TxtFuncMap() {
		if _, ok := m[name]; !ok {
			t.Errorf("%s is missing from the map (neither allowed nor refused)", name)
		}
		_, inHermetic := sprig.HermeticTxtFuncMap()[name]
		if _, isRefused := refused[name]; !inHermetic && !isRefused {
			t.Errorf("%s is not hermetic by sprig's own list but not refused", name)
		}
	}
	for _, name := range []string{"env", "expandenv", "getHostByName", "now", "randInt", "shuffle", "genPrivateKey", "osBase", "toDate", "ago"} {
		if _, ok := refused[name]; !ok {
			t.Errorf("%s is allowed", name)
		}
	}
	for _, name := range []string{"upper", "trimPrefix", "sha256sum", "dict", "default", "base"} {
		if _, ok := refused[name]; ok {
			t.Errorf("%s is refused", name)
		}
	}
	var b strings.Builder
	err := template.Must(template.New("t").Funcs(m).Parse(`{{ env "HOME" }}`)).Execute(&b, nil)
	if err == nil || !strings.Contains(err.Error(), "function env is not available") || b.Len() != 0 {
		t.Errorf("executing env: %q, %v", b.String(), err)
	}
}

func TestCheck(t *testing.T) {
	for src, want := range map[string]string{
		`{{ env "X" }}`: `t:1:3: function env is not available: templates cannot read the environment`,
		"a\n{{ if true }}{{ range .L }}{{ .X | expandenv }}{{ end }}{{ end }}": "t:2:", // in nested lists and pipes
		`{{ template "x" (dict "a" (env "A")) }}{{ define "x" }}{{ end }}`:     "function env",
		`{{ with $x := now }}{{ $x }}{{ end }}`:                                "function now is not available: templates cannot read the clock",
		`{{ define "d" }}{{ uuidv4 }}{{ end }}`:                                "function uuidv4 is not available: templates cannot use random numbers",
		`{{ (osBase "a/b") }}`:                                                 "function osBase is not available",
		`{{ block "b" . }}{{ getHostByName "h" }}{{ end }}`:                    "templates cannot use the network",
	} {
		set, err := template.New("t").Funcs(Map()).Parse(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if err := Check(set); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
	set := template.Must(template.New("t").Funcs(Map()).Parse(`{{ .Env | upper }} {{ "environment" | trimPrefix "env" }}`))
	if err := Check(set); err != nil {
		t.Errorf("a template that uses no refused function: %v", err)
	}
}
