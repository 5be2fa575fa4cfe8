// Package payload is the format in which a setup exe carries its MSI: the
// MSI's bytes follow the PE image (its overlay), then zero padding, then a
// 64-byte trailer naming where the MSI starts, its size and its SHA-256.
//
// The overlay is not mapped into memory when Windows loads the exe, is
// read by streaming, and is covered by an Authenticode signature, which
// signers append after it (the certificate table of the security data
// directory). The padding makes the file a multiple of 8 bytes long, so
// signers, which align the certificate table to 8 bytes, add none: the
// trailer then ends exactly where the certificate table starts, or at the
// end of an unsigned file.
package payload

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Magic ends every trailer.
const Magic = "gomsi-setup-msi1"

// TrailerSize is the size of the trailer: offset, size, SHA-256, Magic.
const TrailerSize = 8 + 8 + sha256.Size + 16

var _ [16]byte = [len(Magic)]byte{} // Magic fills the last 16 bytes

// Payload locates the MSI inside a setup exe.
type Payload struct {
	Offset int64 // where the MSI starts
	Size   int64
	SHA256 [sha256.Size]byte
}

// Append writes msi after the PE image of imageSize bytes already written
// to w, then the padding and the trailer, and returns what it wrote.
func Append(w io.Writer, imageSize int64, msi io.Reader) (Payload, error) {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), msi)
	if err != nil {
		return Payload{}, fmt.Errorf("append the MSI: %w", err)
	}
	p := Payload{Offset: imageSize, Size: n}
	copy(p.SHA256[:], h.Sum(nil))
	pad := (8 - (imageSize+n+TrailerSize)%8) % 8
	var trailer bytes.Buffer
	trailer.Write(make([]byte, pad))
	binary.Write(&trailer, binary.LittleEndian, uint64(p.Offset))
	binary.Write(&trailer, binary.LittleEndian, uint64(p.Size))
	trailer.Write(p.SHA256[:])
	trailer.WriteString(Magic)
	if _, err := w.Write(trailer.Bytes()); err != nil {
		return Payload{}, fmt.Errorf("append the MSI's trailer: %w", err)
	}
	return p, nil
}

// ErrNoPayload says that a file carries no MSI in this format.
var ErrNoPayload = errors.New("no MSI payload (the file is not a gomsi setup exe, or was cut short)")

// Find reads the trailer of a setup exe of size bytes.
func Find(r io.ReaderAt, size int64) (Payload, error) {
	end, err := imageEnd(r, size)
	if err != nil {
		return Payload{}, err
	}
	if end < TrailerSize {
		return Payload{}, ErrNoPayload
	}
	var t [TrailerSize]byte
	if _, err := r.ReadAt(t[:], end-TrailerSize); err != nil {
		return Payload{}, fmt.Errorf("read the MSI's trailer: %w", err)
	}
	if string(t[TrailerSize-len(Magic):]) != Magic {
		return Payload{}, ErrNoPayload
	}
	p := Payload{
		Offset: int64(binary.LittleEndian.Uint64(t[0:])),
		Size:   int64(binary.LittleEndian.Uint64(t[8:])),
	}
	copy(p.SHA256[:], t[16:16+sha256.Size])
	// The MSI, at most 7 bytes of padding and the trailer fill the end.
	if p.Offset <= 0 || p.Size <= 0 || p.Offset > end || p.Size > end-p.Offset {
		return Payload{}, fmt.Errorf("%w: its trailer points outside the file", ErrNoPayload)
	}
	if gap := end - TrailerSize - (p.Offset + p.Size); gap < 0 || gap > 7 {
		return Payload{}, fmt.Errorf("%w: its trailer does not match its size", ErrNoPayload)
	}
	return p, nil
}

// imageEnd returns where the exe's own data ends: the start of its
// Authenticode certificate table when it has one, else its size.
func imageEnd(r io.ReaderAt, size int64) (int64, error) {
	var dos [64]byte
	if _, err := r.ReadAt(dos[:], 0); err != nil || dos[0] != 'M' || dos[1] != 'Z' {
		return 0, errors.New("not a PE file: no MZ header")
	}
	pe := int64(binary.LittleEndian.Uint32(dos[0x3c:]))
	var hdr [4 + 20 + 2]byte // signature, COFF header, optional header magic
	if _, err := r.ReadAt(hdr[:], pe); err != nil || string(hdr[:4]) != "PE\x00\x00" {
		return 0, errors.New("not a PE file: no PE header")
	}
	opt := pe + 24
	var dirs int64 // offset of the data directories in the optional header
	switch binary.LittleEndian.Uint16(hdr[24:]) {
	case 0x10b:
		dirs = 96
	case 0x20b:
		dirs = 112
	default:
		return 0, errors.New("not a PE file: unknown optional header")
	}
	var security [8]byte // data directory 4: file offset and size of the certificates
	if _, err := r.ReadAt(security[:], opt+dirs+4*8); err != nil {
		return 0, fmt.Errorf("read the security directory: %w", err)
	}
	start := int64(binary.LittleEndian.Uint32(security[0:]))
	length := int64(binary.LittleEndian.Uint32(security[4:]))
	if start == 0 && length == 0 {
		return size, nil
	}
	if start <= 0 || start > size || length > size-start {
		return 0, errors.New("the certificate table points outside the file")
	}
	return start, nil
}

// Section returns a reader of the MSI's bytes.
func (p Payload) Section(r io.ReaderAt) *io.SectionReader {
	return io.NewSectionReader(r, p.Offset, p.Size)
}
