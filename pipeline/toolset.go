package pipeline

import (
	"context"
	"runtime"

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

// goos is runtime.GOOS; tests change it to choose as on another system.
var goos = runtime.GOOS

// known lists every toolset gomsi can drive, configured from gomsi.yaml, in
// the order Check reports them.
func (p *Pipeline) known() []wix.Toolset {
	var out []wix.Toolset
	for _, k := range p.configured() {
		out = append(out, k.toolset)
	}
	return out
}

// configuredToolset is a toolset with the gomsi.yaml setting of the path
// of its programs, if it has one.
type configuredToolset struct {
	toolset   wix.Toolset
	key, path string // wix3_path and its value
}

// configured lists the known toolsets: the injected ones (tests), or every
// one gomsi drives.
func (p *Pipeline) configured() []configuredToolset {
	var out []configuredToolset
	if p.Toolsets != nil {
		for _, t := range p.Toolsets {
			out = append(out, configuredToolset{toolset: t})
		}
		return out
	}
	c, r, getenv := p.Config.Toolsets, p.runner(), p.Config.Env.Getenv
	return []configuredToolset{
		// WiX v4 is found under the user's profile, WiX v3 through WIX: from the environment config read.
		{&wix.Wix4{Path: c.Wix4Path, Runner: r, DCL: c.WixDCL, CabinetThreads: c.CabinetThreads, AcceptEula: c.WixEula, Getenv: getenv}, "wix4_path", c.Wix4Path},
		{&wix.Wix3{Path: c.Wix3Path, Runner: r, DCL: c.WixDCL, CabinetThreads: c.CabinetThreads, Getenv: getenv}, "wix3_path", c.Wix3Path},
		{&wix.Wixl{Path: c.WixlPath, Runner: r, Log: p.logf}, "wixl_path", c.WixlPath},
		// native: gomsi's pure-Go compiler; SOURCE_DATE_EPOCH from the environment.
		{toolset: &native.Toolset{Log: p.logf, Getenv: getenv}},
	}
}

// selection is how the toolset of this run is chosen (package wix): the
// known toolsets, those given a path in gomsi.yaml, and the configured
// arches.
func (p *Pipeline) selection() (wix.Selection, error) {
	s := wix.Selection{Configured: map[string]string{}, Fixed: p.Toolsets != nil, GOOS: goos}
	for _, k := range p.configured() {
		s.Known = append(s.Known, k.toolset)
		if k.path != "" {
			s.Configured[k.toolset.Name()] = k.key
		}
	}
	for _, name := range p.Config.Arch {
		arch, err := product.LookupArch(name)
		if err != nil {
			return s, err
		}
		s.Arches = append(s.Arches, arch)
	}
	return s, nil
}

// candidates lists the toolsets auto tries, in order.
func (p *Pipeline) candidates() []wix.Toolset {
	s, _ := p.selection() // the arches play no part
	return s.Candidates()
}

// ChooseToolset picks the configured toolset, or for auto the first one in
// the order of preference that is installed and can build every configured
// arch, explaining the choice.
func (p *Pipeline) ChooseToolset(ctx context.Context) (wix.Choice, error) {
	s, err := p.selection()
	if err != nil {
		return wix.Choice{}, err
	}
	return s.Choose(ctx, p.Config.Toolset)
}

func (p *Pipeline) toolset(ctx context.Context) (wix.Toolset, error) {
	c, err := p.ChooseToolset(ctx)
	if err != nil {
		return nil, err
	}
	p.logf("toolset %s %s (%s)", c.Toolset.Name(), c.Info.Version, c.Reason)
	return c.Toolset, nil
}
