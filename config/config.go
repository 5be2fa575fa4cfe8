// Package config reads gomsi's settings: an optional gomsi.yaml, overridden
// by GOMSI_* environment variables.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gomsi/gomsi/product"
)

// FileName is the configuration file looked for in the working directory.
const FileName = "gomsi.yaml"

// Config holds every setting. The yaml tags are the keys of gomsi.yaml; the
// README documents each.
type Config struct {
	GoVersion    string            `yaml:"go_version"`    // GOMSI_GO_VERSION: latest, 1.26, 1.26.8, a comma list
	Arch         List              `yaml:"arch"`          // GOMSI_ARCH: 386, amd64, arm64; several build several MSIs
	Source       string            `yaml:"source"`        // GOMSI_SOURCE: https://go.dev/dl/ (default), any index URL, proxy, proxy:<url>, a local .zip or folder
	Out          string            `yaml:"out"`           // GOMSI_OUT: where outputs go
	Toolset      string            `yaml:"toolset"`       // GOMSI_TOOLSET: auto or wixl
	Templates    string            `yaml:"templates"`     // GOMSI_TEMPLATES: a folder of user templates
	Exclude      []string          `yaml:"exclude"`       // globs of distribution files to leave out
	UpgradeCodes map[string]string `yaml:"upgrade_codes"` // per arch; the official ones by default
	Pins         map[string]string `yaml:"pins"`          // go1.26.8.windows-amd64: the zip's SHA-256 or the module's h1: hash
	Setup        *bool             `yaml:"setup"`         // build <msi>-setup.exe beside each MSI; default true

	Installer `yaml:",inline"` // installer behaviour: installer.go
	Toolsets  `yaml:",inline"` // toolset locations and options: toolsets.go
	Release   `yaml:",inline"` // signing and publishing: release.go
	Deploy    `yaml:",inline"` // winget, Intune and deployment facts: deploy.go

	Env Env `yaml:"-"` // what only the environment sets, secrets included: env.go
}

// Default returns the settings used when neither file nor environment says otherwise.
func Default() Config {
	return Config{GoVersion: "latest", Arch: List{"amd64"}, Out: "_out", Toolset: "auto"}
}

// WantSetup reports whether a setup exe is built beside each MSI.
func (c Config) WantSetup() bool { return c.Setup == nil || *c.Setup }

// List is a list that gomsi.yaml may also spell as a comma-separated string.
type List []string

// UnmarshalYAML accepts "a,b" as well as [a, b].
func (l *List) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = splitList(n.Value)
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

func splitList(s string) List {
	var l List
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			l = append(l, part)
		}
	}
	return l
}

// Load reads path (gomsi.yaml; a missing file is fine) and then the
// environment through getenv, and checks the result. It is the one reader
// of the environment: the stages get what they need from the Config.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Default()
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return cfg, fmt.Errorf("read config: %w", err)
	default:
		if err := decode(data, &cfg); err != nil {
			return cfg, fmt.Errorf("read config %s: %w", path, err)
		}
	}
	return cfg.WithEnv(getenv)
}

// WithEnv returns c with the environment read through getenv: the GOMSI_*
// variables override gomsi.yaml's keys, and Env holds the rest. It checks
// the result.
func (c Config) WithEnv(getenv func(string) string) (Config, error) {
	env := map[string]*string{
		"GOMSI_GO_VERSION": &c.GoVersion,
		"GOMSI_SOURCE":     &c.Source,
		"GOMSI_OUT":        &c.Out,
		"GOMSI_TOOLSET":    &c.Toolset,
		"GOMSI_TEMPLATES":  &c.Templates,
		"GOMSI_SCOPE":      &c.Scope, // a CI matrix builds both scopes from one gomsi.yaml
		"GOMSI_TEMP":       &c.Temp,
	}
	for name, field := range env {
		if v := getenv(name); v != "" {
			*field = v
		}
	}
	if v := getenv("GOMSI_ARCH"); v != "" {
		c.Arch = splitList(v)
	}
	c.Env = readEnv(getenv, c)
	return c, c.check()
}

// decode reads the one YAML document of gomsi.yaml into cfg. An empty file,
// one of comments only and a lone null keep the defaults; a list or a scalar
// at the top, or a second document (after ---), is an error: the decoder
// would otherwise read the first document and silently drop the rest.
func decode(data []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil
	} else if err != nil {
		return friendlyYAMLError(err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return fmt.Errorf("line %d: a second YAML document starts here (---), and gomsi reads one: move its keys into the first document and remove the ---", next.Line)
	case !errors.Is(err, io.EOF):
		return friendlyYAMLError(err)
	}
	top := doc.Content[0]
	switch {
	case top.Kind == yaml.MappingNode:
	case top.Kind == yaml.ScalarNode && top.Tag == "!!null":
		return nil
	default:
		return fmt.Errorf("line %d: the file is %s, not a mapping of keys: write settings as key: value lines, e.g. arch: amd64", top.Line, yamlKind(top))
	}
	// Decoded again from the text because yaml.Node.Decode cannot refuse
	// unknown keys; the file is small.
	dec = yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return friendlyYAMLError(err)
	}
	return nil
}

func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the single value %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "not a mapping"
}

var (
	unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type`)
	duplicateKey = regexp.MustCompile(`line (\d+): mapping key (".*") already defined at line (\d+)`)
)

// friendlyYAMLError names an unknown key and lists the known ones, or names
// a key set twice (yaml.v3 refuses those; neither value is taken).
func friendlyYAMLError(err error) error {
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("line %s: unknown key %q (known keys: %s)", m[1], m[2], strings.Join(Keys(), ", "))
	}
	if m := duplicateKey.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("line %s: key %s is set twice (also on line %s): keep one", m[1], m[2], m[3])
	}
	return err
}

// Keys lists the top-level keys of gomsi.yaml.
func Keys() []string {
	keys := yamlKeys(reflect.TypeOf(Config{}))
	sort.Strings(keys)
	return keys
}

// yamlKeys lists the keys of a struct, descending into inline fields.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if opts == "inline" {
			keys = append(keys, yamlKeys(t.Field(i).Type)...)
			continue
		}
		keys = append(keys, name)
	}
	return keys
}

func (c Config) check() error {
	if len(c.Arch) == 0 {
		return errors.New("config: no arch: set GOMSI_ARCH or arch: to one or more of " + strings.Join(product.ArchNames(), ", "))
	}
	for _, a := range c.Arch {
		if _, err := product.LookupArch(a); err != nil {
			return fmt.Errorf("config: arch: %w", err)
		}
	}
	for arch, code := range c.UpgradeCodes {
		if _, err := product.LookupArch(arch); err != nil {
			return fmt.Errorf("config: upgrade_codes: %w", err)
		}
		if !guidRE.MatchString(code) {
			return fmt.Errorf("config: upgrade_codes: %s: %q is not a GUID like 22EA7650-4AC6-4001-BF29-F4B8775DB1C0", arch, code)
		}
	}
	if !contains(ToolsetNames, c.Toolset) {
		return fmt.Errorf("config: toolset %q: use one of %s", c.Toolset, strings.Join(ToolsetNames, ", "))
	}
	if c.Out == "" {
		return errors.New("config: out is empty: set GOMSI_OUT or out: to a folder")
	}
	if err := c.checkInstaller(); err != nil {
		return err
	}
	if err := c.checkDeploy(); err != nil {
		return err
	}
	return c.checkToolsets()
}

var guidRE = regexp.MustCompile(`^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$`)

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// UpgradeCode returns the configured upgrade code of an arch, uppercase and
// without braces, or "" for the official one.
func (c Config) UpgradeCode(arch string) string {
	return strings.ToUpper(strings.Trim(c.UpgradeCodes[arch], "{}"))
}
