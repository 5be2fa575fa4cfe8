package compile

import (
	"strings"
	"testing"
)

// TestExternalCabinets: EmbedCab="no" (and a MediaTemplate without
// EmbedCab, external in WiX v3) are compiled; their names must be plain
// file names, since they are written beside the package.
func TestExternalCabinets(t *testing.T) {
	src := strings.Replace(product(comp, `<ComponentRef Id="C"/>`), `<Media Id="1" Cabinet="a.cab" EmbedCab="yes"/>`,
		`<Media Id="1" Cabinet="data1.cab" EmbedCab="no" DiskPrompt="Disk 1" VolumeLabel="DISK1"/>`, 1)
	pkg := mustCompile(t, src)
	if m := pkg.Media[0]; m.Embed || m.Cabinet != "data1.cab" || m.DiskPrompt != "Disk 1" {
		t.Errorf("media %+v", m)
	}
	src = strings.Replace(product(comp, `<ComponentRef Id="C"/>`), `<Media Id="1" Cabinet="a.cab" EmbedCab="yes"/>`, `<MediaTemplate CabinetTemplate="app{0}.cab"/>`, 1)
	if tm := mustCompile(t, src).Template; tm == nil || tm.Embed || tm.Pattern != "app%d.cab" {
		t.Errorf("media template %+v", tm)
	}
	for name, c := range map[string]struct{ media, want string }{
		"path":       {`<Media Id="1" Cabinet="..\evil.cab"/>`, `Cabinet "..\\evil.cab": an external cabinet is written beside the package`},
		"dot dot":    {`<Media Id="1" Cabinet=".."/>`, `Cabinet "..": an external cabinet`},
		"template":   {`<MediaTemplate CabinetTemplate="sub/c{0}.cab"/>`, `CabinetTemplate "sub/c1.cab"`},
		"same name":  {`<Media Id="1" Cabinet="a.cab"/><Media Id="2" Cabinet="A.CAB"/>`, "Cabinet A.CAB is also Media 1's"},
		"long embed": {`<Media Id="1" Cabinet="` + strings.Repeat("x", 63) + `" EmbedCab="yes"/>`, "at most 62 characters"},
	} {
		src := strings.Replace(product(comp, `<ComponentRef Id="C"/>`), `<Media Id="1" Cabinet="a.cab" EmbedCab="yes"/>`, c.media, 1)
		_, err := compileSources(t, src)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Product.wxs:5") {
			t.Errorf("%s: %v, want %q at Product.wxs:5", name, err, c.want)
		}
	}
}

// TestCodePages: Product/@Codepage sets the database code page;
// SummaryCodepage must agree with it (the summary is written in it).
func TestCodePages(t *testing.T) {
	set := func(product, pkg string) string {
		src := strings.Replace(productSource(), `UpgradeCode=`, product+` UpgradeCode=`, 1)
		return strings.Replace(src, `<Package `, `<Package `+pkg+` `, 1)
	}
	for attrs, want := range map[[2]string]int{
		{`Codepage="1251"`, ``}:                     1251,
		{`Codepage="0"`, `SummaryCodepage="1252"`}:  0,
		{`Codepage="932"`, `SummaryCodepage="932"`}: 932,
		{``, ``}: 1252,
		{`Codepage="1252"`, `SummaryCodepage="1252"`}: 1252,
	} {
		pkg, err := compileSources(t, set(attrs[0], attrs[1]))
		if err != nil {
			t.Errorf("%v: %v", attrs, err)
			continue
		}
		if pkg.CodePage != want {
			t.Errorf("%v: code page %d, want %d", attrs, pkg.CodePage, want)
		}
	}
	for attrs, want := range map[[2]string]string{
		{`Codepage="windows-1252"`, ``}:               `Codepage "windows-1252": give the Windows code page as a number`,
		{`Codepage="65001"`, ``}:                      "cannot use a Unicode code page",
		{`Codepage="1251"`, `SummaryCodepage="1252"`}: "SummaryCodepage 1252 differs from the database code page 1251",
	} {
		_, err := compileSources(t, set(attrs[0], attrs[1]))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Product.wxs:") {
			t.Errorf("%v: %v, want %q", attrs, err, want)
		}
	}
}

func productSource() string { return product(comp, `<ComponentRef Id="C"/>`) }
