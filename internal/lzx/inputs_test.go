package lzx

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strings"
)

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func text(seed uint64, n int) []byte {
	words := strings.Fields("the installer copies files into the program directory and writes registry keys environment variables shortcuts go compiler toolchain package module cabinet folder block window")
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

// x86 imitates machine code: CALL (E8) instructions with displacements to
// a few hundred functions, between runs of other instructions, so that E8
// translation matters, and E8 bytes fall on every offset of the frames.
func x86(seed uint64, n int) []byte {
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

// testInputs are the shapes the format cares about.
func testInputs() map[string][]byte {
	e8edge := bytes.Repeat([]byte{0xE8}, 3*FrameSize+77) // E8 everywhere, every frame edge
	zeros := make([]byte, 5*FrameSize)
	return map[string][]byte{
		"empty":     nil,
		"one":       {0xE8},
		"eleven":    {0xE8, 1, 2, 3, 4, 0xE8, 5, 6, 7, 8, 9},
		"frame":     text(1, FrameSize),
		"frames":    text(2, 3*FrameSize),
		"text":      text(3, 200_000),
		"random":    randomBytes(4, 100_000),
		"x86":       x86(5, 300_000),
		"e8edge":    e8edge,
		"zeros":     zeros,
		"mixed":     append(append(text(6, 70_000), randomBytes(7, 70_000)...), x86(8, 70_000)...),
		"repeatfar": append(randomBytes(9, 40_000), randomBytes(9, 40_000)...),
		"oddtail":   randomBytes(10, 2*FrameSize+1),
		"periodic":  bytes.Repeat([]byte("abcdefg"), 20_000),
	}
}
