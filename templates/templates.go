// Package templates renders WiX source from sprig text templates. The
// templates are embedded; a folder of user templates with the same names
// overrides them one by one.
package templates

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/gomsi/gomsi/harvest"
	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/internal/tmplfuncs"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/wix/dialect"
)

//go:embed wix3/*.wxs.tmpl wix4/*.wxs.tmpl
var embedded embed.FS

// Data is everything a template can use.
type Data struct {
	Product  product.Product
	Tree     *harvest.Tree
	Comments string // summary information comments
	// Dialect is what the toolset the sources are for reads and can
	// compile: templates leave out what it cannot read. Render and
	// WriteFiles set it to the Renderer's.
	Dialect dialect.Dialect

	Installer InstallerData // what the installer does on the target machine: installer.go
}

// Source is one rendered WiX source file.
type Source struct {
	Name string // file name, such as Product.wxs
	Body []byte
}

// Renderer renders one dialect's templates.
type Renderer struct {
	dialect dialect.Dialect
	set     *template.Template // never executed itself: each render runs a clone with its escaper
	names   []string           // the top-level templates, one per output file
	// dollarDefined lists the top-level templates that define GomsiDollar,
	// without which wixl cannot carry a "$" (see escaper).
	dollarDefined map[string]bool
}

// ErrUnknownTemplate is wrapped by errors about user templates that do not
// replace one of gomsi's.
var ErrUnknownTemplate = errors.New("unknown template")

// New loads the templates of a toolset's dialect (its Schema names the
// folder), each replaced by the file of the same name in overrideDir when
// that folder is set and has one.
func New(d dialect.Dialect, overrideDir string) (*Renderer, error) {
	files, err := fs.Glob(embedded, d.Schema+"/*.wxs.tmpl")
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("load templates: no templates for dialect %q", d.Schema)
	}
	set := template.New("").Funcs(funcs()).Option("missingkey=error")
	r := &Renderer{dialect: d, set: set, dollarDefined: map[string]bool{}}
	known := map[string]bool{}
	for _, f := range files {
		name := path.Base(f)
		known[name] = true
		body, err := fs.ReadFile(embedded, f)
		if err != nil {
			return nil, err
		}
		if overrideDir != "" {
			user, err := os.ReadFile(filepath.Join(overrideDir, name))
			switch {
			case err == nil:
				body, f = user, filepath.Join(overrideDir, name)
			case !errors.Is(err, fs.ErrNotExist):
				return nil, fmt.Errorf("load templates: %w", err)
			}
		}
		t, err := set.New(name).Parse(string(body))
		if err != nil {
			return nil, fmt.Errorf("load template %s: %w", f, err)
		}
		if err := tmplfuncs.Check(t); err != nil {
			return nil, fmt.Errorf("load template %s: %w", f, err)
		}
		r.names = append(r.names, name)
		r.dollarDefined[name] = strings.Contains(string(body), wixlDollarDefine)
	}
	if overrideDir != "" {
		if err := checkOverrides(overrideDir, known); err != nil {
			return nil, err
		}
	}
	for _, t := range set.Templates() {
		if err := escapeActions(t); err != nil {
			return nil, fmt.Errorf("load templates: %w", err)
		}
	}
	sort.Strings(r.names)
	return r, nil
}

// checkOverrides refuses user templates that would silently be ignored.
func checkOverrides(dir string, known map[string]bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("load templates: %w (set templates: in gomsi.yaml to a folder of .wxs.tmpl files)", err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmpl") && !known[e.Name()] {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			sort.Strings(names)
			return fmt.Errorf("load templates: %w %s in %s: a user template must replace one of %s", ErrUnknownTemplate, e.Name(), dir, strings.Join(names, ", "))
		}
	}
	return nil
}

// Render executes every template; each gives one source file named after it
// without the .tmpl suffix.
func (r *Renderer) Render(data Data) ([]Source, error) {
	var out []Source
	for _, name := range r.names {
		var buf bytes.Buffer
		if err := r.execute(&buf, name, data); err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		out = append(out, Source{Name: strings.TrimSuffix(name, ".tmpl"), Body: buf.Bytes()})
	}
	return out, nil
}

// WriteFiles renders every template into a file in dir (created if
// needed), named as Render names it, and returns their paths. Each is
// streamed to a temporary name and renamed when complete, with
// atomicfile.Stream. The sources of Go's 15,000 files come to 6 MB:
// streamed, they never sit in memory, whose first touch costs more than
// writing them. They are not fsynced: every build writes them again.
func (r *Renderer) WriteFiles(data Data, dir string) ([]string, error) {
	var paths []string
	for _, name := range r.names {
		path := filepath.Join(dir, strings.TrimSuffix(name, ".tmpl"))
		if err := r.writeFile(data, name, path); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func (r *Renderer) writeFile(data Data, name, path string) error {
	err := atomicfile.Stream(path, 0o644, func(f io.Writer) error {
		w := bufio.NewWriterSize(f, 64<<10)
		if err := r.execute(w, name, data); err != nil {
			return err
		}
		return w.Flush()
	})
	if err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return nil
}

// execute renders the top-level template name for the Renderer's dialect,
// with its escaper.
func (r *Renderer) execute(w io.Writer, name string, data Data) error {
	set, err := r.set.Clone()
	if err != nil {
		return err
	}
	data.Dialect = r.dialect
	e := newEscaper(r.dialect, name, r.dollarDefined[name])
	return set.Funcs(template.FuncMap{"xml": e.value}).ExecuteTemplate(w, name, data)
}

// funcs are the functions every template can call: tmplfuncs' (no
// environment, network, clock or random numbers), "xml" (which execute binds
// to the toolset's escaper), "raw" and "formatted".
func funcs() template.FuncMap {
	m := tmplfuncs.Map()
	m["xml"] = func(any) (string, error) { return "", errors.New("templates: xml runs only inside Render") }
	m["raw"] = func(s string) string { return s }
	m["formatted"] = formatted
	return m
}
