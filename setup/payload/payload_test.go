package payload_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/gomsi/gomsi/setup/payload"
	"github.com/gomsi/gomsi/setup/payload/payloadtest"
)

// TestFindAfterSigning: the MSI is found, whole and with its hash, in an
// unsigned exe and after a certificate table was appended, for MSI sizes
// that need every amount of padding; the file stays a multiple of 8
// bytes so that signers add no padding of their own.
func TestFindAfterSigning(t *testing.T) {
	for size := 1; size <= 9; size++ {
		msi := bytes.Repeat([]byte{byte(size)}, 1000+size)
		exe := payloadtest.Exe(t, msi)
		if len(exe)%8 != 0 {
			t.Fatalf("size %d: the setup is %d bytes, not a multiple of 8", size, len(exe))
		}
		for name, file := range map[string][]byte{"unsigned": exe, "signed": payloadtest.Sign(exe, 2000)} {
			p, err := payload.Find(bytes.NewReader(file), int64(len(file)))
			if err != nil {
				t.Fatalf("size %d, %s: %v", size, name, err)
			}
			got, _ := io.ReadAll(p.Section(bytes.NewReader(file)))
			if !bytes.Equal(got, msi) || p.SHA256 != sha256.Sum256(msi) {
				t.Errorf("size %d, %s: read %d bytes (want %d), hash match %v", size, name, len(got), len(msi), p.SHA256 == sha256.Sum256(msi))
			}
		}
	}
}

// TestFindRefusesDamage: files that are not setup exes, or whose trailer
// lies, are refused instead of read out of bounds.
func TestFindRefusesDamage(t *testing.T) {
	exe := payloadtest.Exe(t, bytes.Repeat([]byte("m"), 100))
	trailer := len(exe) - payload.TrailerSize
	cases := map[string][]byte{
		"plain exe":       payloadtest.Image(),
		"not a PE":        append([]byte("XX"), exe[2:]...),
		"cut short":       exe[:len(exe)-1],
		"offset past end": patch(exe, trailer, uint64(len(exe)+1)),
		"size past end":   patch(exe, trailer+8, uint64(len(exe))),
		"size too small":  patch(exe, trailer+8, 1),
		"cert past end":   patchDir(exe, uint32(len(exe)+8), 8),
	}
	for name, file := range cases {
		if _, err := payload.Find(bytes.NewReader(file), int64(len(file))); err == nil {
			t.Errorf("%s: found a payload", name)
		} else if name == "plain exe" && !errors.Is(err, payload.ErrNoPayload) {
			t.Errorf("%s: %v, want ErrNoPayload", name, err)
		}
	}
}

func patch(b []byte, at int, v uint64) []byte {
	out := append([]byte(nil), b...)
	binary.LittleEndian.PutUint64(out[at:], v)
	return out
}

func patchDir(b []byte, off, size uint32) []byte {
	out := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(out[payloadtest.SecurityDirectory:], off)
	binary.LittleEndian.PutUint32(out[payloadtest.SecurityDirectory+4:], size)
	return out
}
