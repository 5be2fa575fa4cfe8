package wxs

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// newDecoder returns a strict XML decoder for a file that may be written in
// any encoding candle reads (.NET's XmlTextReader): UTF-8 with or without a
// byte-order mark, UTF-16 with a byte-order mark (or recognisable by its
// "<?" start), and the encoding its XML declaration names, windows-1252
// being the most common in the wild.
func newDecoder(r io.Reader) *xml.Decoder {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4)
	var src io.Reader = br
	unicodeForm := "" // the Unicode form the bytes were found to be in
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		unicodeForm = "UTF-8"
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		src = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Reader(br)
		unicodeForm = "UTF-16"
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		src = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Reader(br)
		unicodeForm = "UTF-16"
	case bytes.Equal(head, []byte{'<', 0, '?', 0}):
		src = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder().Reader(br)
		unicodeForm = "UTF-16"
	case bytes.Equal(head, []byte{0, '<', 0, '?'}):
		src = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder().Reader(br)
		unicodeForm = "UTF-16"
	}
	d := xml.NewDecoder(src)
	d.Strict = true
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, form, err := lookupEncoding(label)
		if err != nil {
			return nil, err
		}
		switch {
		case unicodeForm != "" && form == unicodeForm:
			return in, nil // already decoded
		case unicodeForm != "":
			return nil, &encodingError{label: label, msg: fmt.Sprintf("the file starts as %s (its first bytes say so) but its XML declaration says %s: make them agree", unicodeForm, label)}
		case form == "UTF-16":
			return nil, &encodingError{label: label, msg: "the XML declaration says " + label + " but the file has no UTF-16 byte-order mark (candle refuses it too): save it as UTF-16 or declare the encoding it is in, such as utf-8"}
		}
		return enc.NewDecoder().Reader(in), nil
	}
	return d
}

// encodingError is a declared encoding the reader cannot use.
type encodingError struct {
	label, msg string
}

func (e *encodingError) Error() string { return e.msg }

// lookupEncoding finds the encoding an XML declaration names, and tells
// whether it is a Unicode form, "UTF-8" or "UTF-16". .NET reads iso-8859-1
// as Latin-1 proper, where the web's index makes it windows-1252.
func lookupEncoding(label string) (enc encoding.Encoding, form string, err error) {
	name := strings.ToLower(strings.TrimSpace(label))
	switch name {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp819", "ibm819":
		return charmap.ISO8859_1, "", nil
	case "utf-16", "utf-16le", "utf-16be", "unicode", "unicodefffe", "ucs-2":
		return nil, "UTF-16", nil
	}
	enc, err = htmlindex.Get(name)
	if err != nil || enc == encoding.Replacement {
		return nil, "", &encodingError{label: label, msg: fmt.Sprintf("unknown encoding %q in the XML declaration: save the file as UTF-8, or declare an encoding such as windows-1252 or iso-8859-1", label)}
	}
	switch canonical, _ := htmlindex.Name(enc); {
	case strings.HasPrefix(canonical, "utf-16"):
		return nil, "UTF-16", nil
	case canonical == "utf-8":
		return enc, "UTF-8", nil
	}
	return enc, "", nil
}

// codePage is the Windows code page of an encoding name a .wxl gives as its
// Codepage (.NET's Encoding.GetEncoding(name).CodePage), for the names of
// the web's encoding index.
func codePage(label string) (int, bool) {
	name := strings.ToLower(strings.TrimSpace(label))
	switch name {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp819", "ibm819":
		return 28591, true
	case "utf-16", "utf-16le", "unicode", "ucs-2":
		return 1200, true
	case "utf-16be", "unicodefffe":
		return 1201, true
	case "us-ascii", "ascii":
		return 20127, true
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return 0, false
	}
	canonical, err := htmlindex.Name(enc)
	if err != nil {
		return 0, false
	}
	var n int
	if _, err := fmt.Sscanf(canonical, "windows-%d", &n); err == nil {
		return n, true
	}
	if _, err := fmt.Sscanf(canonical, "iso-8859-%d", &n); err == nil {
		return 28590 + n, true
	}
	cp, ok := map[string]int{
		"utf-8": 65001, "ibm866": 866, "koi8-r": 20866, "koi8-u": 21866, "macintosh": 10000,
		"x-mac-cyrillic": 10007, "shift_jis": 932, "euc-jp": 51932, "iso-2022-jp": 50220,
		"gbk": 936, "gb18030": 54936, "big5": 950, "euc-kr": 949,
	}[canonical]
	return cp, ok
}

// decodeError turns an error of the XML decoder into one that names the
// file (and line, for a syntax error).
func decodeError(at Pos, err error) error {
	var se *xml.SyntaxError
	var ee *encodingError
	switch {
	case errors.As(err, &ee):
		return fmt.Errorf("%s: %s", at, ee.msg)
	case errors.As(err, &se):
		at.Line = se.Line
		return fmt.Errorf("%s: invalid XML: %s", at, se.Msg)
	case errors.Is(err, errInputTooLarge):
		return fmt.Errorf("%s: %w", at, err)
	}
	return fmt.Errorf("read %s: %w", at, err)
}
