package fileinfo

import (
	"bytes"
	"debug/pe"
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
func peVersion(r io.ReaderAt, size int64) (version, lang string, ok bool) {
	defer func() {
		if recover() != nil { // debug/pe on hostile input: treat as unversioned
			ok = false
		}
	}()
	f, err := pe.NewFile(io.NewSectionReader(r, 0, size))
	if err != nil {
		return "", "", false
	}
	var dir pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		if oh.NumberOfRvaAndSizes > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			dir = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	case *pe.OptionalHeader64:
		if oh.NumberOfRvaAndSizes > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
			dir = oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
		}
	}
	if dir.VirtualAddress == 0 || dir.Size == 0 {
		return "", "", false
	}
	var sec *pe.Section
	for _, s := range f.Sections {
		if dir.VirtualAddress >= s.VirtualAddress && dir.VirtualAddress < s.VirtualAddress+s.Size {
			sec = s
			break
		}
	}
	if sec == nil {
		return "", "", false
	}
	data, err := sec.Data()
	if err != nil {
		return "", "", false
	}
	res := &resources{data: data, base: dir.VirtualAddress - sec.VirtualAddress, rva: sec.VirtualAddress}
	// type -> name -> language -> data entry
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
