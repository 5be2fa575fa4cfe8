package cab

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writer writes the encoded blocks, in order, into temporary cabinet files
// and renames them when all are complete. The cabinets of a build appear
// together or not at all (a failure removes those already renamed), and
// each is closed once written so that a build of many holds no open files:
// not the one file that atomicfile.File commits, hence the renames here.
type writer struct {
	b         *builder
	pending   <-chan *job
	temps     []string // temporary files, one per cabinet started
	published []string // final paths already renamed
}

func (w *writer) writeAll(ctx context.Context) ([]Cabinet, error) {
	cabs := make([]Cabinet, 0, len(w.b.plans))
	for i := range w.b.plans {
		c, err := w.writeCab(ctx, &w.b.plans[i])
		if err != nil {
			return nil, err
		}
		cabs = append(cabs, c)
	}
	return cabs, nil
}

func (w *writer) writeCab(ctx context.Context, c *cabPlan) (Cabinet, error) {
	o := w.b.o
	f, err := os.CreateTemp(o.Dir, "."+c.name+".*.tmp")
	if err != nil {
		return Cabinet{}, fmt.Errorf("create cabinet %s: %w", c.name, err)
	}
	w.temps = append(w.temps, f.Name())
	// CreateTemp makes the file private; a cabinet is an ordinary output.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return Cabinet{}, fmt.Errorf("create cabinet %s: %w", c.name, err)
	}
	cab := Cabinet{Name: c.name, Path: filepath.Join(o.Dir, c.name), FirstFile: c.first, LastFile: c.last,
		Folders: len(c.folders), UncompressedSize: c.uncompressed}
	err = w.fill(ctx, f, c, &cab)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return Cabinet{}, fmt.Errorf("write cabinet %s: %w", c.name, err)
	}
	return cab, nil
}

// fill writes the CFDATA records after room for the header, then the header,
// whose folder offsets and total size are known only now.
func (w *writer) fill(ctx context.Context, f *os.File, c *cabPlan, cab *Cabinet) error {
	if _, err := f.Seek(c.headerBytes, io.SeekStart); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	off := c.headerBytes
	starts := make([]int64, len(c.folders))
	for i, fo := range c.folders {
		starts[i] = off
		var prev *job
		for done := 0; done < fo.blocks(); {
			j, ok := <-w.pending
			if !ok {
				return errShortRead
			}
			select {
			case <-j.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if j.err != nil {
				return j.err
			}
			if _, err := bw.Write(j.recs); err != nil {
				return err
			}
			off += int64(len(j.recs))
			done += j.blocks()
			cab.Blocks += j.blocks()
			cab.RepairedBlocks += j.counts[repaired]
			cab.StoredBlocks += j.counts[stored]
			*j.recBuf = j.recs[:0]
			w.b.records.Put(j.recBuf)
			// The previous segment held this one's history: both are done.
			if prev != nil {
				w.b.blocks.Put(prev.buf)
			}
			prev = j
		}
		if prev != nil {
			w.b.blocks.Put(prev.buf)
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	header := cabHeader(c, w.b.files, off, starts, w.b.o.date, w.b.o.time, typeMSZIP)
	if int64(len(header)) != c.headerBytes {
		return fmt.Errorf("header is %d bytes, planned %d", len(header), c.headerBytes)
	}
	if _, err := f.WriteAt(header, 0); err != nil {
		return err
	}
	cab.Size = off
	return f.Sync()
}

// publish renames every temporary cabinet to its name.
func (w *writer) publish() error {
	for i, tmp := range w.temps {
		final := filepath.Join(w.b.o.Dir, w.b.plans[i].name)
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("publish cabinet: %w", err)
		}
		w.temps[i] = ""
		w.published = append(w.published, final)
	}
	// Make the renames durable. Best effort: Windows cannot sync a directory.
	if d, err := os.Open(w.b.o.Dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// discard removes everything this build wrote, so a failed build leaves no
// partial set of cabinets.
func (w *writer) discard() {
	for _, p := range append(w.temps, w.published...) {
		if p != "" {
			_ = os.Remove(p) // the build already failed; report that error
		}
	}
}
