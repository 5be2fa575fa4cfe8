package fileinfo

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Assembly is the identity of a .NET assembly, as the .NET Framework's
// fusion reports it (GetAssemblyIdentityFromFile), which WiX v3's binder
// writes into MsiAssemblyName.
type Assembly struct {
	Name    string
	Version string // major.minor.build.revision
	Culture string // "neutral" when the assembly has none
	// PublicKeyToken is the last 8 bytes of the SHA-1 of the public key,
	// reversed, in lowercase hex; "" for an assembly without a strong name.
	PublicKeyToken string
	// ProcessorArchitecture is MSIL, x86, AMD64, IA64, ARM or ARM64; ""
	// for a .NET 1.x assembly, whose metadata predates the notion.
	ProcessorArchitecture string
}

// CLI header flags (ECMA-335 II.25.3.3.1).
const (
	cliILOnly         = 0x00001
	cli32BitRequired  = 0x00002
	cli32BitPreferred = 0x20000
)

// Bounds on what a hostile file can make the reader do.
const (
	maxMetadataHeader = 4096 // metadata root and stream headers
	maxStreams        = 64
	maxString         = 1024 // an assembly name or culture
	maxPublicKey      = 16 << 10
)

// ReadAssembly reads the identity of the .NET assembly at path from its
// CLI metadata: only the headers and the Assembly table's row are read.
func ReadAssembly(path string) (Assembly, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return Assembly{}, err
	}
	defer f.Close()
	a, err := readAssembly(f, st.Size())
	if err != nil {
		return Assembly{}, fmt.Errorf("read .NET assembly %s: %w", path, err)
	}
	return a, nil
}

func readAssembly(r io.ReaderAt, size int64) (Assembly, error) {
	img, err := readPE(r, size)
	if err != nil {
		return Assembly{}, err
	}
	rva, n, ok := img.dir(dirCLIHeader)
	if !ok || n < 72 {
		return Assembly{}, errors.New("no CLI header: a native (not .NET) file; use Assembly=\"win32\" with a manifest for Win32 assemblies, or no Assembly attribute")
	}
	cli, err := img.read(rva, 72)
	if err != nil {
		return Assembly{}, fmt.Errorf("CLI header: %w", err)
	}
	md := metadataRoot{img: img, rva: binary.LittleEndian.Uint32(cli[8:]), size: binary.LittleEndian.Uint32(cli[12:])}
	flags := binary.LittleEndian.Uint32(cli[16:])
	version, err := md.readStreams()
	if err != nil {
		return Assembly{}, err
	}
	a, err := md.assemblyRow()
	if err != nil {
		return Assembly{}, err
	}
	if !strings.HasPrefix(version, "v1.") {
		if a.ProcessorArchitecture, err = processorArchitecture(img, flags); err != nil {
			return Assembly{}, err
		}
	}
	return a, nil
}

// processorArchitecture is fusion's reading of the PE kind: an IL-only
// PE32 image that need not run as 32-bit (or merely prefers to) runs
// anywhere.
func processorArchitecture(img *peImage, flags uint32) (string, error) {
	switch img.machine {
	case machineI386:
		anyCPU := flags&cli32BitRequired == 0 || flags&cli32BitPreferred != 0
		if !img.pe32Plus && flags&cliILOnly != 0 && anyCPU {
			return "MSIL", nil
		}
		return "x86", nil
	case machineAMD64:
		return "AMD64", nil
	case machineIA64:
		return "IA64", nil
	case machineARMNT:
		return "ARM", nil
	case machineARM64:
		return "ARM64", nil
	}
	return "", fmt.Errorf("PE machine type 0x%x is no processor .NET runs on", img.machine)
}

// metadataRoot is the CLI metadata (ECMA-335 II.24.2) and the streams
// found in it.
type metadataRoot struct {
	img       *peImage
	rva, size uint32
	tables    stream // #~ (or #-, the uncompressed form)
	strings   stream
	blobs     stream
}

type stream struct {
	off, size uint32 // relative to the metadata root
	found     bool
}

// readStreams reads the metadata root and its stream headers and returns
// the runtime version string (v2.0.50727, v4.0.30319, ...).
func (m *metadataRoot) readStreams() (string, error) {
	if m.size < 20 {
		return "", errors.New("CLI metadata is missing or too small")
	}
	b, err := m.img.read(m.rva, min(m.size, maxMetadataHeader))
	if err != nil {
		return "", fmt.Errorf("CLI metadata: %w", err)
	}
	if string(b[:4]) != "BSJB" {
		return "", errors.New("CLI metadata has no BSJB signature")
	}
	vlen := binary.LittleEndian.Uint32(b[12:])
	if vlen > 255 || 16+uint64(vlen)+4 > uint64(len(b)) {
		return "", errors.New("CLI metadata version string is malformed")
	}
	version := string(bytes.TrimRight(b[16:16+vlen], "\x00"))
	p := 16 + int(vlen)
	count := int(binary.LittleEndian.Uint16(b[p+2:]))
	if count > maxStreams {
		return "", fmt.Errorf("CLI metadata claims %d streams", count)
	}
	p += 4
	for i := 0; i < count; i++ {
		if p+8 > len(b) {
			return "", errors.New("CLI metadata stream headers are truncated")
		}
		s := stream{off: binary.LittleEndian.Uint32(b[p:]), size: binary.LittleEndian.Uint32(b[p+4:]), found: true}
		end := bytes.IndexByte(b[p+8:min(len(b), p+8+32)], 0)
		if end < 0 {
			return "", errors.New("CLI metadata stream name is not terminated")
		}
		name := string(b[p+8 : p+8+end])
		p += 8 + (end+4)&^3
		if uint64(s.off)+uint64(s.size) > uint64(m.size) {
			return "", fmt.Errorf("CLI metadata stream %s runs past the metadata", name)
		}
		var slot *stream
		switch name {
		case "#~", "#-":
			slot = &m.tables
		case "#Strings":
			slot = &m.strings
		case "#Blob":
			slot = &m.blobs
		default:
			continue
		}
		if slot.found {
			return "", fmt.Errorf("CLI metadata has two %s streams", name)
		}
		*slot = s
	}
	if !m.tables.found || !m.strings.found {
		return "", errors.New("CLI metadata has no tables or no #Strings stream")
	}
	return version, nil
}

// read reads n bytes at off of stream s.
func (m *metadataRoot) read(s stream, off, n uint64) ([]byte, error) {
	if off+n > uint64(s.size) {
		return nil, errors.New("CLI metadata index points past its stream")
	}
	return m.img.read(m.rva+s.off+uint32(off), uint32(n))
}

// assemblyRow reads the Assembly table's row.
func (m *metadataRoot) assemblyRow() (Assembly, error) {
	head, err := m.read(m.tables, 0, min(uint64(m.tables.size), 24+4*numTables+4))
	if err != nil || len(head) < 24 {
		return Assembly{}, errors.New("CLI metadata tables header is truncated")
	}
	var l tableLayout
	l.heapSizes = head[6]
	valid := binary.LittleEndian.Uint64(head[8:])
	p := 24
	for t := 0; t < numTables; t++ {
		if valid&(1<<t) == 0 {
			continue
		}
		if p+4 > len(head) {
			return Assembly{}, errors.New("CLI metadata row counts are truncated")
		}
		l.rows[t] = binary.LittleEndian.Uint32(head[p:])
		p += 4
	}
	if l.heapSizes&0x40 != 0 { // extra data after the row counts
		p += 4
	}
	if l.rows[tableAssembly] == 0 {
		return Assembly{}, errors.New("no Assembly table: a .NET module, not an assembly")
	}
	row, err := m.read(m.tables, uint64(p)+l.assemblyOffset(), l.rowSize(tableAssembly))
	if err != nil {
		return Assembly{}, fmt.Errorf("Assembly table: %w", err)
	}
	cols := tableColumns[tableAssembly]
	val := func(i int) (uint32, error) {
		o := uint64(0)
		for _, c := range cols[:i] {
			o += l.size(c)
		}
		if l.size(cols[i]) == 2 {
			return uint32(binary.LittleEndian.Uint16(row[o:])), nil
		}
		return binary.LittleEndian.Uint32(row[o:]), nil
	}
	var v [9]uint32
	for i := range cols {
		v[i], _ = val(i)
	}
	a := Assembly{Version: fmt.Sprintf("%d.%d.%d.%d", v[1], v[2], v[3], v[4])}
	if a.Name, err = m.str(v[7]); err != nil {
		return Assembly{}, fmt.Errorf("assembly name: %w", err)
	}
	if a.Name == "" {
		return Assembly{}, errors.New("the assembly has an empty name")
	}
	if a.Culture, err = m.str(v[8]); err != nil {
		return Assembly{}, fmt.Errorf("assembly culture: %w", err)
	}
	if a.Culture == "" {
		a.Culture = "neutral"
	}
	key, err := m.blob(v[6])
	if err != nil {
		return Assembly{}, fmt.Errorf("assembly public key: %w", err)
	}
	if len(key) > 0 {
		sum := sha1.Sum(key)
		var token [8]byte
		for i := range token {
			token[i] = sum[len(sum)-1-i]
		}
		a.PublicKeyToken = hex.EncodeToString(token[:])
	}
	return a, nil
}

// str reads a NUL-terminated UTF-8 string of the #Strings heap.
func (m *metadataRoot) str(i uint32) (string, error) {
	if uint64(i) >= uint64(m.strings.size) {
		return "", errors.New("string index points past #Strings")
	}
	b, err := m.read(m.strings, uint64(i), min(maxString+1, uint64(m.strings.size)-uint64(i)))
	if err != nil {
		return "", err
	}
	end := bytes.IndexByte(b, 0)
	if end < 0 {
		return "", errors.New("string is unterminated or too long")
	}
	if !utf8.Valid(b[:end]) {
		return "", errors.New("string is not UTF-8")
	}
	return string(b[:end]), nil
}

// blob reads an entry of the #Blob heap: a compressed length, then data.
func (m *metadataRoot) blob(i uint32) ([]byte, error) {
	if i == 0 {
		return nil, nil // index 0 is the empty blob, even without a #Blob stream
	}
	if !m.blobs.found || uint64(i) >= uint64(m.blobs.size) {
		return nil, errors.New("blob index points past #Blob")
	}
	head, err := m.read(m.blobs, uint64(i), min(4, uint64(m.blobs.size)-uint64(i)))
	if err != nil {
		return nil, err
	}
	var n, hl uint64
	switch {
	case head[0]&0x80 == 0:
		n, hl = uint64(head[0]), 1
	case head[0]&0xC0 == 0x80 && len(head) >= 2:
		n, hl = uint64(head[0]&0x3F)<<8|uint64(head[1]), 2
	case head[0]&0xE0 == 0xC0 && len(head) >= 4:
		n, hl = uint64(binary.BigEndian.Uint32(head)&0x1FFFFFFF), 4
	default:
		return nil, errors.New("blob length is malformed")
	}
	if n > maxPublicKey {
		return nil, fmt.Errorf("blob of %d bytes is too large", n)
	}
	return m.read(m.blobs, uint64(i)+hl, n)
}
