package wxs

import (
	"path/filepath"
	"strings"
	"testing"
)

const locOpen = `<WixLocalization xmlns="http://schemas.microsoft.com/wix/2006/localization"`

func readLoc(t *testing.T, name, src string) *Localization {
	t.Helper()
	l, err := ReadLocalization(name, strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestReadLocalization: a .wxl's culture, code page and strings, as
// WiX v3's Localization.Parse reads them.
func TestReadLocalization(t *testing.T) {
	l := readLoc(t, "en.wxl", `<?xml version="1.0" encoding="utf-8"?>
`+locOpen+` Culture="en-US" Codepage="1252" Language="1033">
  <String Id="ProductName">Go &amp; Co <![CDATA[Tool]]></String>
  <String Id="Spaced" Localizable="yes">  kept as written  </String>
  <String Id="Empty"/>
  <String Id="Over" Overridable="yes">first</String>
  <String Id="Over">second</String>
  <String Id="Kept">kept</String>
  <String Id="Kept" Overridable="yes">ignored</String>
  <String Id="Raw">$(var.X) !(loc.ProductName)</String>
  <UI Dialog="WelcomeDlg" Control="Title" Width="200">Hello</UI>
</WixLocalization>`)
	if l.Culture != "en-us" || l.Codepage != 1252 {
		t.Errorf("culture %q, code page %d", l.Culture, l.Codepage)
	}
	for id, want := range map[string]string{
		"ProductName": "Go & Co Tool",
		"Spaced":      "  kept as written  ",
		"Empty":       "",
		"Over":        "second",
		"Kept":        "kept",
		"Raw":         "$(var.X) !(loc.ProductName)", // .wxl files are not preprocessed
	} {
		if s, ok := l.Strings[id]; !ok || s.Value != want {
			t.Errorf("%s: %q (%v), want %q", id, s.Value, ok, want)
		}
	}
	if pos := l.Strings["ProductName"].Pos; pos.String() != "en.wxl:3" {
		t.Errorf("position %s", pos)
	}
	for cp, want := range map[string]int{"65001": 65001, "windows-1251": 1251, "utf-8": 65001, "iso-8859-1": 28591, "-1": -1, "0": 0, "shift_jis": 932, "iso-8859-2": 28592} {
		l := readLoc(t, "c.wxl", locOpen+` Codepage="`+cp+`"/>`)
		if l.Codepage != want {
			t.Errorf("Codepage=%q: %d, want %d", cp, l.Codepage, want)
		}
	}
	if l := readLoc(t, "n.wxl", locOpen+`/>`); l.Codepage != -1 || l.Culture != "" {
		t.Errorf("no attributes: %+v", l)
	}
	// windows-1252 .wxl files are common
	l = readLoc(t, "w.wxl", "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"+locOpen+"><String Id=\"E\">\xe9t\xe9</String></WixLocalization>")
	if l.Strings["E"].Value != "été" {
		t.Errorf("windows-1252: %q", l.Strings["E"].Value)
	}
}

// TestLocalizationErrors: a broken .wxl is an error naming file:line.
func TestLocalizationErrors(t *testing.T) {
	for src, want := range map[string]string{
		`<WixLocalization Culture="en-us"/>`:                                                      `l.wxl:1: <WixLocalization> is in namespace "": want xmlns="http://schemas.microsoft.com/wix/2006/localization"`,
		`<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"/>`:                                 "l.wxl:1: <Wix> is not a .wxl file's root",
		locOpen + ">\n<String>x</String></WixLocalization>":                                       "l.wxl:2: <String> has no Id",
		locOpen + ">\n<String Id=\"1x\">x</String></WixLocalization>":                             `l.wxl:2: <String Id="1x">: an Id is a letter`,
		locOpen + ">\n<String Id=\"A\">x</String>\n<String Id=\"A\">y</String></WixLocalization>": "l.wxl:3: the .wxl string A is defined again (first at l.wxl:2)",
		locOpen + ">\n<String Id=\"A\" Overridable=\"maybe\">x</String></WixLocalization>":        "want yes or no",
		locOpen + ">\n<String Id=\"A\" Color=\"red\">x</String></WixLocalization>":                "attribute Color is not a .wxl attribute",
		locOpen + ">\n<String Id=\"A\">x<b>y</b></String></WixLocalization>":                      "l.wxl:2: <b> inside a .wxl",
		locOpen + ">\n<Text Id=\"A\">x</Text></WixLocalization>":                                  "l.wxl:2: <Text> is not a .wxl element",
		locOpen + ">\n<UI Width=\"3\"/></WixLocalization>":                                        "l.wxl:2: <UI> names neither a Dialog nor a Control",
		locOpen + ` Codepage="klingon"/>`:                                                         `unknown code page "klingon"`,
		locOpen + ` Codepage="70000"/>`:                                                           "code page 70000 is out of range",
		locOpen + ` Region="x"/>`:                                                                 "attribute Region is not a .wxl attribute",
		locOpen + ">\nstray</WixLocalization>":                                                    "l.wxl:1: text directly in <WixLocalization>",
		``:                                                                                        "l.wxl:1: no root element: a .wxl file is <WixLocalization",
		locOpen + `>`:                                                                             "l.wxl:1: invalid XML",
	} {
		_, err := ReadLocalization("l.wxl", strings.NewReader(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q:\n got %v\nwant %q", src, err, want)
		}
	}
	if _, err := ReadLocalizationFile(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a file") {
		t.Errorf("a folder: %v", err)
	}
}

// TestSelectLocalizations: light's choice of .wxl files by culture, and
// its merge of their strings.
func TestSelectLocalizations(t *testing.T) {
	en := readLoc(t, "en.wxl", locOpen+` Culture="en-us" Codepage="1252"><String Id="Hello">Hello</String><String Id="Only">en only</String></WixLocalization>`)
	de := readLoc(t, "de.wxl", locOpen+` Culture="de-de" Codepage="1252"><String Id="Hello">Hallo</String></WixLocalization>`)
	neutral := readLoc(t, "n.wxl", locOpen+`><String Id="Brand" Overridable="yes">Gomsi</String></WixLocalization>`)
	brand := readLoc(t, "b.wxl", locOpen+` Codepage="65001"><String Id="Brand">Acme</String></WixLocalization>`)
	ru := readLoc(t, "ru.wxl", locOpen+` Culture="ru-ru" Codepage="1251"><String Id="Hello">Privet</String></WixLocalization>`)

	// light adds each culture's files in order: a second culture defining
	// the same Id is a duplicate, as in light
	_, err := SelectLocalizations([]*Localization{en, de, ru}, []string{"DE-de", "en-us"})
	if err == nil || !strings.Contains(err.Error(), "en.wxl:1: the .wxl string Hello is defined again (first at de.wxl:1)") {
		t.Errorf("two cultures: %v", err)
	}
	sel, err := SelectLocalizations([]*Localization{en, de, ru}, []string{"DE-de"})
	if err != nil || sel.Strings["Hello"].Value != "Hallo" || sel.Culture != "de-de" {
		t.Errorf("DE-de: %v %+v", err, sel)
	}
	sel, err = SelectLocalizations([]*Localization{en, de, ru}, []string{"ru-ru"})
	if err != nil || sel.Strings["Hello"].Value != "Privet" || sel.Codepage != 1251 || sel.Culture != "ru-ru" {
		t.Errorf("ru-ru: %v %+v", err, sel)
	}
	if _, ok := sel.Strings["Only"]; ok {
		t.Errorf("ru-ru took en-us strings")
	}
	// without cultures: the neutral files
	sel, err = SelectLocalizations([]*Localization{en, neutral, brand}, nil)
	if err != nil || sel.Strings["Brand"].Value != "Acme" || len(sel.Strings) != 1 || sel.Codepage != 65001 {
		t.Errorf("neutral: %v %+v", err, sel)
	}
	// without cultures or neutral files: all
	sel, err = SelectLocalizations([]*Localization{en, ru}, nil)
	if err == nil || !strings.Contains(err.Error(), "ru.wxl:1: the .wxl string Hello is defined again (first at en.wxl:1)") {
		t.Errorf("all files: %v", err)
	}
	sel, err = SelectLocalizations([]*Localization{en, neutral}, []string{"en-us", "neutral"})
	if err != nil || sel.Strings["Brand"].Value != "Gomsi" || sel.Strings["Hello"].Value != "Hello" || sel.Codepage != 1252 {
		t.Errorf("en-us;neutral: %v %+v", err, sel)
	}
	if _, err := SelectLocalizations([]*Localization{en, de}, []string{"fr-fr"}); err == nil || !strings.Contains(err.Error(), "no .wxl file is for the cultures fr-fr (the files are for en-us, de-de)") {
		t.Errorf("no match: %v", err)
	}
}

// TestLocalizationVariables: !(loc.X) resolves from the strings given;
// without them it is refused with an error that asks for a .wxl; escapes
// keep working either way.
func TestLocalizationVariables(t *testing.T) {
	loc := readLoc(t, "en.wxl", locOpen+` Culture="en-us"><String Id="Name">Go &amp; Co</String><String Id="Sub.Part">part</String><String Id="Nested">!(loc.Name) $(var.X)</String></WixLocalization>`)
	var w warnings
	src := "<Wix>\n<P a=\"!(loc.Name)\" b=\"[!!(loc.Name)]\" c=\"$(loc.Name)\" d=\"!(loc.Sub.Part)\" e=\"!(loc.Nested)\">v !(loc.Name)</P></Wix>"
	root, err := Parse("a.wxs", strings.NewReader(src), Options{Localization: loc, Warn: w.warn})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(root), `Wix{P[a=Go & Co,b=[!(loc.Name)],c=Go & Co,d=part,e=!(loc.Name) $(var.X)]"v Go & Co"}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if len(w) != 1 || w[0] != "a.wxs:2: $(loc.Name) is the deprecated form of !(loc.Name)" {
		t.Errorf("warnings %q", w)
	}
	for src, want := range map[string]string{
		"<Wix>\n<P a=\"!(loc.Nope)\"/></Wix>":           "a.wxs:2: <P a>: !(loc.Nope): no .wxl string has the Id Nope (in en.wxl)",
		"<Wix>\n<P a=\"!(loc.Name=x)\"/></Wix>":         "a.wxs:2: <P a>: !(loc.Name=x): a localization variable has no default value",
		"<Wix>\n<P>!(loc.Nope)</P></Wix>":               "a.wxs:2: <P> text: !(loc.Nope): no .wxl string",
		"<Wix>\n<P a=\"!(bind.property.Name)\"/></Wix>": "resolved by WiX's binder",
	} {
		_, err := Parse("a.wxs", strings.NewReader(src), Options{Localization: loc})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v\nwant %q", src, err, want)
		}
	}
	_, err = Parse("a.wxs", strings.NewReader("<Wix>\n<P a=\"!(loc.Name)\"/></Wix>"), Options{})
	if err == nil || !strings.Contains(err.Error(), "a.wxs:2: <P a>: !(loc.Name) is a localization variable: give the .wxl file that defines it") {
		t.Errorf("without .wxl: %v", err)
	}
}

// TestReadLocalizationFile reads a .wxl from disk.
func TestReadLocalizationFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{"fr.wxl": locOpen + ` Culture="fr-FR" Codepage="1252"><String Id="A">à</String></WixLocalization>`})
	l, err := ReadLocalizationFile(filepath.Join(dir, "fr.wxl"))
	if err != nil || l.Strings["A"].Value != "à" || l.Culture != "fr-fr" {
		t.Errorf("%v %+v", err, l)
	}
	if _, err := ReadLocalizationFile(filepath.Join(dir, "missing.wxl")); err == nil || !strings.Contains(err.Error(), "missing.wxl") {
		t.Errorf("missing: %v", err)
	}
}
