package msidb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// codePages are the ANSI and OEM code pages a database may use.
var codePages = map[int]encoding.Encoding{
	437: charmap.CodePage437, 850: charmap.CodePage850, 852: charmap.CodePage852,
	855: charmap.CodePage855, 858: charmap.CodePage858, 860: charmap.CodePage860,
	862: charmap.CodePage862, 863: charmap.CodePage863, 865: charmap.CodePage865,
	866: charmap.CodePage866, 874: charmap.Windows874,
	932: japanese.ShiftJIS, 936: simplifiedchinese.GBK, 949: korean.EUCKR, 950: traditionalchinese.Big5,
	1250: charmap.Windows1250, 1251: charmap.Windows1251, 1252: charmap.Windows1252,
	1253: charmap.Windows1253, 1254: charmap.Windows1254, 1255: charmap.Windows1255,
	1256: charmap.Windows1256, 1257: charmap.Windows1257, 1258: charmap.Windows1258,
}

// encoder returns the text encoder of a code page; 0 (neutral) takes ASCII
// only, since its strings are read in whatever code page the system uses.
func encoder(cp int) (func(string) ([]byte, error), error) {
	if cp == 0 {
		return func(s string) ([]byte, error) {
			for _, c := range s {
				if c >= 0x80 {
					return nil, fmt.Errorf("character %q is not ASCII, which code page 0 requires", c)
				}
			}
			return []byte(s), nil
		}, nil
	}
	if cp == 65001 {
		return nil, fmt.Errorf("code page 65001 (UTF-8): Windows Installer rejects it; use the ANSI code page of the product language, e.g. 1252")
	}
	enc, ok := codePages[cp]
	if !ok {
		return nil, fmt.Errorf("code page %d is not supported; use 1252 or another Windows ANSI code page", cp)
	}
	e := enc.NewEncoder()
	return func(s string) ([]byte, error) {
		b, err := e.Bytes([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("text not representable in code page %d: %w", cp, err)
		}
		return b, nil
	}, nil
}

// maxPoolString is the longest string the pool stores: longer ones need an
// escape encoding that readers disagree on.
const maxPoolString = 0xFFFF

// pool is the string table: ids are assigned in byte order of the encoded
// strings, so sorting rows by string id sorts them by byte value.
type pool struct {
	ids     map[string]uint32
	data    [][]byte // by id-1
	refs    []int
	refSize int
}

type poolBuilder struct {
	encode  func(string) ([]byte, error)
	entries map[string]*poolEntry
}

type poolEntry struct {
	s    string
	b    []byte
	refs int
}

func newPoolBuilder(cp int) (*poolBuilder, error) {
	enc, err := encoder(cp)
	if err != nil {
		return nil, err
	}
	return &poolBuilder{encode: enc, entries: map[string]*poolEntry{}}, nil
}

// add counts one reference to s; where names the cell for error messages.
func (p *poolBuilder) add(s string, where func() string) error {
	if e, ok := p.entries[s]; ok {
		e.refs++
		return nil
	}
	var b []byte
	if isASCII(s) {
		b = []byte(s) // every supported code page is a superset of ASCII
	} else {
		var err error
		if b, err = p.encode(s); err != nil {
			return fmt.Errorf("%s value %q: %w", where(), s, err)
		}
	}
	if len(b) > maxPoolString {
		return fmt.Errorf("%s: value of %d bytes, the limit is %d", where(), len(b), maxPoolString)
	}
	p.entries[s] = &poolEntry{s: s, b: b, refs: 1}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (p *poolBuilder) build() *pool {
	entries := make([]*poolEntry, 0, len(p.entries))
	for _, e := range p.entries {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b *poolEntry) int { return bytes.Compare(a.b, b.b) })
	out := &pool{ids: make(map[string]uint32, len(entries)), refSize: 2}
	for i, e := range entries {
		out.ids[e.s] = uint32(i + 1)
		out.data = append(out.data, e.b)
		out.refs = append(out.refs, e.refs)
	}
	if len(entries) > 0xFFFF {
		out.refSize = 3 // ids beyond 16 bits: 3-byte references everywhere
	}
	return out
}

// streams returns the _StringPool and _StringData payloads.
func (p *pool) streams(cp int) (poolStream, dataStream []byte) {
	header := uint32(cp)
	if p.refSize == 3 {
		header |= 0x80000000
	}
	poolStream = binary.LittleEndian.AppendUint32(nil, header)
	for i, b := range p.data {
		// Reference counts are 16-bit and saturate: only a tool that edits
		// the database later could be misled by a saturated count.
		poolStream = binary.LittleEndian.AppendUint16(poolStream, uint16(len(b)))
		poolStream = binary.LittleEndian.AppendUint16(poolStream, uint16(min(p.refs[i], 0xFFFF)))
		dataStream = append(dataStream, b...)
	}
	return poolStream, dataStream
}
