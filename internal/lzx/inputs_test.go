package lzx

import (
	"bytes"

	"github.com/gomsi/gomsi/internal/testing/payload"
)

// testInputs are the shapes the format cares about.
func testInputs() map[string][]byte {
	e8edge := bytes.Repeat([]byte{0xE8}, 3*FrameSize+77) // E8 everywhere, every frame edge
	zeros := make([]byte, 5*FrameSize)
	return map[string][]byte{
		"empty":     nil,
		"one":       {0xE8},
		"eleven":    {0xE8, 1, 2, 3, 4, 0xE8, 5, 6, 7, 8, 9},
		"frame":     payload.Text(1, FrameSize),
		"frames":    payload.Text(2, 3*FrameSize),
		"text":      payload.Text(3, 200_000),
		"random":    payload.Random(4, 100_000),
		"x86":       payload.X86(5, 300_000),
		"e8edge":    e8edge,
		"zeros":     zeros,
		"mixed":     append(append(payload.Text(6, 70_000), payload.Random(7, 70_000)...), payload.X86(8, 70_000)...),
		"repeatfar": append(payload.Random(9, 40_000), payload.Random(9, 40_000)...),
		"oddtail":   payload.Random(10, 2*FrameSize+1),
		"periodic":  bytes.Repeat([]byte("abcdefg"), 20_000),
	}
}
