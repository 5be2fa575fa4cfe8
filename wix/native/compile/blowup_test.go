package compile

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// groupChain is a product whose feature references group G0; each group
// Gi references G(i+1) `refs` times and holds component Ci; the last group
// holds only its component. Expanding every path visits refs^n groups.
func groupChain(n, refs int) string {
	var b strings.Builder
	b.WriteString(`<DirectoryRef Id="INSTALLDIR">`)
	for i := range n {
		fmt.Fprintf(&b, `<Component Id="C%d" Guid="*"><File Id="f%d" Source="f%d"/></Component>`, i, i, i)
	}
	b.WriteString("</DirectoryRef>\n")
	for i := range n {
		fmt.Fprintf(&b, `<ComponentGroup Id="G%d"><ComponentRef Id="C%d"/>`, i, i)
		if i+1 < n {
			b.WriteString(strings.Repeat(fmt.Sprintf(`<ComponentGroupRef Id="G%d"/>`, i+1), refs))
		}
		b.WriteString("</ComponentGroup>\n")
	}
	return product(b.String(), `<ComponentGroupRef Id="G0"/><ComponentGroupRef Id="G0"/>`)
}

// compileCounting compiles one source and returns the compiler, so tests
// can read its counters.
func compileCounting(t testing.TB, src string) (*compiler, error) {
	t.Helper()
	return compileRoot(parse(t, src))
}

func parse(t testing.TB, src string) *wxs.Element {
	t.Helper()
	root, err := wxs.Parse(filepath.Join(t.TempDir(), "Product.wxs"), strings.NewReader(src), wxs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func compileRoot(root *wxs.Element) (*compiler, error) {
	c := newCompiler(Options{Platform: "x64"})
	c.root(root)
	if len(c.errs) == 0 {
		c.finish()
	}
	if len(c.errs) > 0 {
		return c, fmt.Errorf("%v", c.errs)
	}
	return c, nil
}

// TestGroupExpansionIsLinear: 40 groups each referencing the next twice
// (2^40 paths) expand once each, and every component gets one
// FeatureComponents row however many paths reach it, as in WiX v3, whose
// linker drops duplicate references quietly. A long chain (beyond the old
// 64-level limit) compiles too.
func TestGroupExpansionIsLinear(t *testing.T) {
	for _, c := range []struct{ groups, refs int }{{40, 2}, {3000, 1}, {200, 5}} {
		comp, err := compileCounting(t, groupChain(c.groups, c.refs))
		if err != nil {
			t.Fatalf("%d groups x %d refs: %v", c.groups, c.refs, err)
		}
		if comp.groupExpansions != c.groups {
			t.Errorf("%d groups x %d refs: %d group expansions, want %d (each once)", c.groups, c.refs, comp.groupExpansions, c.groups)
		}
		if n := comp.t.Len("FeatureComponents"); n != c.groups {
			t.Errorf("%d groups x %d refs: %d FeatureComponents rows, want %d", c.groups, c.refs, n, c.groups)
		}
	}
}

// TestComponentInTwoFeatures: a component reached from two features (one
// through a group) is in both, a row each (WiX's FeatureComponents).
func TestComponentInTwoFeatures(t *testing.T) {
	pkg := mustCompile(t, product(comp+`<ComponentGroup Id="G"><ComponentRef Id="C"/><ComponentRef Id="C"/></ComponentGroup>
    <Feature Id="F2"><ComponentGroupRef Id="G"/><ComponentRef Id="C"/></Feature>`, `<ComponentRef Id="C"/><ComponentGroupRef Id="G"/>`))
	rows := pkg.Tables.Rows("FeatureComponents")
	if fmt.Sprint(rows) != "[[F2 C] [F C]]" { // in the order the features are defined
		t.Errorf("FeatureComponents %v, want F/C and F2/C", rows)
	}
}

// TestGroupCyclesAreErrors: groups that reach themselves are an error
// naming the cycle and the reference's line (WiX v3: ReferenceLoopDetected),
// even when each references itself twice (exponential without the check).
func TestGroupCyclesAreErrors(t *testing.T) {
	for name, c := range map[string]struct{ groups, want string }{
		"self": {`<ComponentGroup Id="A"><ComponentRef Id="C"/>
<ComponentGroupRef Id="A"/><ComponentGroupRef Id="A"/></ComponentGroup>`, "Product.wxs:13: <ComponentGroupRef Id=\"A\">: ComponentGroup A references itself through A -> A"},
		"three": {`<ComponentGroup Id="A"><ComponentRef Id="C"/><ComponentGroupRef Id="B"/><ComponentGroupRef Id="B"/></ComponentGroup>
<ComponentGroup Id="B"><ComponentGroupRef Id="D"/><ComponentGroupRef Id="D"/></ComponentGroup>
<ComponentGroup Id="D"><ComponentGroupRef Id="A"/><ComponentGroupRef Id="A"/></ComponentGroup>`, "Product.wxs:14: <ComponentGroupRef Id=\"A\">: ComponentGroup A references itself through A -> B -> D -> A"},
	} {
		_, err := compileSources(t, product(comp+"\n"+c.groups, `<ComponentGroupRef Id="A"/>`))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
		if err != nil && strings.Count(err.Error(), "references itself") != 1 {
			t.Errorf("%s: the cycle is reported %d times: %v", name, strings.Count(err.Error(), "references itself"), err)
		}
	}
}

// TestSchedulingCycles: actions scheduled relative to each other in a
// cycle are an error naming each (WiX v3: ActionCircularDependency), not
// sequence 0; a long After chain is no cycle.
func TestSchedulingCycles(t *testing.T) {
	actions := `<CustomAction Id="A" Property="X" Value="1"/><CustomAction Id="B" Property="Y" Value="1"/><CustomAction Id="D" Property="Z" Value="1"/>`
	for name, c := range map[string]struct {
		sequence string
		want     []string
	}{
		"two": {`<Custom Action="A" After="B"/>
<Custom Action="B" After="A"/>`, []string{"Product.wxs:12: A in InstallExecuteSequence is scheduled in a cycle: A After B (", "Product.wxs:12), B After A (", "Product.wxs:13); give one"}},
		"three, one hanging on": {`<Custom Action="D" After="A"/>
<Custom Action="A" Before="B"/><Custom Action="B" After="RemoveExistingProducts"/>
<RemoveExistingProducts After="A"/>`, []string{"in a cycle: A Before B (", "Product.wxs:13), B After RemoveExistingProducts (", "Product.wxs:13), RemoveExistingProducts After A (", "Product.wxs:14)"}},
	} {
		_, err := compileSources(t, product(comp+actions+"<InstallExecuteSequence>\n"+c.sequence+"</InstallExecuteSequence>", `<ComponentRef Id="C"/>`))
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want %q", name, err, w)
			}
		}
		if err != nil && strings.Count(err.Error(), "in a cycle") != 1 {
			t.Errorf("%s: the cycle is reported %d times: %v", name, strings.Count(err.Error(), "in a cycle"), err)
		}
	}
	// WiX v3 reports an action relative to itself where it is authored
	// (ActionScheduledRelativeToItself).
	_, err := compileSources(t, product(comp+actions+"<InstallExecuteSequence>\n"+`<Custom Action="A" Before="A"/>`+"</InstallExecuteSequence>", `<ComponentRef Id="C"/>`))
	if err == nil || !strings.Contains(err.Error(), "Product.wxs:12: <Custom>: A is scheduled relative to itself") {
		t.Errorf("self: %v", err)
	}

	// 300 custom actions, each After the previous one.
	var defs, seq strings.Builder
	prev := "InstallFiles"
	for i := range 300 {
		fmt.Fprintf(&defs, `<CustomAction Id="A%d" Property="P%d" Value="1"/>`, i, i)
		fmt.Fprintf(&seq, `<Custom Action="A%d" After="%s"/>`, i, prev)
		prev = fmt.Sprintf("A%d", i)
	}
	pkg, err := compileSources(t, product(comp+defs.String()+"<InstallExecuteSequence>"+seq.String()+"</InstallExecuteSequence>", `<ComponentRef Id="C"/>`))
	if err != nil {
		t.Fatalf("a chain of 300 After actions: %v", err)
	}
	if got := seqOf(t, pkg, "InstallExecuteSequence", "A299"); got != 4300 {
		t.Errorf("A299 at %d, want 4300 (InstallFiles 4000 + 300)", got)
	}
}

// BenchmarkGroupExpansion compiles (parsed once) a chain of groups each
// referencing the next twice, one component each: the time per group stays
// flat as the chain grows (it doubled per group when every path was
// expanded).
func BenchmarkGroupExpansion(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		root := parse(b, groupChain(n, 2))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := compileRoot(root); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/group")
		})
	}
}
