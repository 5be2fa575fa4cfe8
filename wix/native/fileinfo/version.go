package fileinfo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
)

const (
	rtVersion     = 16
	fixedFileSig  = 0xFEEF04BD
	maxResEntries = 4096
)

// peVersion reads the VS_FIXEDFILEINFO of a PE file's version resource:
// the file version and the resource's language. ok is false for files
// without one (Go's executables have none) or that are not valid PE files.
// Only the headers and the resource section are read: debug/pe would load
// the symbol tables, megabytes in Go's executables.
func peVersion(r io.ReaderAt, size int64) (version, lang string, ok bool) {
	var dos [64]byte
	if _, err := r.ReadAt(dos[:], 0); err != nil {
		return "", "", false
	}
	peOff := int64(binary.LittleEndian.Uint32(dos[60:]))
	var hdr [24]byte // signature and COFF file header
	if peOff <= 0 || peOff+24 > size {
		return "", "", false
	}
	if _, err := r.ReadAt(hdr[:], peOff); err != nil || string(hdr[:4]) != "PE\x00\x00" {
		return "", "", false
	}
	nsec := int(binary.LittleEndian.Uint16(hdr[6:]))
	optSize := int64(binary.LittleEndian.Uint16(hdr[20:]))
	if nsec > 96 || optSize < 2 || optSize > 4096 {
		return "", "", false
	}
	opt := make([]byte, optSize)
	if _, err := r.ReadAt(opt, peOff+24); err != nil {
		return "", "", false
	}
	// The data directories start at 96 (PE32) or 112 (PE32+); the
	// resource directory is the third, 8 bytes each.
	var dirs int
	switch binary.LittleEndian.Uint16(opt) {
	case 0x10b:
		dirs = 96
	case 0x20b:
		dirs = 112
	default:
		return "", "", false
	}
	if int64(dirs+3*8) > optSize {
		return "", "", false
	}
	rva := binary.LittleEndian.Uint32(opt[dirs+16:])
	if rva == 0 || binary.LittleEndian.Uint32(opt[dirs+20:]) == 0 {
		return "", "", false
	}
	secs := make([]byte, 40*nsec)
	if _, err := r.ReadAt(secs, peOff+24+optSize); err != nil {
		return "", "", false
	}
	for i := 0; i < nsec; i++ {
		s := secs[40*i:]
		vsize, vaddr := binary.LittleEndian.Uint32(s[8:]), binary.LittleEndian.Uint32(s[12:])
		rawSize, rawOff := binary.LittleEndian.Uint32(s[16:]), binary.LittleEndian.Uint32(s[20:])
		if rva < vaddr || rva >= vaddr+max(vsize, rawSize) {
			continue
		}
		if int64(rawOff)+int64(rawSize) > size || rawSize > 64<<20 {
			return "", "", false
		}
		data := make([]byte, rawSize)
		if _, err := r.ReadAt(data, int64(rawOff)); err != nil {
			return "", "", false
		}
		return versionResource(&resources{data: data, base: rva - vaddr, rva: vaddr})
	}
	return "", "", false
}

// versionResource walks type -> name -> language to the RT_VERSION data.
func versionResource(res *resources) (version, lang string, ok bool) {
	typeDir, ok := res.find(0, rtVersion)
	if !ok {
		return "", "", false
	}
	nameDir, ok := res.first(typeDir)
	if !ok {
		return "", "", false
	}
	langID, entry, ok := res.firstEntry(nameDir)
	if !ok {
		return "", "", false
	}
	blob, ok := res.dataEntry(entry)
	if !ok {
		return "", "", false
	}
	v, ok := fixedVersion(blob)
	if !ok {
		return "", "", false
	}
	return v, strconv.Itoa(int(langID)), true
}

type resources struct {
	data []byte
	base uint32 // offset of the resource directory in data
	rva  uint32 // section RVA, to turn data RVAs into offsets
}

func (r *resources) u32(off uint32) (uint32, bool) {
	if uint64(off)+4 > uint64(len(r.data)) {
		return 0, false
	}
	return binary.LittleEndian.Uint32(r.data[off:]), true
}

func (r *resources) u16(off uint32) (uint16, bool) {
	if uint64(off)+2 > uint64(len(r.data)) {
		return 0, false
	}
	return binary.LittleEndian.Uint16(r.data[off:]), true
}

// entries returns the entries of the directory at offset dir (relative to
// the resource base): id (or name offset) and target per entry.
func (r *resources) entries(dir uint32) ([][2]uint32, bool) {
	off := r.base + dir
	named, ok1 := r.u16(off + 12)
	ids, ok2 := r.u16(off + 14)
	if !ok1 || !ok2 || int(named)+int(ids) > maxResEntries {
		return nil, false
	}
	var out [][2]uint32
	for i := uint32(0); i < uint32(named)+uint32(ids); i++ {
		id, ok1 := r.u32(off + 16 + 8*i)
		target, ok2 := r.u32(off + 20 + 8*i)
		if !ok1 || !ok2 {
			return nil, false
		}
		out = append(out, [2]uint32{id, target})
	}
	return out, true
}

func (r *resources) find(dir, id uint32) (uint32, bool) {
	es, ok := r.entries(dir)
	if !ok {
		return 0, false
	}
	for _, e := range es {
		if e[0] == id && e[1]&0x80000000 != 0 {
			return e[1] &^ 0x80000000, true
		}
	}
	return 0, false
}

func (r *resources) first(dir uint32) (uint32, bool) {
	es, ok := r.entries(dir)
	if !ok || len(es) == 0 || es[0][1]&0x80000000 == 0 {
		return 0, false
	}
	return es[0][1] &^ 0x80000000, true
}

func (r *resources) firstEntry(dir uint32) (id, entry uint32, ok bool) {
	es, ok := r.entries(dir)
	if !ok || len(es) == 0 || es[0][1]&0x80000000 != 0 {
		return 0, 0, false
	}
	return es[0][0] & 0xFFFF, es[0][1], true
}

func (r *resources) dataEntry(entry uint32) ([]byte, bool) {
	rva, ok1 := r.u32(r.base + entry)
	size, ok2 := r.u32(r.base + entry + 4)
	if !ok1 || !ok2 || rva < r.rva {
		return nil, false
	}
	off := uint64(rva - r.rva)
	if off+uint64(size) > uint64(len(r.data)) {
		return nil, false
	}
	return r.data[off : off+uint64(size)], true
}

// fixedVersion finds VS_FIXEDFILEINFO after the "VS_VERSION_INFO" key.
func fixedVersion(b []byte) (string, bool) {
	key := utf16z("VS_VERSION_INFO")
	i := bytes.Index(b, key)
	if i < 0 {
		return "", false
	}
	off := (i + len(key) + 3) &^ 3
	if off+52 > len(b) || binary.LittleEndian.Uint32(b[off:]) != fixedFileSig {
		return "", false
	}
	ms := binary.LittleEndian.Uint32(b[off+8:])
	ls := binary.LittleEndian.Uint32(b[off+12:])
	return fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xFFFF, ls>>16, ls&0xFFFF), true
}

func utf16z(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), 0)
	}
	return append(b, 0, 0)
}
