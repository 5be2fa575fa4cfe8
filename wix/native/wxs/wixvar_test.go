package wxs

import (
	"strings"
	"testing"
)

const wixVarSource = `<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Product a="[!(wix.Guid)]" b="!!(wix.Guid)" c="!(wix.Missing=fallback)">
<WixVariable Id="Guid" Value="{5AF41D32-A304-4A2A-A32E-2D491E866177}"/>
</Product></Wix>`

// TestWixVariables: the first reading leaves !(wix.X) as written (the
// WixVariable elements may come later); the second puts the values, the
// default of an undefined one, and keeps an escaped one as text.
func TestWixVariables(t *testing.T) {
	first, err := Parse("a.wxs", strings.NewReader(wixVarSource), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := first.Children[0]; p.Get("a") != "[!(wix.Guid)]" || p.Get("c") != "!(wix.Missing=fallback)" {
		t.Errorf("first reading: %v", p.Attrs)
	}
	if !UsesWixVariables([]*Element{first}) {
		t.Error("UsesWixVariables: false")
	}
	defs, err := CollectWixVariables([]*Element{first})
	if err != nil || defs["Guid"].Value != "{5AF41D32-A304-4A2A-A32E-2D491E866177}" || defs["Guid"].Pos.Line != 2 {
		t.Fatalf("defs %v, %v", defs, err)
	}
	second, err := Parse("a.wxs", strings.NewReader(wixVarSource), Options{WixVariables: map[string]string{"Guid": defs["Guid"].Value}})
	if err != nil {
		t.Fatal(err)
	}
	p := second.Children[0]
	for attr, want := range map[string]string{"a": "[{5AF41D32-A304-4A2A-A32E-2D491E866177}]", "b": "!(wix.Guid)", "c": "fallback"} {
		if p.Get(attr) != want {
			t.Errorf("%s = %q, want %q", attr, p.Get(attr), want)
		}
	}

	_, err = Parse("a.wxs", strings.NewReader("<Wix>\n<P a=\"!(wix.Nope)\"/></Wix>"), Options{WixVariables: map[string]string{}})
	if err == nil || !strings.Contains(err.Error(), "a.wxs:2: <P a>: !(wix.Nope): no WixVariable has the Id Nope") {
		t.Errorf("undefined: %v", err)
	}
	root, _ := Parse("a.wxs", strings.NewReader(`<Wix><P a="!!(loc.X) plain"/></Wix>`), Options{})
	if UsesWixVariables([]*Element{root}) {
		t.Error("UsesWixVariables without any")
	}
}

func TestWixVariableDefinitions(t *testing.T) {
	read := func(src string) []*Element {
		root, err := Parse("a.wxs", strings.NewReader(`<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Fragment>`+src+`</Fragment></Wix>`), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return []*Element{root}
	}
	defs, err := CollectWixVariables(read(`<WixVariable Id="A" Value="default" Overridable="yes"/><WixVariable Id="A" Value="mine"/>`))
	if err != nil || defs["A"].Value != "mine" {
		t.Errorf("overridden: %v, %v", defs, err)
	}
	_, err = CollectWixVariables(read(`<WixVariable Id="A" Value="1"/><WixVariable Id="A" Value="2"/>`))
	if err == nil || !strings.Contains(err.Error(), "WixVariable A is defined twice (first at a.wxs:1)") {
		t.Errorf("twice: %v", err)
	}
}
