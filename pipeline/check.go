package pipeline

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"text/tabwriter"
)

// helperTool is a program gomsi's tests and extra checks use.
type helperTool struct {
	name, versionFlag, purpose, install string
}

var helperTools = []helperTool{
	{"msiinfo", "--version", "reads MSI tables (tests)", "apt-get install msitools"},
	{"msiextract", "--version", "extracts MSI payloads (tests)", "apt-get install msitools"},
	{"msibuild", "--version", "edits MSI tables", "apt-get install msitools"},
	{"wine", "--version", "runs msiexec to install packages (tests)", "apt-get install --no-install-recommends wine64 wine"},
	{"xmllint", "--version", "validates WiX sources against the schemas (tests)", "apt-get install libxml2-utils"},
	{"osslsigncode", "--version", "verifies Authenticode signatures (tests)", "apt-get install osslsigncode"},
	{"cabextract", "--version", "checks cabinets strictly (tests)", "apt-get install cabextract"},
}

// Check prints the toolsets and helper tools found, with versions, how to
// install the missing ones, and which toolset auto picks.
func (p *Pipeline) Check(ctx context.Context, w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	s, err := p.selection()
	if err != nil {
		return err
	}
	s.Report(ctx, tw)
	fmt.Fprintln(tw, "\t\t\t")
	fmt.Fprintln(tw, "TOOL\tVERSION\tPATH\tSTATUS")
	for _, h := range helperTools {
		path, err := exec.LookPath(h.name)
		if err != nil {
			fmt.Fprintf(tw, "%s\t-\t-\tmissing (%s): %s\n", h.name, h.purpose, h.install)
			continue
		}
		out, _ := exec.CommandContext(ctx, path, h.versionFlag).CombinedOutput()
		fmt.Fprintf(tw, "%s\t%s\t%s\tok\n", h.name, versionOf(out), path)
	}
	tw.Flush()
	c, err := p.ChooseToolset(ctx)
	if err != nil {
		fmt.Fprintf(w, "\nGOMSI_TOOLSET=%s: %v\n", p.Config.Toolset, err)
		return err
	}
	fmt.Fprintf(w, "\nGOMSI_TOOLSET=%s uses %s %s: %s\n", p.Config.Toolset, c.Toolset.Name(), c.Info.Version, c.Reason)
	return nil
}

// versionOf finds the version number in a tool's --version output, which
// tools print in many shapes (wine warns first, msibuild prints usage only).
func versionOf(b []byte) string {
	if m := versionRE.FindSubmatch(b); m != nil {
		return string(m[1]) + string(m[2])
	}
	return "-"
}

var versionRE = regexp.MustCompile(`(\d+\.\d+(?:\.\d+)?)|version (\d+)(?:\s|$)`)
