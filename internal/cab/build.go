package cab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// job is a segment of up to segmentBlocks blocks of a folder on its way from
// the reader through a worker to the writer.
type job struct {
	data   []byte  // the blocks
	prev   []byte  // the block before them in their folder, or nil
	buf    *[]byte // data's pooled buffer
	recs   []byte  // the CFDATA records, set by a worker
	recBuf *[]byte // recs' pooled buffer
	counts [3]int  // outcomes, by outcome
	err    error
	done   chan struct{} // closed when recs or err is set
}

func (j *job) blocks() int { return (len(j.data) + blockSize - 1) / blockSize }

// builder runs one Build: a reader goroutine cuts the files into segments,
// the workers encode them, and the writer (the calling goroutine) writes
// them in order. The pending queue is bounded, so memory stays at a few
// segments per worker whatever the payload size.
type builder struct {
	o       *resolved
	files   []File
	plans   []cabPlan
	blocks  sync.Pool // *[]byte segments
	records sync.Pool // *[]byte CFDATA records of a segment
}

func newBuilder(o *resolved, files []File, plans []cabPlan) *builder {
	b := &builder{o: o, files: files, plans: plans}
	b.blocks.New = func() any { s := make([]byte, segmentBlocks*blockSize); return &s }
	b.records.New = func() any { s := make([]byte, 0, segmentBlocks*(blockSize+cfdataOverhead)); return &s }
	return b
}

func (b *builder) run(ctx context.Context) (cabs []Cabinet, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	encoders := make([]*encoder, b.o.Workers)
	for i := range encoders {
		if encoders[i], err = newEncoder(b.o.Level, !b.o.IndependentBlocks, b.o.unguarded); err != nil {
			return nil, err
		}
	}
	pending := make(chan *job, 2*b.o.Workers+2)
	work := make(chan *job, b.o.Workers)
	var wg sync.WaitGroup
	var readErr error
	wg.Go(func() { readErr = b.read(ctx, pending, work) })
	for _, enc := range encoders {
		wg.Go(func() {
			for j := range work {
				if err := ctx.Err(); err != nil {
					j.err = err
				} else {
					j.recBuf = b.records.Get().(*[]byte)
					j.recs, j.err = enc.encode((*j.recBuf)[:0], j.data, j.prev, &j.counts)
				}
				close(j.done)
			}
		})
	}
	w := writer{b: b, pending: pending}
	cabs, err = w.writeAll(ctx)
	cancel()
	for range pending { // unblock the reader, then let everyone finish
	}
	wg.Wait()
	if err == nil {
		err = w.publish()
	} else if errors.Is(err, errShortRead) && readErr != nil {
		err = readErr
	}
	if err != nil {
		w.discard()
		return nil, err
	}
	return cabs, nil
}

// errShortRead reports that the reader stopped before the planned blocks.
var errShortRead = errors.New("block reader stopped early")

// read cuts each folder's files into segments and queues them in order.
func (b *builder) read(ctx context.Context, pending, work chan<- *job) error {
	defer close(work)
	defer close(pending)
	for _, c := range b.plans {
		for _, fo := range c.folders {
			cut := cutter{b: b, ctx: ctx, pending: pending, work: work, buf: b.blocks.Get().(*[]byte)}
			for k := fo.first; k <= fo.last; k++ {
				if err := cut.file(k, b.files[k]); err != nil {
					return err
				}
			}
			if cut.n > 0 {
				if err := cut.emit(); err != nil {
					return err
				}
			}
			b.blocks.Put(cut.buf)
		}
	}
	return nil
}

// cutter cuts one folder's byte stream into segments.
type cutter struct {
	b             *builder
	ctx           context.Context
	pending, work chan<- *job
	buf           *[]byte // the segment being filled
	n             int     // bytes in buf
	prev          []byte  // the block before it, its history
}

// emit queues the filled part of buf and starts a new segment.
func (c *cutter) emit() error {
	if err := c.ctx.Err(); err != nil {
		return err
	}
	j := &job{data: (*c.buf)[:c.n], prev: c.prev, buf: c.buf, done: make(chan struct{})}
	select {
	case c.pending <- j:
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
	c.work <- j // the workers always drain work
	c.prev, c.n = j.data[max(0, c.n-blockSize):], 0
	c.buf = c.b.blocks.Get().(*[]byte)
	return nil
}

// file appends f's content to the folder stream. It reads exactly the
// planned size and fails if the file has another, since the layout was
// computed from it.
func (c *cutter) file(index int, f File) error {
	fh, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name, err)
	}
	defer fh.Close()
	for left := f.Size; left > 0; {
		k := int(min(left, int64(len(*c.buf)-c.n)))
		if _, err := io.ReadFull(fh, (*c.buf)[c.n:c.n+k]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("read %s: %s is shorter than its %d bytes: did it change during the build?", f.Name, f.Path, f.Size)
			}
			return fmt.Errorf("read %s: %w", f.Name, err)
		}
		if c.b.o.Observe != nil {
			c.b.o.Observe(index, (*c.buf)[c.n:c.n+k])
		}
		c.n += k
		left -= int64(k)
		if c.n == len(*c.buf) {
			if err := c.emit(); err != nil {
				return err
			}
		}
	}
	var one [1]byte
	if m, _ := fh.Read(one[:]); m > 0 {
		return fmt.Errorf("read %s: %s is longer than its %d bytes: did it change during the build?", f.Name, f.Path, f.Size)
	}
	return nil
}
