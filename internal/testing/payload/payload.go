// Package payload makes deterministic test data for compressors: random
// bytes, English-like text and x86-like code, each from a seed, so that
// cab and lzx tests (and their benchmarks) exercise the same shapes.
package payload

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strings"
)

// Random returns n incompressible bytes.
func Random(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

var words = strings.Fields("the installer copies files into the program directory and writes registry keys environment variables shortcuts go compiler toolchain package module cabinet folder block window")

// Text returns n bytes of sentences over a small vocabulary: compressible
// with matches at every distance.
func Text(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(12) == 0 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.Bytes()[:n]
}

// X86 imitates machine code: CALL (E8) instructions with displacements to
// a few hundred functions, between runs of other instructions, so that E8
// translation matters and E8 bytes fall on every offset of the frames.
func X86(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	funcs := make([]int, 300)
	for i := range funcs {
		funcs[i] = r.IntN(n)
	}
	ops := [][]byte{{0x48, 0x89, 0xe5}, {0x48, 0x83, 0xec, 0x20}, {0x8b, 0x45, 0xfc}, {0xc3}, {0x55}, {0x31, 0xc0}, {0x0f, 0x1f, 0x00}}
	b := make([]byte, 0, n+8)
	for len(b) < n {
		if r.IntN(4) == 0 {
			target := funcs[r.IntN(len(funcs))]
			b = append(b, 0xE8)
			b = binary.LittleEndian.AppendUint32(b, uint32(int32(target-(len(b)+4))))
		} else {
			b = append(b, ops[r.IntN(len(ops))]...)
		}
	}
	return b[:n]
}
