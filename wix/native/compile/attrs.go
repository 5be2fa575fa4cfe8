package compile

import (
	"strconv"
	"strings"
	"time"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// msiFileName is WiX's GetMsiFilenameValue: "short|long" when both are
// given and differ, else the one that is a valid short name (or the long).
func msiFileName(short, long string) string {
	switch {
	case short != "" && long != "" && !strings.EqualFold(short, long):
		return short + "|" + long
	case long != "":
		return long
	}
	return short
}

// intAttr reads an optional integer attribute in [lo, hi]: nil when absent.
func (c *compiler) intAttr(e *wxs.Element, name string, lo, hi int) any {
	v := e.Get(name)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		c.err(e.Errorf("%s %q: want a number from %d to %d", name, v, lo, hi))
		return nil
	}
	return n
}

// dateAttr reads an xs:dateTime as the MSI date-time integer WiX writes
// (CompilerCore.GetAttributeDateTimeValue): the FAT date in the high
// word, the FAT time (two-second units) in the low one.
func (c *compiler) dateAttr(e *wxs.Element, name string) any {
	v := e.Get(name)
	if v == "" {
		return nil
	}
	t, err := time.Parse("2006-01-02T15:04:05", v)
	if err != nil {
		t, err = time.Parse("2006-01-02", v)
	}
	if err != nil || t.Year() < 1980 || t.Year() > 2043 {
		c.err(e.Errorf("%s %q: want a date and time as YYYY-MM-DDThh:mm:ss, from 1980 to 2043 (the Signature table's dates)", name, v))
		return nil
	}
	return ((t.Year()-1980)*512+int(t.Month())*32+t.Day())*65536 + t.Hour()*2048 + t.Minute()*32 + t.Second()/2
}
