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
	img, err := readPE(r, size)
	if err != nil {
		return "", "", false
	}
	rva, _, ok := img.dir(dirResources)
	if !ok {
		return "", "", false
	}
	s, ok := img.section(rva)
	if !ok || int64(s.rawOff)+int64(s.rawSize) > size || s.rawSize > 64<<20 {
		return "", "", false
	}
	data := make([]byte, s.rawSize)
	if _, err := r.ReadAt(data, int64(s.rawOff)); err != nil {
		return "", "", false
	}
	return versionResource(&resources{data: data, base: rva - s.vaddr, rva: s.vaddr})
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
