package msidb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// decodeSummary reads the summary information property set (MS-OLEPS):
// a header, the FMTID and offset of the first section, then the section's
// size, property count, (id, offset) pairs and typed values.
func decodeSummary(b []byte) (Summary, error) {
	le := binary.LittleEndian
	var s Summary
	if len(b) < 48 || le.Uint16(b) != 0xFFFE {
		return s, fmt.Errorf("not a property set (%d bytes)", len(b))
	}
	if !bytes.Equal(b[28:44], fmtidSummary) {
		return s, fmt.Errorf("the first section is not the summary information's")
	}
	sec := int(le.Uint32(b[44:]))
	if sec < 48 || sec > len(b)-8 {
		return s, fmt.Errorf("section offset %d is outside the stream", sec)
	}
	section := b[sec:]
	size, count := int(le.Uint32(section)), int(le.Uint32(section[4:]))
	if size > len(section) || count > (size-8)/8 {
		return s, fmt.Errorf("section of %d bytes with %d properties does not fit the stream", size, count)
	}
	section = section[:size]
	type value struct {
		vt   uint32
		data []byte
	}
	props := map[uint32]value{}
	for i := range count {
		id, off := le.Uint32(section[8+8*i:]), int(le.Uint32(section[12+8*i:]))
		if off < 8 || off > size-4 {
			return s, fmt.Errorf("property %d at offset %d is outside its section", id, off)
		}
		props[id] = value{le.Uint32(section[off:]) & 0xFFFF, section[off+4:]}
	}
	cp := 1252
	if v, ok := props[pidCodePage]; ok && v.vt == vtI2 && len(v.data) >= 2 {
		cp = int(uint16(le.Uint16(v.data)))
	}
	decode, err := decoder(cp)
	if err != nil {
		return s, err
	}
	var errs []error
	str := func(id uint32) string {
		v, ok := props[id]
		if !ok {
			return ""
		}
		if v.vt != vtLPSTR || len(v.data) < 4 {
			errs = append(errs, fmt.Errorf("property %d is not a string", id))
			return ""
		}
		n := int(le.Uint32(v.data))
		if n > len(v.data)-4 {
			errs = append(errs, fmt.Errorf("property %d: a string of %d bytes overruns its section", id, n))
			return ""
		}
		text, err := decode(bytes.TrimRight(v.data[4:4+n], "\x00"))
		if err != nil {
			errs = append(errs, fmt.Errorf("property %d: %w", id, err))
		}
		return text
	}
	num := func(id uint32) int {
		v, ok := props[id]
		switch {
		case !ok:
			return 0
		case v.vt == vtI4 && len(v.data) >= 4:
			return int(int32(le.Uint32(v.data)))
		case v.vt == vtI2 && len(v.data) >= 2:
			return int(int16(le.Uint16(v.data)))
		}
		errs = append(errs, fmt.Errorf("property %d is not an integer", id))
		return 0
	}
	when := func(id uint32) time.Time {
		v, ok := props[id]
		if !ok || v.vt != vtFILETIME || len(v.data) < 8 {
			return time.Time{}
		}
		ticks := int64(le.Uint64(v.data)) - filetimeOffset
		return time.Unix(0, 0).Add(time.Duration(ticks) * 100).UTC()
	}
	s = Summary{
		Title: str(pidTitle), Subject: str(pidSubject), Author: str(pidAuthor),
		Keywords: str(pidKeywords), Comments: str(pidComments), Template: str(pidTemplate),
		PackageCode: str(pidRevision), InstallerVersion: num(pidPageCount), WordCount: num(pidWordCount),
		Security: num(pidSecurity), CreatingApp: str(pidAppName),
		Created: when(pidCreated), Saved: when(pidSaved),
	}
	if len(errs) > 0 {
		return s, errs[0]
	}
	return s, nil
}
