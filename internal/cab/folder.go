package cab

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/gomsi/gomsi/internal/lzx"
)

// LZX and Stored cabinets are built folder by folder: an LZX folder is one
// stream, so each worker compresses whole folders, in order of the plan,
// into temporary files that the writer then copies into the cabinets in
// order. The layout is fixed before compressing and a folder's bytes depend
// only on its files, so the output never depends on the worker count.

// blockOverhead is the most bytes a CFDATA adds to its uncompressed block,
// for the planner; 0 means MSZIP's.
func (o *resolved) blockOverhead() int64 {
	switch o.Method {
	case LZX:
		return 8 + lzx.MaxFrameOverhead
	case Stored:
		return 8
	}
	return 0
}

// folderType is the CFFOLDER typeCompress of the method.
func (o *resolved) folderType() uint16 {
	switch o.Method {
	case LZX:
		return typeLZX | uint16(o.WindowBits)<<8
	case Stored:
		return typeStored
	}
	return typeMSZIP
}

// folderJob is one folder on its way from a worker to the writer.
type folderJob struct {
	cab    *cabPlan
	folder folderPlan
	index  int    // folder index in its cabinet
	tmp    string // the CFDATA records
	size   int64  // bytes in tmp
	blocks int
	stored int
	err    error
	done   chan struct{}
}

type folderBuilder struct {
	o        *resolved
	files    []File
	plans    []cabPlan
	observed sync.Mutex // Observe calls never overlap
}

func newFolderBuilder(o *resolved, files []File, plans []cabPlan) *folderBuilder {
	return &folderBuilder{o: o, files: files, plans: plans}
}

func (b *folderBuilder) run(ctx context.Context) ([]Cabinet, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var jobs []*folderJob
	for i := range b.plans {
		c := &b.plans[i]
		for k, fo := range c.folders {
			jobs = append(jobs, &folderJob{cab: c, folder: fo, index: k, done: make(chan struct{})})
		}
	}
	// Workers take folders in plan order; the writer waits for them in the
	// same order, so at most about Workers folders wait on disk.
	work := make(chan *folderJob)
	var wg sync.WaitGroup
	// A worker holds an encoder of a few times the window: no more of
	// them than folders.
	for range min(b.o.Workers, len(jobs)) {
		wg.Go(func() {
			var c *folderCoder
			for j := range work {
				if err := ctx.Err(); err != nil {
					j.err = err
				} else {
					if c == nil {
						c, j.err = newFolderCoder(b.o)
					}
					if j.err == nil {
						j.err = b.compress(ctx, c, j)
					}
				}
				close(j.done)
			}
		})
	}
	wg.Go(func() {
		defer close(work)
		for _, j := range jobs {
			select {
			case work <- j:
			case <-ctx.Done():
				return
			}
		}
	})
	w := writer{b: &builder{o: b.o, files: b.files, plans: b.plans}}
	cabs, err := b.writeAll(ctx, &w, jobs)
	cancel()
	wg.Wait()
	for _, j := range jobs {
		if j.tmp != "" {
			_ = os.Remove(j.tmp) // copied into its cabinet, or the build failed
		}
	}
	if err == nil {
		err = w.publish()
	}
	if err != nil {
		w.discard()
		return nil, err
	}
	return cabs, nil
}

// folderCoder compresses folders; each worker owns one.
type folderCoder struct {
	enc     *lzx.Encoder
	guard   *lzx.Decoder // decodes every frame again before it is written
	chunk   []byte       // input read from the files
	read    []byte       // readFile's buffer, reused: one per file would churn the GC
	orig    []byte       // input not yet emitted, to compare the guard's output with
	origBuf []byte       // orig's buffer
	rec     []byte
}

// chunkBytes is how much input a worker reads before compressing it.
const chunkBytes = 16 * blockSize

func newFolderCoder(o *resolved) (*folderCoder, error) {
	c := &folderCoder{chunk: make([]byte, chunkBytes), read: make([]byte, 256<<10)}
	if o.Method != LZX {
		return c, nil
	}
	var err error
	if c.enc, err = lzx.NewEncoder(lzx.Options{WindowBits: o.WindowBits}); err != nil {
		return nil, err
	}
	if c.guard, err = lzx.NewDecoder(o.WindowBits); err != nil {
		return nil, err
	}
	return c, nil
}

// compress writes the CFDATA records of folder j to a temporary file.
func (b *folderBuilder) compress(ctx context.Context, c *folderCoder, j *folderJob) error {
	f, err := os.CreateTemp(b.o.Dir, "."+j.cab.name+".folder-*.tmp")
	if err != nil {
		return fmt.Errorf("create folder of cabinet %s: %w", j.cab.name, err)
	}
	j.tmp = f.Name()
	bw := bufio.NewWriterSize(f, 256<<10)
	err = b.fill(ctx, c, j, bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write cabinet %s: %w", j.cab.name, err)
	}
	return nil
}

func (b *folderBuilder) fill(ctx context.Context, c *folderCoder, j *folderJob, out io.Writer) error {
	record := func(comp []byte, size int) error {
		c.rec = append(c.rec[:0], make([]byte, 8)...)
		c.rec = append(c.rec, comp...)
		binary.LittleEndian.PutUint16(c.rec[4:], uint16(len(comp)))
		binary.LittleEndian.PutUint16(c.rec[6:], uint16(size))
		binary.LittleEndian.PutUint32(c.rec[0:], checksum(c.rec[4:8], checksum(c.rec[8:], 0)))
		j.size += int64(len(c.rec))
		j.blocks++
		_, err := out.Write(c.rec)
		return err
	}
	emit := record
	if c.enc != nil {
		c.enc.Reset()
		c.guard.Reset()
		c.enc.SetTranslationSize(lzx.DefaultTranslationSize(j.folder.size))
		c.orig = c.orig[:0]
		emit = func(comp []byte, size int) error {
			if b.o.corrupt != nil {
				b.o.corrupt(comp)
			}
			got, err := c.guard.Frame(comp, size)
			if err != nil {
				return fmt.Errorf("check compressed block %d: %w", j.blocks, err)
			}
			if !bytes.Equal(got, c.orig[:size]) {
				return fmt.Errorf("check compressed block %d: it decodes to other bytes", j.blocks)
			}
			c.orig = c.orig[size:]
			return record(comp, size)
		}
	}
	n := 0
	flush := func(final bool) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		data := c.chunk[:n]
		n = 0
		if c.enc == nil {
			for len(data) > 0 {
				k := min(len(data), blockSize)
				if err := record(data[:k], k); err != nil {
					return err
				}
				data = data[k:]
			}
			return nil
		}
		// Keep the input the encoder has not emitted yet, moving orig's
		// unconsumed part to the front of its buffer first.
		c.orig = append(c.origBuf[:copy(c.origBuf[:cap(c.origBuf)], c.orig)], data...)
		c.origBuf = c.orig[:0]
		err := c.enc.Encode(data, final, emit)
		j.stored = c.enc.StoredFrames()
		return err
	}
	for k := j.folder.first; k <= j.folder.last; k++ {
		fl := b.files[k]
		if err := b.readFile(k, fl, c.read, func(p []byte) error {
			for len(p) > 0 {
				m := copy(c.chunk[n:], p)
				if b.o.Observe != nil {
					b.observed.Lock()
					b.o.Observe(k, p[:m])
					b.observed.Unlock()
				}
				n += m
				p = p[m:]
				if n == len(c.chunk) {
					if err := flush(false); err != nil {
						return err
					}
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	if n > 0 || c.enc != nil && j.folder.size > 0 {
		return flush(true)
	}
	return nil
}

// readFile passes f's content to use in chunks read into buf. It reads
// exactly the planned size and fails if the file has another, since the
// layout was computed from it.
func (b *folderBuilder) readFile(index int, f File, buf []byte, use func([]byte) error) error {
	fh, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name, err)
	}
	defer fh.Close()
	for left := f.Size; left > 0; {
		k := int(min(left, int64(len(buf))))
		if _, err := io.ReadFull(fh, buf[:k]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("read %s: %s is shorter than its %d bytes: did it change during the build?", f.Name, f.Path, f.Size)
			}
			return fmt.Errorf("read %s: %w", f.Name, err)
		}
		if err := use(buf[:k]); err != nil {
			return err
		}
		left -= int64(k)
	}
	var one [1]byte
	if m, _ := fh.Read(one[:]); m > 0 {
		return fmt.Errorf("read %s: %s is longer than its %d bytes: did it change during the build?", f.Name, f.Path, f.Size)
	}
	return nil
}

// writeAll writes every cabinet from the folders' temporary files.
func (b *folderBuilder) writeAll(ctx context.Context, w *writer, jobs []*folderJob) ([]Cabinet, error) {
	cabs := make([]Cabinet, 0, len(b.plans))
	next := 0
	for i := range b.plans {
		c := &b.plans[i]
		f, err := os.CreateTemp(b.o.Dir, "."+c.name+".*.tmp")
		if err != nil {
			return nil, fmt.Errorf("create cabinet %s: %w", c.name, err)
		}
		w.temps = append(w.temps, f.Name())
		cab := Cabinet{Name: c.name, Path: filepath.Join(b.o.Dir, c.name), FirstFile: c.first, LastFile: c.last,
			Folders: len(c.folders), UncompressedSize: c.uncompressed}
		err = f.Chmod(0o644)
		if err == nil {
			err = b.fillCab(ctx, f, c, &cab, jobs[next:next+len(c.folders)])
		}
		next += len(c.folders)
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("write cabinet %s: %w", c.name, err)
		}
		cabs = append(cabs, cab)
	}
	return cabs, nil
}

func (b *folderBuilder) fillCab(ctx context.Context, f *os.File, c *cabPlan, cab *Cabinet, jobs []*folderJob) error {
	if _, err := f.Seek(c.headerBytes, io.SeekStart); err != nil {
		return err
	}
	off := c.headerBytes
	starts := make([]int64, len(c.folders))
	for i, j := range jobs {
		select {
		case <-j.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if j.err != nil {
			return j.err
		}
		if j.blocks != c.folders[i].blocks() {
			return fmt.Errorf("folder %d has %d blocks, planned %d", i, j.blocks, c.folders[i].blocks())
		}
		starts[i] = off
		src, err := os.Open(j.tmp)
		if err != nil {
			return err
		}
		n, err := io.Copy(f, src)
		src.Close()
		if err == nil && n != j.size {
			err = fmt.Errorf("folder %d: copied %d bytes of %d", i, n, j.size)
		}
		if err != nil {
			return err
		}
		_ = os.Remove(j.tmp)
		j.tmp = ""
		off += n
		cab.Blocks += j.blocks
		cab.StoredBlocks += j.stored
	}
	header := cabHeader(c, b.files, off, starts, b.o.date, b.o.time, b.o.folderType())
	if int64(len(header)) != c.headerBytes {
		return fmt.Errorf("header is %d bytes, planned %d", len(header), c.headerBytes)
	}
	if _, err := f.WriteAt(header, 0); err != nil {
		return err
	}
	cab.Size = off
	return f.Sync()
}
