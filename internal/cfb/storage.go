package cfb

import (
	"fmt"
	"io"
)

// Storage is a sub-storage of a compound file: a folder of streams and
// storages with its own class id. Installer databases embed transforms
// (instance transforms, patch transforms) this way. Its streams go to the
// same file as the Writer's, so a Storage is usable until the Writer closes.
type Storage struct {
	w   *Writer
	dir *container
}

// AddStorage adds a sub-storage named name with class id clsid (in on-disk
// order) to the root storage. Names follow the rules of AddStream and are
// unique among the root's streams and storages.
func (w *Writer) AddStorage(name string, clsid [16]byte) (*Storage, error) {
	return w.addStorage(&w.root, name, clsid)
}

// AddStorage adds a storage inside s.
func (s *Storage) AddStorage(name string, clsid [16]byte) (*Storage, error) {
	return s.w.addStorage(s.dir, name, clsid)
}

// AddStream adds a stream to s; see Writer.AddStream.
func (s *Storage) AddStream(name string, size int64, r io.Reader) error {
	return s.w.addStream(s.dir, name, size, r)
}

func (w *Writer) addStorage(c *container, name string, clsid [16]byte) (*Storage, error) {
	if err := w.usable(); err != nil {
		return nil, fmt.Errorf("add storage %q: %w", name, err)
	}
	u, err := c.checkName(name)
	if err != nil {
		return nil, err
	}
	e := &entry{name: u, typ: typeStorage, clsid: clsid, sub: &container{names: map[string]string{}}}
	c.add(name, e)
	return &Storage{w: w, dir: e.sub}, nil
}
