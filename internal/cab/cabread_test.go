package cab

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"

	"compress/flate"

	"github.com/gomsi/gomsi/internal/lzx"
)

// parsed is a cabinet read back by readCab, an independent reader used where
// the external tools cannot say what the tests need (header fields) and as
// a second opinion. It inflates with the standard library, not klauspost,
// and decodes LZX with internal/lzx.
type parsed struct {
	size     uint32
	folders  []parsedFolder
	files    []parsedFile
	contents map[string][]byte
}

type parsedFolder struct {
	dataStart uint32
	blocks    uint16
	typ       uint16
}

type parsedFile struct {
	name           string
	size, offset   uint32
	folder         uint16
	date, tm, attr uint16
}

func readCab(path string) (*parsed, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	if len(raw) < headerSize || string(raw[:4]) != "MSCF" {
		return nil, fmt.Errorf("%s: no MSCF header", path)
	}
	p := &parsed{size: le.Uint32(raw[8:]), contents: map[string][]byte{}}
	if int(p.size) != len(raw) {
		return nil, fmt.Errorf("cbCabinet %d, file %d bytes", p.size, len(raw))
	}
	if raw[24] != 3 || raw[25] != 1 || le.Uint16(raw[30:]) != 0 {
		return nil, fmt.Errorf("version %d.%d flags %d", raw[25], raw[24], le.Uint16(raw[30:]))
	}
	nFolders, nFiles := int(le.Uint16(raw[26:])), int(le.Uint16(raw[28:]))
	off := headerSize
	for range nFolders {
		p.folders = append(p.folders, parsedFolder{le.Uint32(raw[off:]), le.Uint16(raw[off+4:]), le.Uint16(raw[off+6:])})
		off += folderSize
	}
	if int(le.Uint32(raw[16:])) != off {
		return nil, fmt.Errorf("coffFiles %d, expected %d", le.Uint32(raw[16:]), off)
	}
	for range nFiles {
		f := parsedFile{size: le.Uint32(raw[off:]), offset: le.Uint32(raw[off+4:]), folder: le.Uint16(raw[off+8:]),
			date: le.Uint16(raw[off+10:]), tm: le.Uint16(raw[off+12:]), attr: le.Uint16(raw[off+14:])}
		end := bytes.IndexByte(raw[off+16:], 0)
		f.name = string(raw[off+16 : off+16+end])
		off += 16 + end + 1
		p.files = append(p.files, f)
	}
	streams := make([][]byte, len(p.folders))
	for i, fo := range p.folders {
		var lzxd *lzx.Decoder
		switch {
		case fo.typ == typeMSZIP, fo.typ == typeStored:
		case fo.typ&0xFF == typeLZX:
			if lzxd, err = lzx.NewDecoder(int(fo.typ >> 8)); err != nil {
				return nil, fmt.Errorf("folder %d: %w", i, err)
			}
		default:
			return nil, fmt.Errorf("folder %d compression %d", i, fo.typ)
		}
		if i == 0 && int(fo.dataStart) != off {
			return nil, fmt.Errorf("folder 0 data at %d, header ends at %d", fo.dataStart, off)
		}
		pos := int(fo.dataStart)
		var out, window []byte
		for b := range int(fo.blocks) {
			sum, nc, nu := le.Uint32(raw[pos:]), int(le.Uint16(raw[pos+4:])), int(le.Uint16(raw[pos+6:]))
			data := raw[pos+8 : pos+8+nc]
			if got := checksum(raw[pos+4:pos+8], checksum(data, 0)); got != sum {
				return nil, fmt.Errorf("folder %d block %d: checksum %08x, stored %08x", i, b, got, sum)
			}
			if b < int(fo.blocks)-1 && nu != blockSize {
				return nil, fmt.Errorf("folder %d block %d: %d bytes before the last block", i, b, nu)
			}
			var block []byte
			switch {
			case lzxd != nil:
				if block, err = lzxd.Frame(data, nu); err != nil {
					return nil, fmt.Errorf("folder %d block %d: %w", i, b, err)
				}
			case fo.typ == typeStored:
				block = data
			default:
				if string(data[:2]) != "CK" {
					return nil, fmt.Errorf("folder %d block %d: no CK signature", i, b)
				}
				r := flate.NewReaderDict(bytes.NewReader(data[2:]), window)
				if block, err = io.ReadAll(r); err != nil {
					return nil, fmt.Errorf("folder %d block %d: inflate: %w", i, b, err)
				}
			}
			if len(block) != nu {
				return nil, fmt.Errorf("folder %d block %d: %d bytes, header says %d", i, b, len(block), nu)
			}
			out = append(out, block...)
			window = slices.Clone(block)
			pos += 8 + nc
		}
		if i+1 < len(p.folders) && pos != int(p.folders[i+1].dataStart) {
			return nil, fmt.Errorf("folder %d ends at %d, next starts at %d", i, pos, p.folders[i+1].dataStart)
		}
		if i+1 == len(p.folders) && pos != len(raw) {
			return nil, fmt.Errorf("last folder ends at %d of %d", pos, len(raw))
		}
		streams[i] = out
	}
	for _, f := range p.files {
		s := streams[f.folder]
		if int(f.offset)+int(f.size) > len(s) {
			return nil, fmt.Errorf("file %s beyond its folder", f.name)
		}
		p.contents[f.name] = s[f.offset : f.offset+f.size]
	}
	return p, nil
}
