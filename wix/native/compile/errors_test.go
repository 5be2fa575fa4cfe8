package compile

import (
	"strings"
	"testing"
)

func TestUnsupportedIsAnErrorNamingWhereAndWho(t *testing.T) {
	for name, c := range map[string]struct {
		body string
		want []string
	}{
		"wixl element": {`<DirectoryRef Id="INSTALLDIR"><Component Id="C2" Guid="11111111-2222-3333-4444-555555555556">
			<File Id="cp" Source="a"><CopyFile Id="copy" DestinationName="b"/></File></Component></DirectoryRef>`,
			[]string{"CopyFile", "Product.wxs:13", "wixl compiles it too", "WiX v3 and v4 compile it"}},
		"wix3 element": {`<UIRef Id="WixUI_Minimal"/>`, []string{"element UIRef WixUI_Minimal is a dialog set of WixUIExtension", "Product.wxs:12", "WiX v3 and v4 compile it"}},
		"own ui":       {`<UI Id="MyUI"><Dialog Id="D" Width="370" Height="270" Title="t"/></UI>`, []string{"element UI is not supported", "Product.wxs:12", "WiX v3 and v4 compile it"}},
		"extension": {`<util:CloseApplication xmlns:util="http://schemas.microsoft.com/wix/UtilExtension" Id="x" Target="a.exe"/>`,
			[]string{"element CloseApplication from namespace http://schemas.microsoft.com/wix/UtilExtension belongs to the WiX extension WixUtilExtension", "Product.wxs:12", "WiX v3 and v4 compile it"}},
		"firewall": {`<DirectoryRef Id="INSTALLDIR"><Component Id="FW" Guid="11111111-2222-3333-4444-555555555556" KeyPath="yes">
			<fw:FirewallException xmlns:fw="http://schemas.microsoft.com/wix/FirewallExtension" Id="fw" Name="App" Port="80" Scope="any"/></Component></DirectoryRef>`,
			[]string{"element FirewallException", "Product.wxs:13", "WixFirewallExtension", "WiX v3 and v4 compile it"}},
		"iis": {`<iis:WebSite xmlns:iis="http://schemas.microsoft.com/wix/IIsExtension" Id="w" Description="d"/>`,
			[]string{"element WebSite", "Product.wxs:12", "WixIIsExtension", "WiX v3 and v4 compile it"}},
		"attribute": {`<Property Id="X" Value="1" Bogus="yes"/>`, []string{"attribute Bogus", `<Property Id="X">`, "Product.wxs:12"}},
		"not wix":   {`<Frobnicate/>`, []string{"Frobnicate is not a WiX v3 element", "Product.wxs:12"}},
		"misplaced": {`<File Id="x" Source="y"/>`, []string{"element File inside Product", "Product.wxs:12"}},
		"extension action": {`<CustomActionRef Id="WixBroadcastEnvironmentChange"/>`,
			[]string{"WixBroadcastEnvironmentChange comes from a WiX extension library", "Product.wxs:12", "WiX v3 and v4 compile it"}},
	} {
		_, err := compileSources(t, product(comp+"\n"+c.body, `<ComponentRef Id="C"/>`))
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want it to say %q", name, err, w)
			}
		}
	}
}

func TestReferenceErrors(t *testing.T) {
	for name, c := range map[string]struct{ body, feature, want string }{
		"no feature":     {comp, ``, "component C is in no feature"},
		"missing ref":    {comp, `<ComponentRef Id="C"/><ComponentRef Id="Nope"/>`, `Component "Nope" is not defined`},
		"missing dir":    {`<DirectoryRef Id="Nowhere"><Component Id="C" Guid="11111111-2222-3333-4444-555555555555"/></DirectoryRef>`, `<ComponentRef Id="C"/>`, `Directory "Nowhere" is not defined`},
		"missing group":  {comp, `<ComponentRef Id="C"/><ComponentGroupRef Id="G"/>`, `ComponentGroup "G" is not defined`},
		"duplicate prop": {comp + `<Property Id="A" Value="1"/><Property Id="A" Value="2"/>`, `<ComponentRef Id="C"/>`, "property A is set twice"},
		"bad guid":       {`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="nope"/></DirectoryRef>`, `<ComponentRef Id="C"/>`, `"nope" is not a GUID`},
		"star no file":   {`<DirectoryRef Id="INSTALLDIR"><Component Id="C" Guid="*"><CreateFolder/></Component></DirectoryRef>`, `<ComponentRef Id="C"/>`, `Guid="*" needs a File or RegistryValue as the key path`},
	} {
		_, err := compileSources(t, product(c.body, c.feature))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
