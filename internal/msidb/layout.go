package msidb

import (
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
)

// raw is the stored value of a cell: pool id, biased integer or presence.
func (t *table) raw(p *pool, ci int, cell any) uint32 {
	switch v := cell.(type) {
	case nil:
		return 0
	case string:
		return p.ids[v]
	case int32:
		if t.types[ci].kind == kindShort {
			return uint32(uint16(int16(v)) ^ 0x8000)
		}
		return uint32(v) ^ 0x80000000
	default: // Stream: the row refers to the stream named after its key
		return 1
	}
}

// sort orders rows by the stored key values, string keys by pool id, as
// Windows Installer's row lookup requires.
func (t *table) sort(p *pool) {
	slices.SortFunc(t.rows, func(a, b []any) int {
		for i := range t.nkeys {
			x, y := t.raw(p, i, a[i]), t.raw(p, i, b[i])
			if x != y {
				if x < y {
					return -1
				}
				return 1
			}
		}
		return 0
	})
}

// encode lays the rows out column by column.
func (t *table) encode(p *pool) []byte {
	var b []byte
	for ci, ct := range t.types {
		width := ct.width(p.refSize)
		for _, row := range t.rows {
			b = appendCell(b, width, t.raw(p, ci, row[ci]))
		}
	}
	return b
}

// appendCell appends a cell's stored value in its column's width: 2 bytes
// for short integers and string references, 3 for string references in a
// large pool, 4 for long integers.
func appendCell(b []byte, width int, v uint32) []byte {
	switch width {
	case 2:
		return binary.LittleEndian.AppendUint16(b, uint16(v))
	case 3:
		return append(b, byte(v), byte(v>>8), byte(v>>16))
	case 4:
		return binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

type namedStream struct {
	name string
	Stream
}

// binaryStreams names each binary cell's stream Table.Key1.Key2...
func (t *table) binaryStreams() []namedStream {
	var out []namedStream
	for _, row := range t.rows {
		for _, cell := range row {
			s, ok := cell.(Stream)
			if !ok {
				continue
			}
			parts := []string{t.name}
			for _, k := range row[:t.nkeys] {
				switch v := k.(type) {
				case string:
					parts = append(parts, v)
				case int32:
					parts = append(parts, strconv.Itoa(int(v)))
				}
			}
			out = append(out, namedStream{strings.Join(parts, "."), s})
		}
	}
	return out
}

func tablesStream(tables []*table, p *pool) []byte {
	ids := make([]uint32, 0, len(tables))
	for _, t := range tables {
		ids = append(ids, p.ids[t.name])
	}
	slices.Sort(ids)
	var b []byte
	for _, id := range ids {
		b = appendRef(b, id, p.refSize)
	}
	return b
}

func columnsStream(tables []*table, p *pool) []byte {
	type col struct{ table, num, name, typ uint32 }
	var cols []col
	for _, t := range tables {
		for i, c := range t.cols {
			cols = append(cols, col{p.ids[t.name], uint32(i + 1), p.ids[c.Name], uint32(t.types[i].bits(c.Key))})
		}
	}
	slices.SortFunc(cols, func(a, b col) int {
		if a.table != b.table {
			return int(a.table) - int(b.table)
		}
		return int(a.num) - int(b.num)
	})
	var b []byte
	for _, c := range cols {
		b = appendRef(b, c.table, p.refSize)
	}
	for _, c := range cols {
		b = binary.LittleEndian.AppendUint16(b, uint16(c.num)^0x8000)
	}
	for _, c := range cols {
		b = appendRef(b, c.name, p.refSize)
	}
	for _, c := range cols {
		b = binary.LittleEndian.AppendUint16(b, uint16(c.typ)^0x8000)
	}
	return b
}

func appendRef(b []byte, id uint32, size int) []byte {
	if size == 3 {
		return append(b, byte(id), byte(id>>8), byte(id>>16))
	}
	return binary.LittleEndian.AppendUint16(b, uint16(id))
}
