// Package payloadtest makes setup exes for tests without building one.
package payloadtest

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/gomsi/gomsi/setup/payload"
)

// Image is the smallest PE32+ header payload.Find reads: MZ, PE, a COFF
// header and an optional header whose security directory is empty.
func Image() []byte {
	b := make([]byte, 0x200)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], 0x40)
	copy(b[0x40:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[0x44:], 0x8664)
	binary.LittleEndian.PutUint16(b[0x54:], 240) // SizeOfOptionalHeader
	binary.LittleEndian.PutUint16(b[0x58:], 0x20b)
	return b
}

// SecurityDirectory is the file offset of the security data directory in Image.
const SecurityDirectory = 0x58 + 112 + 4*8

// Exe returns an Image with msi appended as a setup exe carries it.
func Exe(t testing.TB, msi []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	img := Image()
	b.Write(img)
	if _, err := payload.Append(&b, int64(len(img)), bytes.NewReader(msi)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Sign imitates a signer: it appends a certificate table of n bytes and
// points the security directory at it, as Authenticode signing does.
func Sign(exe []byte, n int) []byte {
	out := append([]byte(nil), exe...)
	binary.LittleEndian.PutUint32(out[SecurityDirectory:], uint32(len(out)))
	binary.LittleEndian.PutUint32(out[SecurityDirectory+4:], uint32(n))
	return append(out, bytes.Repeat([]byte{0xAB}, n)...)
}
