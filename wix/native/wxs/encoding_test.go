package wxs

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16 in the given byte order, with a BOM if
// asked.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	var b bytes.Buffer
	for _, u := range units {
		if bigEndian {
			b.Write([]byte{byte(u >> 8), byte(u)})
		} else {
			b.Write([]byte{byte(u), byte(u >> 8)})
		}
	}
	return b.Bytes()
}

// TestEncodings: sources in the encodings found in the wild read as the
// same text.
func TestEncodings(t *testing.T) {
	const want = "Café € ü"
	utf8Source := `<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<Wix a="Café € ü"/>`
	utf16Source := `<?xml version="1.0" encoding="utf-16"?>` + "\n" + `<Wix a="Café € ü"/>`
	for name, src := range map[string][]byte{
		"windows-1252":        []byte("<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<Wix a=\"Caf\xe9 \x80 \xfc\"/>"),
		"Windows-1252 cased":  []byte("<?xml version=\"1.0\" encoding=\"Windows-1252\"?>\n<Wix a=\"Caf\xe9 \x80 \xfc\"/>"),
		"cp1252":              []byte("<?xml version=\"1.0\" encoding=\"cp1252\"?>\n<Wix a=\"Caf\xe9 \x80 \xfc\"/>"),
		"utf-8 BOM":           append([]byte{0xEF, 0xBB, 0xBF}, utf8Source...),
		"utf-8 no BOM":        []byte(utf8Source),
		"utf8 label, BOM":     append([]byte{0xEF, 0xBB, 0xBF}, strings.Replace(utf8Source, "utf-8", "UTF8", 1)...),
		"utf8 label":          []byte(strings.Replace(utf8Source, "utf-8", "utf8", 1)),
		"no declaration":      []byte(`<Wix a="Café € ü"/>`),
		"utf-16le BOM":        utf16Bytes(utf16Source, false, true),
		"utf-16be BOM":        utf16Bytes(utf16Source, true, true),
		"utf-16le no BOM":     utf16Bytes(utf16Source, false, false),
		"utf-16be no BOM":     utf16Bytes(utf16Source, true, false),
		"utf-16 BOM, no decl": utf16Bytes(`<Wix a="Café € ü"/>`, false, true),
	} {
		root, err := Parse("e.wxs", bytes.NewReader(src), Options{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := root.Get("a"); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	// .NET reads iso-8859-1 as Latin-1 proper: 0x80 is U+0080, not "€".
	root, err := Parse("e.wxs", strings.NewReader("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Wix a=\"\xe9\x80\"/>"), Options{})
	if err != nil || root.Get("a") != "é\u0080" {
		t.Errorf("iso-8859-1: %v", err)
	}
	// positions count lines in the decoded text
	root, err = Parse("e.wxs", bytes.NewReader(utf16Bytes("<Wix>\n\n<A/></Wix>", false, true)), Options{})
	if err != nil || root.Children[0].Pos.Line != 3 {
		t.Errorf("utf-16 lines: %v", err)
	}
}

// TestEncodingErrors: an encoding the reader cannot use is an error naming
// the file and the encoding.
func TestEncodingErrors(t *testing.T) {
	for name, c := range map[string]struct {
		src  []byte
		want string
	}{
		"unknown":           {[]byte(`<?xml version="1.0" encoding="x-klingon"?><Wix/>`), `e.wxs:1: unknown encoding "x-klingon" in the XML declaration`},
		"utf-16 but 8-bit":  {[]byte(`<?xml version="1.0" encoding="utf-16"?><Wix/>`), "e.wxs:1: the XML declaration says utf-16 but the file has no UTF-16 byte-order mark"},
		"BOM disagrees":     {utf16Bytes(`<?xml version="1.0" encoding="windows-1252"?><Wix/>`, false, true), "e.wxs:1: the file starts as UTF-16 (its first bytes say so) but its XML declaration says windows-1252"},
		"utf-8 BOM, cp1252": {append([]byte{0xEF, 0xBB, 0xBF}, `<?xml version="1.0" encoding="windows-1252"?><Wix/>`...), "starts as UTF-8"},
		"invalid utf-8":     {[]byte("<Wix a=\"\xe9\"/>"), "e.wxs:1: invalid XML"},
	} {
		_, err := Parse("e.wxs", bytes.NewReader(c.src), Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %q", name, err, c.want)
		}
	}
}

// TestIncludeEncoding: an include has its own encoding.
func TestIncludeEncoding(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.wxs":   wixOpen + `<?include w.wxi?><?include u.wxi?></Wix>`,
		"w.wxi":   "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n" + includeOpen + "<P V=\"\xe9\"/></Include>",
		"u.wxi":   string(utf16Bytes(`<?xml version="1.0" encoding="utf-16"?>`+includeOpen+`<Q V="ü"/></Include>`, false, true)),
		"bad.wxs": wixOpen + `<?include bad.wxi?></Wix>`,
		"bad.wxi": `<?xml version="1.0" encoding="ebcdic-xx"?><Include/>`,
	})
	root, err := parseFile(t, filepath.Join(dir, "a.wxs"), Options{})
	if err != nil || render(root) != "Wix{P[V=é] Q[V=ü]}" {
		t.Errorf("includes: %v", err)
	}
	_, err = parseFile(t, filepath.Join(dir, "bad.wxs"), Options{})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "bad.wxi")+`:1 (included from `) || !strings.Contains(err.Error(), `unknown encoding "ebcdic-xx"`) {
		t.Errorf("bad include encoding: %v", err)
	}
}
