package pipeline

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native"
)

func (p *Pipeline) runner() wix.Runner {
	if p.Runner != nil {
		return p.Runner
	}
	return wix.ExecRunner{Log: p.Log}
}

// autoOrder is the order auto tries the toolsets in, by whether gomsi runs
// on Windows. WiX proper only runs on Windows; elsewhere the fallbacks go
// here, best first. native (gomsi's own compiler, wix/native) is always
// there: it is what auto picks when no WiX is installed, before wixl.
var autoOrder = map[bool][]string{
	true:  {"wix4", "wix3", "native"},
	false: {"native", "wixl"},
}

// goos is runtime.GOOS; tests change it to choose as on another system.
var goos = runtime.GOOS

// known lists every toolset gomsi can drive, configured from gomsi.yaml, in
// the order Check reports them.
func (p *Pipeline) known() []wix.Toolset {
	if p.Toolsets != nil {
		return p.Toolsets
	}
	c, r := p.Config.Toolsets, p.runner()
	ui := hasFeature(p.features(), wix.FeatureUI)
	return []wix.Toolset{
		&wix.Wix4{Path: c.Wix4Path, Runner: r, DCL: c.WixDCL, CabinetThreads: c.CabinetThreads, UI: ui, AcceptEula: c.WixEula},
		&wix.Wix3{Path: c.Wix3Path, Runner: r, DCL: c.WixDCL, CabinetThreads: c.CabinetThreads, UI: ui},
		&wix.Wixl{Path: c.WixlPath, Runner: r},
		// native: gomsi's pure-Go compiler; SOURCE_DATE_EPOCH from the environment.
		&native.Toolset{Log: func(f string, a ...any) { p.logf(f, a...) }, Getenv: p.getenv()},
	}
}

// candidates lists the toolsets auto tries, in order: those given a path in
// gomsi.yaml first (the user said where their toolset is), then the
// platform's order. Injected toolsets (tests) keep their order.
func (p *Pipeline) candidates() []wix.Toolset {
	all := p.known()
	if p.Toolsets != nil {
		return all
	}
	byName := map[string]wix.Toolset{}
	for _, t := range all {
		byName[t.Name()] = t
	}
	c := p.Config.Toolsets
	var names []string
	for name, path := range map[string]string{"wix4": c.Wix4Path, "wix3": c.Wix3Path, "wixl": c.WixlPath} {
		if path != "" {
			names = append(names, name)
		}
	}
	sortByOrder(names, []string{"wix4", "wix3", "wixl"})
	for _, n := range autoOrder[goos == "windows"] {
		if !contains(names, n) {
			names = append(names, n)
		}
	}
	var out []wix.Toolset
	for _, n := range names {
		out = append(out, byName[n])
	}
	return out
}

func sortByOrder(names, order []string) {
	slices.SortFunc(names, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// describe names a candidate, with the setting that put it first.
func (p *Pipeline) describe(t wix.Toolset) string {
	c := p.Config.Toolsets
	key, path := "", ""
	switch t.Name() {
	case "wix4":
		key, path = "wix4_path", c.Wix4Path
	case "wix3":
		key, path = "wix3_path", c.Wix3Path
	case "wixl":
		key, path = "wixl_path", c.WixlPath
	}
	if p.Toolsets == nil && path != "" {
		return t.Name() + " (" + key + " is set)"
	}
	return t.Name()
}

// features lists what the configured installer asks of its compiler.
func (p *Pipeline) features() []wix.Feature {
	return nil
}

func hasFeature(fs []wix.Feature, f wix.Feature) bool { return slices.Contains(fs, f) }

// supports asks a toolset whether it can build every configured arch with
// the configured features, before anything is harvested or compiled.
func (p *Pipeline) supports(t wix.Toolset) error {
	c, ok := t.(wix.Capable)
	if !ok {
		return nil
	}
	for _, name := range p.Config.Arch {
		arch, err := product.LookupArch(name)
		if err != nil {
			return err
		}
		if err := c.Supports(arch, p.features()); err != nil {
			return err
		}
	}
	return nil
}

// Dialect is the template dialect a toolset reads: WiX v4 and later have
// their own schema; wixl reads a subset of v3.
func Dialect(t wix.Toolset) string {
	if t.Name() == "wix4" {
		return "wix4"
	}
	return "wix3"
}

// Choice is the toolset auto would pick, and why.
type Choice struct {
	Toolset wix.Toolset
	Info    wix.Info
	Reason  string
}

// ChooseToolset picks the configured toolset, or for auto the first one in
// the order of preference that is installed and can build every configured
// arch and feature, explaining the choice.
func (p *Pipeline) ChooseToolset(ctx context.Context) (Choice, error) {
	want := p.Config.Toolset
	if want != "auto" {
		for _, t := range p.known() {
			if t.Name() != want {
				continue
			}
			info, err := t.Detect(ctx)
			if err != nil {
				return Choice{}, fmt.Errorf("toolset %s (GOMSI_TOOLSET): %w", want, err)
			}
			if err := p.supports(t); err != nil {
				return Choice{}, fmt.Errorf("toolset %s (GOMSI_TOOLSET): %w", want, err)
			}
			return Choice{Toolset: t, Info: info, Reason: "configured with GOMSI_TOOLSET=" + want}, nil
		}
		return Choice{}, fmt.Errorf("toolset %q (GOMSI_TOOLSET) is unknown", want)
	}
	var skipped, names []string
	candidates := p.candidates()
	for _, t := range candidates {
		names = append(names, p.describe(t))
	}
	for _, t := range candidates {
		info, err := t.Detect(ctx)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", t.Name(), err))
			continue
		}
		if err := p.supports(t); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s %s: %v", t.Name(), info.Version, err))
			continue
		}
		reason := fmt.Sprintf("auto on %s: the first usable of %s", goos, strings.Join(names, ", "))
		if len(skipped) > 0 {
			reason += " (" + strings.Join(skipped, "; ") + ")"
		}
		return Choice{Toolset: t, Info: info, Reason: reason}, nil
	}
	return Choice{}, errors.New("no usable WiX toolset (tried " + strings.Join(names, ", ") + "):\n  " + strings.Join(skipped, "\n  "))
}

func (p *Pipeline) toolset(ctx context.Context) (wix.Toolset, error) {
	c, err := p.ChooseToolset(ctx)
	if err != nil {
		return nil, err
	}
	p.logf("toolset %s %s (%s)", c.Toolset.Name(), c.Info.Version, c.Reason)
	return c.Toolset, nil
}
