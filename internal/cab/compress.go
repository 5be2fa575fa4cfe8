package cab

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/klauspost/compress/flate"
)

const (
	blockSize = 32768 // uncompressed bytes per CFDATA; only a folder's last block is shorter
	// segmentBlocks is how many consecutive blocks one worker compresses in
	// a row: the unit of parallel work. Fixed, so that output never depends
	// on the number of workers.
	segmentBlocks = 8
	// cfdataOverhead is the most a CFDATA adds to its uncompressed bytes:
	// its 8-byte header, "CK" and a stored deflate block header.
	cfdataOverhead = 8 + 2 + 5
)

// outcome says how a block was encoded, for the statistics in Cabinet.
type outcome uint8

const (
	compressed outcome = iota
	repaired           // compressed, with a single-symbol distance code completed
	stored             // deflate stored block: incompressible or not provably safe
)

// encoder turns one block into a CFDATA record. Each worker owns one.
type encoder struct {
	fw    *flate.Writer
	buf   bytes.Buffer
	guard *guard
	// history feeds the previous block to the compressor as its dictionary;
	// MSZIP inflaters keep the last 32 KiB window across CFDATA blocks.
	history bool
}

func newEncoder(level int, history, unguarded bool) (*encoder, error) {
	fw, err := flate.NewWriter(nil, level)
	if err != nil {
		return nil, fmt.Errorf("create compressor: %w", err)
	}
	g := newGuard()
	g.keepIncomplete = unguarded
	return &encoder{fw: fw, guard: g, history: history}, nil
}

// encode appends to dst the CFDATA records (header, "CK", one complete
// deflate stream) of the blocks in data, consecutive blocks of a folder
// preceded by prev, and counts their outcomes in counts.
//
// With history, the compressor starts from prev as its dictionary and then
// keeps its state from block to block, flushing at each block boundary: the
// dictionary is paid for once per segment, not once per block.
func (e *encoder) encode(dst, data, prev []byte, counts *[3]int) ([]byte, error) {
	if len(data) == 0 || len(data) > segmentBlocks*blockSize {
		return dst, fmt.Errorf("encode blocks: %d bytes", len(data))
	}
	if e.history {
		e.fw.ResetDict(&e.buf, prev)
	}
	for off := 0; off < len(data); off += blockSize {
		block := data[off:min(off+blockSize, len(data))]
		e.buf.Reset()
		if !e.history {
			e.fw.ResetDict(&e.buf, nil)
		}
		if _, err := e.fw.Write(block); err != nil {
			return dst, fmt.Errorf("compress block: %w", err)
		}
		var err error
		if e.history {
			err = e.fw.Flush()
		} else {
			err = e.fw.Close()
		}
		if err != nil {
			return dst, fmt.Errorf("compress block: %w", err)
		}
		history := 0
		if e.history && (off > 0 || prev != nil) {
			history = blockSize // MSZIP keeps a 32 KiB window across blocks
		}
		var how outcome
		if dst, how, err = e.record(dst, block, e.buf.Bytes(), history); err != nil {
			return dst, err
		}
		counts[how]++
	}
	return dst, nil
}

// record appends the CFDATA record for data given its compressed form:
// the guarded deflate stream, or a stored block when that is not smaller
// or the guard cannot vouch for the stream. history is the window the
// stream may refer back into. The guard may modify deflated.
func (e *encoder) record(dst, data, deflated []byte, history int) ([]byte, outcome, error) {
	how, payload := stored, deflated
	if len(payload) < len(data)+5 {
		checked, err := e.guard.check(payload, len(data), history)
		switch {
		case err == nil && len(checked) < len(data)+5:
			payload, how = checked, compressed
			if e.guard.repairs > 0 {
				how = repaired
			}
		case err != nil && !errors.Is(err, errIncomplete):
			// The compressor produced a stream the guard cannot parse: a
			// bug somewhere, never something to ship.
			return dst, 0, fmt.Errorf("check compressed block: %w", err)
		}
	}
	start := len(dst)
	dst = append(dst, make([]byte, 8)...)
	dst = append(dst, 'C', 'K')
	if how == stored {
		n := uint16(len(data))
		dst = append(dst, 1, byte(n), byte(n>>8), byte(^n), byte(^n>>8))
		dst = append(dst, data...)
	} else {
		dst = append(dst, payload...)
	}
	rec := dst[start:]
	binary.LittleEndian.PutUint16(rec[4:], uint16(len(rec)-8))
	binary.LittleEndian.PutUint16(rec[6:], uint16(len(data)))
	binary.LittleEndian.PutUint32(rec[0:], checksum(rec[4:8], checksum(rec[8:], 0)))
	return dst, how, nil
}

// checksum is the MS-CAB CFDATA checksum: the XOR of the little-endian
// 32-bit words of p, with a 1-3 byte tail folded in most significant byte
// first, as gcab and cabinet.dll compute it. The CFDATA checksum covers the
// data, then the cbData and cbUncomp fields seeded with that.
func checksum(p []byte, seed uint32) uint32 {
	c := seed
	n := len(p) &^ 3
	for i := 0; i < n; i += 4 {
		c ^= binary.LittleEndian.Uint32(p[i:])
	}
	var t uint32
	for _, b := range p[n:] {
		t = t<<8 | uint32(b)
	}
	return c ^ t
}
