package lzx

import "encoding/binary"

// E8 call translation: x86 CALL instructions (opcode E8) hold a 32-bit
// displacement relative to the next instruction; the encoder replaces it
// by an absolute target, so that calls to one function from many places
// become the same bytes. Positions are counted from the start of the
// stream (the folder), and size bounds the targets translated.

// e8Encode translates frame, which starts at stream offset pos, in place.
func e8Encode(frame []byte, pos int64, size int32) {
	e8Walk(frame, pos, func(cur, v int32) int32 {
		if v < -cur || v >= size {
			return v
		}
		if v < size-cur {
			return v + cur
		}
		return v - size
	})
}

// e8Decode undoes e8Encode.
func e8Decode(frame []byte, pos int64, size int32) {
	e8Walk(frame, pos, func(cur, v int32) int32 {
		if v < -cur || v >= size {
			return v
		}
		if v >= 0 {
			return v - cur
		}
		return v + size
	})
}

// e8Walk applies f to the operand of every E8 byte that starts before the
// frame's last 10 bytes, skipping the 4 operand bytes it rewrote.
func e8Walk(frame []byte, pos int64, f func(cur, v int32) int32) {
	if len(frame) <= e8Tail {
		return
	}
	end := len(frame) - e8Tail
	for i := 0; i < end; i++ {
		if frame[i] != 0xE8 {
			continue
		}
		cur := int32(pos + int64(i))
		v := int32(binary.LittleEndian.Uint32(frame[i+1:]))
		binary.LittleEndian.PutUint32(frame[i+1:], uint32(f(cur, v)))
		i += 4
	}
}
