package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gomsi/gomsi/wix"
)

func (p *Pipeline) runner() wix.Runner {
	if p.Runner != nil {
		return p.Runner
	}
	return wix.ExecRunner{Log: p.Log}
}

// Toolsets lists every toolset gomsi knows, in the order auto prefers them.
func (p *Pipeline) toolsets() []wix.Toolset {
	if p.Toolsets != nil {
		return p.Toolsets
	}
	return []wix.Toolset{&wix.Wixl{Runner: p.runner()}}
}

// Choice is the toolset auto would pick, and why.
type Choice struct {
	Toolset wix.Toolset
	Info    wix.Info
	Reason  string
}

// ChooseToolset picks the configured toolset, or for auto the first one
// installed, explaining the choice.
func (p *Pipeline) ChooseToolset(ctx context.Context) (Choice, error) {
	want := p.Config.Toolset
	var missing []string
	for _, t := range p.toolsets() {
		if want != "auto" && t.Name() != want {
			continue
		}
		info, err := t.Detect(ctx)
		if err != nil {
			if want != "auto" {
				return Choice{}, fmt.Errorf("toolset %s (GOMSI_TOOLSET): %w", want, err)
			}
			missing = append(missing, fmt.Sprintf("%s: %v", t.Name(), err))
			continue
		}
		reason := "configured with GOMSI_TOOLSET=" + want
		if want == "auto" {
			reason = "auto: the first installed toolset in the order of preference"
			if len(missing) > 0 {
				reason += " (" + strings.Join(missing, "; ") + ")"
			}
		}
		return Choice{Toolset: t, Info: info, Reason: reason}, nil
	}
	if want != "auto" {
		return Choice{}, fmt.Errorf("toolset %q (GOMSI_TOOLSET) is unknown", want)
	}
	return Choice{}, errors.New("no WiX toolset found:\n  " + strings.Join(missing, "\n  "))
}

func (p *Pipeline) toolset(ctx context.Context) (wix.Toolset, error) {
	c, err := p.ChooseToolset(ctx)
	if err != nil {
		return nil, err
	}
	p.logf("toolset %s %s (%s)", c.Toolset.Name(), c.Info.Version, c.Reason)
	return c.Toolset, nil
}
