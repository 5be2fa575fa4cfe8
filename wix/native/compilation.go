package native

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/compile"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Compilation is what candle and light do together: WiX v3 sources in, one
// .msi out. The pipeline (Toolset.Build) and cmd/wixc both run it.
type Compilation struct {
	// Sources are the .wxs files, compiled into one package.
	Sources []string
	// Defines are the $(var.X) values (candle -d, wixl -D). A value is
	// text: it is not expanded again, as in candle.
	Defines map[string]string
	// IncludeDirs are searched for <?include?> files (candle -I).
	IncludeDirs []string
	// BasePaths are searched for the files the sources name (light -b);
	// see FileResolver.
	BasePaths []string
	// NamedBindPaths are light's -b name=path, for !(bindpath.name) at the
	// start of a file path; see FileResolver.
	NamedBindPaths map[string][]string
	// Localizations are .wxl files for !(loc.X) (light -loc).
	Localizations []string
	// Arch is x86, x64 or arm64: the default Package/@Platform (candle
	// -arch); "" is x86, as in candle and wixl.
	Arch string
	// Out is the .msi to write; it appears only when complete.
	Out string
	// Warn receives the preprocessor's warnings (<?warning?>, redefined
	// variables, ...); nil ignores them.
	Warn func(pos wxs.Pos, msg string)
}

// Arches are the values Compilation.Arch accepts.
var Arches = []string{"x86", "x64", "arm64"}

// Compile runs c. Errors in the sources name the file and line; several are
// joined, one a line.
func (t *Toolset) Compile(ctx context.Context, c Compilation) error {
	if len(c.Sources) == 0 {
		return errors.New("no sources to compile")
	}
	if c.Out == "" {
		return errors.New("no output path")
	}
	if c.Arch != "" && !slices.Contains(Arches, c.Arch) {
		return fmt.Errorf("arch %q: want one of %v", c.Arch, Arches)
	}
	start := time.Now()
	opts, err := readerOptions(c, t.getenv)
	if err != nil {
		return err
	}
	roots, err := parseSources(c.Sources, opts)
	if err != nil {
		return err
	}
	if roots, err = bindWixVariables(roots, c.Sources, opts); err != nil {
		return err
	}
	resolver := FileResolver{BasePaths: c.BasePaths, NamedBindPaths: c.NamedBindPaths}
	pkg, err := compile.Compile(roots, compile.Options{Platform: c.Arch, CreatingApp: "gomsi " + Version(), ResolveFile: resolver.Resolve, Localization: opts.Localization})
	if err != nil {
		return err
	}
	t.logf("native: read and compiled %d sources (%s)", len(roots), time.Since(start).Round(time.Millisecond))
	return t.bind(ctx, pkg, c.Out, start)
}

// readerOptions is the one place a Compilation becomes the reader's options.
func readerOptions(c Compilation, getenv func(string) string) (wxs.Options, error) {
	opts := wxs.Options{Vars: c.Defines, Getenv: getenv, IncludeDirs: c.IncludeDirs, Arch: c.Arch, Warn: c.Warn}
	if len(c.NamedBindPaths) > 0 {
		opts.BindPathNames = map[string]bool{}
		for name := range c.NamedBindPaths {
			opts.BindPathNames[name] = true
		}
	}
	if len(c.Localizations) > 0 {
		files := make([]*wxs.Localization, len(c.Localizations))
		for i, path := range c.Localizations {
			l, err := wxs.ReadLocalizationFile(path)
			if err != nil {
				return opts, err
			}
			files[i] = l
		}
		// light without -cultures: the neutral files, or all if none is.
		loc, err := wxs.SelectLocalizations(files, nil)
		if err != nil {
			return opts, err
		}
		opts.Localization = loc
	}
	return opts, nil
}

// bindWixVariables reads the sources again when they use WixVariable or
// !(wix.X), now with the values of every source's WixVariable elements
// (wxs/wixvar.go), as light resolves them after linking.
func bindWixVariables(roots []*wxs.Element, sources []string, opts wxs.Options) ([]*wxs.Element, error) {
	if !wxs.UsesWixVariables(roots) {
		return roots, nil
	}
	defs, err := wxs.CollectWixVariables(roots)
	if err != nil {
		return nil, err
	}
	opts.WixVariables = make(map[string]string, len(defs))
	for id, d := range defs {
		opts.WixVariables[id] = d.Value
	}
	return parseSources(sources, opts)
}

// parseSources reads every source with the same options.
func parseSources(sources []string, opts wxs.Options) ([]*wxs.Element, error) {
	var roots []*wxs.Element
	for _, src := range sources {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		root, err := wxs.Parse(src, f, opts)
		f.Close()
		if err != nil {
			return nil, err
		}
		roots = append(roots, root)
	}
	return roots, nil
}

// bind measures and packs the files and writes the database to out, as
// light's binder does.
func (t *Toolset) bind(ctx context.Context, pkg *compile.Package, out string, start time.Time) error {
	epoch, hasEpoch, err := msidb.SourceDateEpoch(t.getenv)
	if err != nil {
		return err
	}
	infos, err := t.measure(ctx, pkg)
	if err != nil {
		return err
	}
	if err := bindAssemblies(pkg); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".cab-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	packed := time.Now()
	media, err := t.layout(ctx, pkg, infos, work, epoch, hasEpoch)
	if err != nil {
		return err
	}
	t.logf("native: packed %d cabinets (%s)", len(media), time.Since(packed).Round(time.Millisecond))
	summary := pkg.Summary
	if hasEpoch {
		summary.Created, summary.Saved = epoch, epoch
	}
	if pkg.ProductCode == "*" {
		derived := time.Now()
		code, err := deriveProductCode(pkg, summary, infos, media)
		if err != nil {
			return err
		}
		pkg.SetProductCode(code)
		t.logf("native: derived ProductCode %s from the package (%s)", code, time.Since(derived).Round(time.Millisecond))
	}
	db := msidb.New()
	db.CodePage = pkg.CodePage
	db.Summary = summary
	if err := pkg.Tables.AddTo(db); err != nil {
		return err
	}
	if err := addFiles(db, pkg, infos, media); err != nil {
		return err
	}
	// Instance transforms name the final ProductCode, so they come last.
	instances, err := pkg.InstanceTransforms(summary)
	if err != nil {
		return err
	}
	for _, it := range instances {
		if err := db.AddTransform(it.Name, it.Transform); err != nil {
			return err
		}
	}
	written := time.Now()
	placed, err := placeExternalCabinets(media, out)
	if err != nil {
		return err
	}
	laidOut, err := placeUncompressedFiles(pkg, out)
	if err != nil {
		placed.remove()
		return err
	}
	if err := db.WriteFile(out); err != nil {
		placed.remove()
		laidOut.remove()
		return fmt.Errorf("write %s: %w", out, err)
	}
	t.logf("native: wrote the database (%s)", time.Since(written).Round(time.Millisecond))
	t.logf("native: compiled %d files into %s (%s)", len(pkg.Files), out, time.Since(start).Round(time.Millisecond))
	return nil
}
