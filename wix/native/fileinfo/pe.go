package fileinfo

import (
	"encoding/binary"
	"errors"
	"io"
)

// Machine types of the PE file header that decide an assembly's
// processor architecture.
const (
	machineI386  = 0x14c
	machineAMD64 = 0x8664
	machineIA64  = 0x200
	machineARMNT = 0x1c4
	machineARM64 = 0xaa64
)

const (
	dirResources = 2  // IMAGE_DIRECTORY_ENTRY_RESOURCE
	dirCLIHeader = 14 // IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR
	maxSections  = 96
)

// peImage is what the PE headers say: the machine, whether the optional
// header is PE32+, the data directories and the section table, enough to
// find data by its RVA. Only the headers are read.
type peImage struct {
	r        io.ReaderAt
	size     int64
	machine  uint16
	pe32Plus bool
	dirs     [][2]uint32 // RVA, size
	sections []peSection
}

type peSection struct {
	vaddr, vsize, rawOff, rawSize uint32
}

var errNotPE = errors.New("not a PE file (no MZ/PE headers)")

// readPE reads the headers of a PE file of the given size.
func readPE(r io.ReaderAt, size int64) (*peImage, error) {
	var dos [64]byte
	if _, err := r.ReadAt(dos[:], 0); err != nil || dos[0] != 'M' || dos[1] != 'Z' {
		return nil, errNotPE
	}
	peOff := int64(binary.LittleEndian.Uint32(dos[60:]))
	var hdr [24]byte
	if peOff <= 0 || peOff+24 > size {
		return nil, errNotPE
	}
	if _, err := r.ReadAt(hdr[:], peOff); err != nil || string(hdr[:4]) != "PE\x00\x00" {
		return nil, errNotPE
	}
	img := &peImage{r: r, size: size, machine: binary.LittleEndian.Uint16(hdr[4:])}
	nsec := int(binary.LittleEndian.Uint16(hdr[6:]))
	optSize := int64(binary.LittleEndian.Uint16(hdr[20:]))
	if nsec > maxSections || optSize < 2 || peOff+24+optSize+40*int64(nsec) > size {
		return nil, errors.New("PE headers are truncated or malformed")
	}
	opt := make([]byte, optSize)
	if _, err := r.ReadAt(opt, peOff+24); err != nil {
		return nil, errors.New("PE optional header is truncated")
	}
	var dirsAt int // where the NumberOfRvaAndSizes field is
	switch binary.LittleEndian.Uint16(opt) {
	case 0x10b:
		dirsAt = 92
	case 0x20b:
		dirsAt, img.pe32Plus = 108, true
	default:
		return nil, errors.New("PE optional header has an unknown magic number")
	}
	if int64(dirsAt+4) > optSize {
		return nil, errors.New("PE optional header is too short")
	}
	n := int64(binary.LittleEndian.Uint32(opt[dirsAt:]))
	n = min(n, (optSize-int64(dirsAt)-4)/8, 16)
	for i := int64(0); i < n; i++ {
		o := dirsAt + 4 + 8*int(i)
		img.dirs = append(img.dirs, [2]uint32{binary.LittleEndian.Uint32(opt[o:]), binary.LittleEndian.Uint32(opt[o+4:])})
	}
	secs := make([]byte, 40*nsec)
	if _, err := r.ReadAt(secs, peOff+24+optSize); err != nil {
		return nil, errors.New("PE section table is truncated")
	}
	for i := 0; i < nsec; i++ {
		s := secs[40*i:]
		img.sections = append(img.sections, peSection{
			vsize: binary.LittleEndian.Uint32(s[8:]), vaddr: binary.LittleEndian.Uint32(s[12:]),
			rawSize: binary.LittleEndian.Uint32(s[16:]), rawOff: binary.LittleEndian.Uint32(s[20:]),
		})
	}
	return img, nil
}

// dir returns data directory i, or false when the image has none.
func (p *peImage) dir(i int) (rva, size uint32, ok bool) {
	if i >= len(p.dirs) || p.dirs[i][0] == 0 || p.dirs[i][1] == 0 {
		return 0, 0, false
	}
	return p.dirs[i][0], p.dirs[i][1], true
}

// section returns the section holding an RVA.
func (p *peImage) section(rva uint32) (peSection, bool) {
	for _, s := range p.sections {
		if rva >= s.vaddr && uint64(rva) < uint64(s.vaddr)+uint64(max(s.vsize, s.rawSize)) {
			return s, true
		}
	}
	return peSection{}, false
}

// read reads n bytes at an RVA: they must lie in one section's raw data
// and in the file.
func (p *peImage) read(rva uint32, n uint32) ([]byte, error) {
	s, ok := p.section(rva)
	if !ok {
		return nil, errors.New("data at an address no section holds")
	}
	off := uint64(rva - s.vaddr)
	if off+uint64(n) > uint64(s.rawSize) || uint64(s.rawOff)+off+uint64(n) > uint64(p.size) {
		return nil, errors.New("data runs past the end of its section or of the file")
	}
	b := make([]byte, n)
	if _, err := p.r.ReadAt(b, int64(s.rawOff)+int64(off)); err != nil {
		return nil, err
	}
	return b, nil
}
