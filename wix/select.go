package wix

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gomsi/gomsi/product"
)

// autoOrder is the order auto tries the toolsets in, by whether gomsi runs
// on Windows. WiX proper only runs on Windows; elsewhere the fallbacks go
// here, best first. native (gomsi's own compiler, wix/native) is always
// there: it is what auto picks when no WiX is installed, before wixl.
var autoOrder = map[bool][]string{
	true:  {"wix4", "wix3", "native"},
	false: {"native", "wixl"},
}

// Selection chooses the toolset of a run: the configured one, or for auto
// the first candidate that is installed and builds every arch.
type Selection struct {
	// Known lists every toolset gomsi can drive, in the order check
	// reports them.
	Known []Toolset
	// Configured maps the name of a toolset given a path in gomsi.yaml to
	// that setting (wix3_path): auto tries those first, in Known's order,
	// as the user said where their toolset is.
	Configured map[string]string
	// Fixed makes Known the candidates, in its order (injected by tests).
	Fixed bool
	// GOOS is the system gomsi runs on.
	GOOS string
	// Arches are the arches every package is built for.
	Arches []product.Arch
}

// Choice is the toolset a selection picks, and why.
type Choice struct {
	Toolset Toolset
	Info    Info
	Reason  string
}

// Candidates lists the toolsets auto tries, in order: those given a path
// first, then the platform's order.
func (s Selection) Candidates() []Toolset {
	if s.Fixed {
		return s.Known
	}
	var out []Toolset
	for _, t := range s.Known {
		if s.Configured[t.Name()] != "" {
			out = append(out, t)
		}
	}
	for _, name := range autoOrder[s.GOOS == "windows"] {
		if s.Configured[name] != "" {
			continue
		}
		if i := slices.IndexFunc(s.Known, func(t Toolset) bool { return t.Name() == name }); i >= 0 {
			out = append(out, s.Known[i])
		}
	}
	return out
}

// describe names a candidate, with the setting that put it first.
func (s Selection) describe(t Toolset) string {
	if key := s.Configured[t.Name()]; key != "" && !s.Fixed {
		return t.Name() + " (" + key + " is set)"
	}
	return t.Name()
}

// supports asks a toolset whether it can build every arch, before anything
// is harvested or compiled.
func (s Selection) supports(t Toolset) error {
	for _, arch := range s.Arches {
		if err := t.Supports(arch); err != nil {
			return err
		}
	}
	return nil
}

// Choose picks the toolset named want (GOMSI_TOOLSET), or for "auto" the
// first candidate that is installed and builds every arch, explaining the
// choice.
func (s Selection) Choose(ctx context.Context, want string) (Choice, error) {
	if want != "auto" {
		for _, t := range s.Known {
			if t.Name() != want {
				continue
			}
			info, err := t.Detect(ctx)
			if err != nil {
				return Choice{}, fmt.Errorf("toolset %s (GOMSI_TOOLSET): %w", want, err)
			}
			if err := s.supports(t); err != nil {
				return Choice{}, fmt.Errorf("toolset %s (GOMSI_TOOLSET): %w", want, err)
			}
			return Choice{Toolset: t, Info: info, Reason: "configured with GOMSI_TOOLSET=" + want}, nil
		}
		return Choice{}, fmt.Errorf("toolset %q (GOMSI_TOOLSET) is unknown", want)
	}
	var skipped, names []string
	candidates := s.Candidates()
	for _, t := range candidates {
		names = append(names, s.describe(t))
	}
	for _, t := range candidates {
		info, err := t.Detect(ctx)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", t.Name(), err))
			continue
		}
		if err := s.supports(t); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s %s: %v", t.Name(), info.Version, err))
			continue
		}
		reason := fmt.Sprintf("auto on %s: the first usable of %s", s.GOOS, strings.Join(names, ", "))
		if len(skipped) > 0 {
			reason += " (" + strings.Join(skipped, "; ") + ")"
		}
		return Choice{Toolset: t, Info: info, Reason: reason}, nil
	}
	return Choice{}, errors.New("no usable WiX toolset (tried " + strings.Join(names, ", ") + "):\n  " + strings.Join(skipped, "\n  "))
}

// Report writes check's table of the known toolsets, one tab-separated row
// each (TOOLSET, VERSION, PATH, STATUS): version and programs when found,
// how to install it when not.
func (s Selection) Report(ctx context.Context, w io.Writer) {
	fmt.Fprintln(w, "TOOLSET\tVERSION\tPATH\tSTATUS")
	for _, t := range s.Known {
		info, err := t.Detect(ctx)
		if err != nil {
			fmt.Fprintf(w, "%s\t-\t-\tmissing: %s\n", t.Name(), hintOf(err))
			continue
		}
		fmt.Fprintf(w, "%s\t%s\t%s\tok\n", t.Name(), info.Version, strings.Join(info.Paths, " "))
	}
}

// hintOf returns the install hint of a Detect error, without the sentinel.
func hintOf(err error) string {
	msg := err.Error()
	if errors.Is(err, ErrNotFound) {
		if _, hint, ok := strings.Cut(msg, ErrNotFound.Error()+": "); ok {
			return hint
		}
	}
	return msg
}
