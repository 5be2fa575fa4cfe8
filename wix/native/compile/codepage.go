package compile

import (
	"strconv"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// codePage reads Product/@Codepage or Package/@SummaryCodepage: the
// Windows code page of the database's strings, 0 for a neutral (ASCII)
// database. WiX v3 also takes encoding names (Common.GetValidCodePage);
// the native toolset takes the number. Whether the database writer can
// encode the page is checked when it writes (internal/msidb).
func (c *compiler) codePage(e *wxs.Element, attr string) (int, bool) {
	v := e.Get(attr)
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		c.err(e.Errorf("%s %q: give the Windows code page as a number (1252 for Western European, 0 for a neutral ASCII database)", attr, v))
	case n == 65001 || n == 1200 || n == 1201:
		c.err(e.Errorf("%s %d: Windows Installer databases cannot use a Unicode code page; use the ANSI code page of the product language (e.g. 1252)", attr, n))
	case n < 0 || n > 65535:
		c.err(e.Errorf("%s %d: want a code page from 0 to 65535", attr, n))
	default:
		return n, true
	}
	return 0, false
}
