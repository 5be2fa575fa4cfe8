// Package cfb writes Compound File Binary (MS-CFB, version 3) containers,
// the storage format of Windows Installer databases.
//
// The writer streams: large streams go straight to the output sector by
// sector as they are added, so a 100 MB cabinet never sits in memory; only
// streams below the mini-stream cutoff (4 KiB) are buffered. The allocation
// tables, the directory and the header are written by Close. The output is
// deterministic: timestamps are zero and the directory tree depends only on
// the set of stream names.
package cfb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
)

const (
	sectorSize     = 512
	miniSectorSize = 64
	miniCutoff     = 4096
	entrySize      = 128
	idsPerSector   = sectorSize / 4
	headerDIFAT    = 109

	// MaxStreamSize is the largest stream a version 3 file may hold.
	MaxStreamSize = 0x80000000
	// MaxNameLen is the longest stream name, in UTF-16 code units.
	MaxNameLen = 31

	freeSect    = 0xFFFFFFFF
	endOfChain  = 0xFFFFFFFE
	fatSect     = 0xFFFFFFFD
	difatSect   = 0xFFFFFFFC
	noStream    = 0xFFFFFFFF
	maxRegSect  = 0xFFFFFFFA
	typeStorage = 1
	typeStream  = 2
	typeRoot    = 5
	colorRed    = 0
	colorBlack  = 1
	bufferBytes = 1 << 16
)

// Writer writes one compound file. Streams are added with AddStream and the
// file is finished by Close; the Writer is not safe for concurrent use.
type Writer struct {
	dst   io.WriteSeeker
	out   *bufio.Writer
	clsid [16]byte

	sectors uint32   // regular sectors written after the header
	fat     []uint32 // FAT entries of the sectors written so far
	mini    []byte   // mini stream contents, padded to 64-byte mini sectors
	miniFAT []uint32

	root   container
	err    error // first write error: the file is unusable after it
	closed bool
}

// container is the root storage or a sub-storage: the entries directly in it.
type container struct {
	entries []*entry
	names   map[string]string // upper-cased key -> name as given
}

type entry struct {
	name  []uint16
	typ   byte
	clsid [16]byte
	start uint32
	size  uint64
	sub   *container // the entries of a storage; nil for a stream

	left, right, child uint32
	color              byte
}

// NewWriter starts a compound file at the current position of dst, which
// must be the start of an empty file: the header is rewritten there by Close.
func NewWriter(dst io.WriteSeeker) (*Writer, error) {
	w := &Writer{
		dst:  dst,
		out:  bufio.NewWriterSize(dst, bufferBytes),
		root: container{names: map[string]string{}},
	}
	// Reserve the header; its content is known only at the end.
	if _, err := w.out.Write(make([]byte, sectorSize)); err != nil {
		return nil, fmt.Errorf("write compound file header: %w", err)
	}
	return w, nil
}

// SetRootCLSID sets the class id of the root storage. Installer databases
// use {000C1084-0000-0000-C000-000000000046}; the bytes are in the on-disk
// (mixed-endian GUID) order.
func (w *Writer) SetRootCLSID(clsid [16]byte) { w.clsid = clsid }

// AddStream adds a stream named name holding exactly size bytes read from r.
// The name is stored as its UTF-16 encoding, so already-mangled installer
// stream names (runes U+3800..U+4840) pass through unchanged.
func (w *Writer) AddStream(name string, size int64, r io.Reader) error {
	return w.addStream(&w.root, name, size, r)
}

func (w *Writer) addStream(c *container, name string, size int64, r io.Reader) error {
	if err := w.usable(); err != nil {
		return err
	}
	u, err := c.checkName(name)
	if err != nil {
		return err
	}
	if size < 0 || size > MaxStreamSize {
		return fmt.Errorf("add stream %q: size %d outside 0..%d", name, size, int64(MaxStreamSize))
	}
	e := &entry{name: u, typ: typeStream, size: uint64(size), start: endOfChain}
	if size < miniCutoff {
		err = w.addMini(e, r)
	} else {
		err = w.addRegular(e, r)
	}
	if err != nil {
		return fmt.Errorf("add stream %q: %w", name, err)
	}
	c.add(name, e)
	return nil
}

func (w *Writer) usable() error {
	if w.closed {
		return errors.New("add stream: compound file already closed")
	}
	return w.err
}

func (c *container) add(name string, e *entry) {
	c.names[upperKey(e.name)] = name
	c.entries = append(c.entries, e)
}

// checkName validates a new name in c: names are unique per storage.
func (c *container) checkName(name string) ([]uint16, error) {
	u := utf16.Encode([]rune(name))
	switch {
	case len(u) == 0:
		return nil, errors.New("add stream: empty stream name")
	case len(u) > MaxNameLen:
		return nil, fmt.Errorf("add stream %q: name is %d UTF-16 units, the limit is %d", name, len(u), MaxNameLen)
	}
	for _, c := range u {
		// MS-CFB 2.6.1 forbids these characters in names.
		if c == '/' || c == '\\' || c == ':' || c == '!' || c == 0 {
			return nil, fmt.Errorf("add stream %q: names may not contain / \\ : ! or NUL", name)
		}
	}
	if prev, ok := c.names[upperKey(u)]; ok {
		return nil, fmt.Errorf("add %q: an entry named %q already exists in this storage (names compare case-insensitively)", name, prev)
	}
	return u, nil
}

func (w *Writer) addMini(e *entry, r io.Reader) error {
	if e.size == 0 {
		return checkExhausted(r)
	}
	buf := make([]byte, e.size)
	if n, err := io.ReadFull(r, buf); err != nil {
		return fmt.Errorf("read %d of %d bytes: %w", n, e.size, err)
	}
	if err := checkExhausted(r); err != nil {
		return err
	}
	first := uint32(len(w.miniFAT))
	count := uint32((e.size + miniSectorSize - 1) / miniSectorSize)
	for i := uint32(1); i < count; i++ {
		w.miniFAT = append(w.miniFAT, first+i)
	}
	w.miniFAT = append(w.miniFAT, endOfChain)
	w.mini = append(w.mini, buf...)
	w.mini = append(w.mini, make([]byte, int(count)*miniSectorSize-len(buf))...)
	e.start = first
	return nil
}

func (w *Writer) addRegular(e *entry, r io.Reader) error {
	n, err := io.CopyN(w.out, r, int64(e.size))
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("read %d of %d bytes: %w", n, e.size, io.ErrUnexpectedEOF)
		}
		// Part of the stream may be on disk already: the file is lost.
		w.err = fmt.Errorf("compound file unusable after failed stream: %w", err)
		return err
	}
	if err := checkExhausted(r); err != nil {
		w.err = fmt.Errorf("compound file unusable after failed stream: %w", err)
		return err
	}
	start, err := w.appendChain(int64(e.size))
	if err != nil {
		w.err = err
		return err
	}
	e.start = start
	return w.pad(int64(e.size))
}

// checkExhausted rejects readers that hold more than the declared size:
// silently truncating a payload would produce a corrupt package.
func checkExhausted(r io.Reader) error {
	var one [1]byte
	n, err := io.ReadFull(r, one[:])
	if n > 0 {
		return errors.New("reader holds more bytes than the declared size")
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read past declared size: %w", err)
	}
	return nil
}

// appendChain allocates a contiguous chain for size bytes at the end of the
// file and returns its first sector.
func (w *Writer) appendChain(size int64) (uint32, error) {
	count := uint32((size + sectorSize - 1) / sectorSize)
	if uint64(w.sectors)+uint64(count) >= maxRegSect {
		return 0, errors.New("compound file exceeds the version 3 sector limit")
	}
	start := w.sectors
	for i := uint32(1); i < count; i++ {
		w.fat = append(w.fat, start+i)
	}
	if count > 0 {
		w.fat = append(w.fat, endOfChain)
	}
	w.sectors += count
	return start, nil
}

// writeChain writes data as a new contiguous chain and returns its start.
func (w *Writer) writeChain(data []byte) (uint32, error) {
	if len(data) == 0 {
		return endOfChain, nil
	}
	start, err := w.appendChain(int64(len(data)))
	if err != nil {
		return 0, err
	}
	if _, err := w.out.Write(data); err != nil {
		return 0, err
	}
	return start, w.pad(int64(len(data)))
}

func (w *Writer) pad(size int64) error {
	if rem := size % sectorSize; rem != 0 {
		if _, err := w.out.Write(make([]byte, sectorSize-rem)); err != nil {
			return err
		}
	}
	return nil
}

func putU32s(ids []uint32, fill int) []byte {
	b := make([]byte, fill*4)
	for i := range fill {
		v := uint32(freeSect)
		if i < len(ids) {
			v = ids[i]
		}
		binary.LittleEndian.PutUint32(b[i*4:], v)
	}
	return b
}
