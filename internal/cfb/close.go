package cfb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Close writes the mini stream, the allocation tables, the directory and the
// header. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return errors.New("close compound file: already closed")
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if err := w.finish(); err != nil {
		return fmt.Errorf("close compound file: %w", err)
	}
	return nil
}

func (w *Writer) finish() error {
	miniStart, err := w.writeChain(w.mini)
	if err != nil {
		return err
	}
	miniFATSectors := (len(w.miniFAT) + idsPerSector - 1) / idsPerSector
	miniFATStart, err := w.writeChain(putU32s(w.miniFAT, miniFATSectors*idsPerSector))
	if err != nil {
		return err
	}

	root := &entry{name: rootName, typ: typeRoot, clsid: w.clsid, start: miniStart, size: uint64(len(w.mini))}
	dir := w.directory(root)
	dirStart, err := w.writeChain(dir)
	if err != nil {
		return err
	}

	fatSectors, difatSectors := fatLayout(w.sectors)
	fatStart := w.sectors
	for range fatSectors {
		w.fat = append(w.fat, fatSect)
	}
	for range difatSectors {
		w.fat = append(w.fat, difatSect)
	}
	w.sectors += fatSectors + difatSectors
	if w.sectors >= maxRegSect {
		return errors.New("compound file exceeds the version 3 sector limit")
	}
	if _, err := w.out.Write(putU32s(w.fat, int(fatSectors)*idsPerSector)); err != nil {
		return err
	}
	fatIDs := make([]uint32, fatSectors)
	for i := range fatIDs {
		fatIDs[i] = fatStart + uint32(i)
	}
	difatStart := uint32(endOfChain)
	if difatSectors > 0 {
		difatStart = fatStart + fatSectors
		if _, err := w.out.Write(difatChain(fatIDs[headerDIFAT:], difatStart)); err != nil {
			return err
		}
	}
	if err := w.out.Flush(); err != nil {
		return err
	}

	h := header{
		clsid:          w.clsid,
		fatSectors:     fatSectors,
		dirStart:       dirStart,
		miniFATStart:   miniFATStart,
		miniFATSectors: uint32(miniFATSectors),
		difatStart:     difatStart,
		difatSectors:   difatSectors,
		fatIDs:         fatIDs,
	}
	if _, err := w.dst.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := w.dst.Write(h.bytes()); err != nil {
		return err
	}
	_, err = w.dst.Seek(0, io.SeekEnd)
	return err
}

var rootName = []uint16{'R', 'o', 'o', 't', ' ', 'E', 'n', 't', 'r', 'y'}

// fatLayout returns how many FAT and DIFAT sectors describe data sectors
// plus themselves: each FAT sector maps 128 sectors, the header lists 109
// FAT sectors and each DIFAT sector 127 more.
func fatLayout(data uint32) (fat, difat uint32) {
	fat = 1
	for {
		difat = 0
		if fat > headerDIFAT {
			difat = (fat - headerDIFAT + idsPerSector - 2) / (idsPerSector - 1)
		}
		if uint64(fat)*idsPerSector >= uint64(data)+uint64(fat)+uint64(difat) {
			return fat, difat
		}
		fat++
	}
}

// difatChain lays out the FAT sector ids beyond the header's 109 in DIFAT
// sectors of 127 ids plus the next DIFAT sector's id.
func difatChain(ids []uint32, first uint32) []byte {
	var out []byte
	per := idsPerSector - 1
	for i := 0; i < len(ids); i += per {
		chunk := ids[i:min(i+per, len(ids))]
		sector := putU32s(chunk, idsPerSector)
		next := uint32(endOfChain)
		if i+per < len(ids) {
			next = first + uint32(i/per) + 1
		}
		binary.LittleEndian.PutUint32(sector[per*4:], next)
		out = append(out, sector...)
	}
	return out
}

type header struct {
	clsid                [16]byte
	fatSectors, dirStart uint32
	miniFATStart         uint32
	miniFATSectors       uint32
	difatStart           uint32
	difatSectors         uint32
	fatIDs               []uint32
}

func (h header) bytes() []byte {
	b := make([]byte, sectorSize)
	le := binary.LittleEndian
	copy(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	// The header CLSID (offset 8) must be zero; the root entry carries the class.
	le.PutUint16(b[24:], 0x003E) // minor version
	le.PutUint16(b[26:], 0x0003) // major version 3: 512-byte sectors
	le.PutUint16(b[28:], 0xFFFE) // little-endian byte order mark
	le.PutUint16(b[30:], 9)      // sector shift
	le.PutUint16(b[32:], 6)      // mini sector shift
	le.PutUint32(b[40:], 0)      // directory sector count: 0 in version 3
	le.PutUint32(b[44:], h.fatSectors)
	le.PutUint32(b[48:], h.dirStart)
	le.PutUint32(b[56:], miniCutoff)
	le.PutUint32(b[60:], h.miniFATStart)
	le.PutUint32(b[64:], h.miniFATSectors)
	le.PutUint32(b[68:], h.difatStart)
	le.PutUint32(b[72:], h.difatSectors)
	copy(b[76:], putU32s(h.fatIDs[:min(len(h.fatIDs), headerDIFAT)], headerDIFAT))
	return b
}
