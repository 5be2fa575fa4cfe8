// Package dotnettest writes minimal .NET assemblies for tests: no .NET SDK
// is needed to check that an assembly's identity is read right.
package dotnettest

import (
	"bytes"
	"encoding/binary"
)

// Assembly describes a minimal .NET assembly for Build: a PE
// image with one section holding a CLI header and metadata whose tables
// are a Module row, optional filler rows and an Assembly row. The row
// sizes of the filler tables are written out here, not taken from the
// reader's layout, so a wrong layout there shows.
type Assembly struct {
	Machine    uint16
	PE32Plus   bool
	CLIFlags   uint32
	Runtime    string // metadata version string, "v4.0.30319"
	Name       string
	Culture    string
	Version    [4]uint16
	PublicKey  []byte
	BigHeaps   bool // 4-byte #Strings and #Blob indexes
	TypeRefs   int  // TypeRef rows; 2048 or more widen HasCustomAttribute
	Attrs      int  // CustomAttribute rows
	NoAssembly bool
}

// Build returns the assembly's bytes.
func (ta Assembly) Build() []byte {
	le := binary.LittleEndian
	// #Strings: "", name, culture; #Blob: "", public key.
	strs := []byte{0}
	nameIdx := len(strs)
	strs = append(append(strs, ta.Name...), 0)
	cultureIdx := 0
	if ta.Culture != "" {
		cultureIdx = len(strs)
		strs = append(append(strs, ta.Culture...), 0)
	}
	strs = pad4(strs)
	blobs := []byte{0}
	keyIdx := 0
	if len(ta.PublicKey) > 0 {
		keyIdx = len(blobs)
		blobs = append(append(blobs, byte(len(ta.PublicKey))), ta.PublicKey...)
	}
	blobs = pad4(blobs)
	guids := make([]byte, 16)

	heapIdx := func(b *bytes.Buffer, v int) {
		if ta.BigHeaps {
			binary.Write(b, le, uint32(v))
		} else {
			binary.Write(b, le, uint16(v))
		}
	}
	var tables bytes.Buffer
	tables.Write([]byte{0, 0, 0, 0, 2, 0})
	heapSizes := byte(0)
	if ta.BigHeaps {
		heapSizes = 0x01 | 0x04
	}
	tables.WriteByte(heapSizes)
	tables.WriteByte(1)
	valid := uint64(1) // Module
	counts := []uint32{1}
	if ta.TypeRefs > 0 {
		valid |= 1 << 0x01
		counts = append(counts, uint32(ta.TypeRefs))
	}
	if ta.Attrs > 0 {
		valid |= 1 << 0x0C
		counts = append(counts, uint32(ta.Attrs))
	}
	if !ta.NoAssembly {
		valid |= 1 << 0x20
		counts = append(counts, 1)
	}
	binary.Write(&tables, le, valid)
	binary.Write(&tables, le, uint64(0))
	for _, c := range counts {
		binary.Write(&tables, le, c)
	}
	// Module: Generation, Name, Mvid, EncId, EncBaseId (#GUID is small).
	binary.Write(&tables, le, uint16(0))
	heapIdx(&tables, nameIdx)
	tables.Write([]byte{1, 0, 0, 0, 0, 0})
	// TypeRef: ResolutionScope (2 bytes below 16384 rows), Name, Namespace.
	for i := 0; i < ta.TypeRefs; i++ {
		tables.Write([]byte{0xEE, 0xEE})
		heapIdx(&tables, 0)
		heapIdx(&tables, 0)
	}
	// CustomAttribute: Parent (HasCustomAttribute: 4 bytes once a table it
	// names has 2048 rows), Type (2 bytes), Value (a blob index).
	for i := 0; i < ta.Attrs; i++ {
		if ta.TypeRefs >= 2048 {
			tables.Write([]byte{0xDD, 0xDD, 0xDD, 0xDD})
		} else {
			tables.Write([]byte{0xDD, 0xDD})
		}
		tables.Write([]byte{0xCC, 0xCC})
		heapIdx(&tables, 0)
	}
	if !ta.NoAssembly {
		binary.Write(&tables, le, uint32(0x8004)) // SHA-1
		binary.Write(&tables, le, ta.Version)
		flags := uint32(0)
		if len(ta.PublicKey) > 0 {
			flags = 1
		}
		binary.Write(&tables, le, flags)
		heapIdx(&tables, keyIdx)
		heapIdx(&tables, nameIdx)
		heapIdx(&tables, cultureIdx)
	}
	tablesData := pad4(tables.Bytes())

	// Metadata root and stream headers.
	version := pad4(append([]byte(ta.Runtime), 0))
	type st struct {
		name string
		data []byte
	}
	streams := []st{{"#~", tablesData}, {"#Strings", strs}, {"#GUID", guids}, {"#Blob", blobs}}
	headerLen := 16 + len(version) + 4
	for _, s := range streams {
		headerLen += 8 + len(pad4(append([]byte(s.name), 0)))
	}
	var md bytes.Buffer
	md.WriteString("BSJB")
	binary.Write(&md, le, []uint16{1, 1})
	binary.Write(&md, le, []uint32{0, uint32(len(version))})
	md.Write(version)
	binary.Write(&md, le, []uint16{0, uint16(len(streams))})
	off := headerLen
	for _, s := range streams {
		binary.Write(&md, le, []uint32{uint32(off), uint32(len(s.data))})
		md.Write(pad4(append([]byte(s.name), 0)))
		off += len(s.data)
	}
	for _, s := range streams {
		md.Write(s.data)
	}

	// Section: CLI header at its start, metadata after it.
	const sectionRVA, fileAlign = 0x2000, 0x200
	var sec bytes.Buffer
	binary.Write(&sec, le, uint32(72))
	binary.Write(&sec, le, []uint16{2, 5})
	binary.Write(&sec, le, []uint32{sectionRVA + 72, uint32(md.Len()), ta.CLIFlags})
	sec.Write(make([]byte, 72-20))
	sec.Write(md.Bytes())
	for sec.Len()%fileAlign != 0 {
		sec.WriteByte(0)
	}

	optSize := 224
	if ta.PE32Plus {
		optSize = 240
	}
	var img bytes.Buffer
	dos := make([]byte, 0x80)
	dos[0], dos[1] = 'M', 'Z'
	le.PutUint32(dos[60:], 0x80)
	img.Write(dos)
	img.WriteString("PE\x00\x00")
	binary.Write(&img, le, []uint16{ta.Machine, 1})
	binary.Write(&img, le, []uint32{0, 0, 0})
	binary.Write(&img, le, []uint16{uint16(optSize), 0x2102})
	opt := make([]byte, optSize)
	dirs := 96
	le.PutUint16(opt, 0x10b)
	if ta.PE32Plus {
		le.PutUint16(opt, 0x20b)
		dirs = 112
	}
	le.PutUint32(opt[dirs-4:], 16)
	le.PutUint32(opt[dirs+14*8:], sectionRVA)
	le.PutUint32(opt[dirs+14*8+4:], 72)
	img.Write(opt)
	var sh [40]byte
	copy(sh[:], ".text")
	le.PutUint32(sh[8:], uint32(sec.Len()))
	le.PutUint32(sh[12:], sectionRVA)
	le.PutUint32(sh[16:], uint32(sec.Len()))
	le.PutUint32(sh[20:], fileAlign)
	img.Write(sh[:])
	for img.Len() < fileAlign {
		img.WriteByte(0)
	}
	img.Write(sec.Bytes())
	return img.Bytes()
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}
