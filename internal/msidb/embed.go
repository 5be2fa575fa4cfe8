package msidb

import (
	"fmt"
	"io"
	"unicode/utf16"

	"github.com/gomsi/gomsi/internal/cfb"
)

// AddTransform embeds t as a sub-storage named name, which
// "msiexec /i x.msi TRANSFORMS=:name" applies (WiX's instance transforms
// are embedded so). Storage names are stored as given, not encoded like
// stream names.
func (db *Database) AddTransform(name string, t *Transform) error {
	if n := len(utf16.Encode([]rune(name))); name == "" || n > cfb.MaxNameLen {
		return fmt.Errorf("add transform %q: the name must be 1..%d characters", name, cfb.MaxNameLen)
	}
	if _, ok := db.transforms[name]; ok {
		return fmt.Errorf("add transform %s: already added", name)
	}
	if t == nil || len(t.Tables()) == 0 {
		return fmt.Errorf("add transform %s: it changes no table", name)
	}
	db.transforms[name] = t
	return nil
}

// transform adds an embedded transform's storage and hashes its streams.
func (s *streamWriter) transform(name string, t *Transform) {
	if s.err != nil {
		return
	}
	streams, err := t.streams()
	if err != nil {
		s.err = fmt.Errorf("transform %s: %w", name, err)
		return
	}
	st, err := s.out.AddStorage(name, transformCLSID)
	if err != nil {
		s.err = fmt.Errorf("transform %s: %w", name, err)
		return
	}
	fmt.Fprintf(s.sum, "storage %q\n", name)
	err = addStreams(hashingAdder{st, s}, streams)
	if err != nil {
		s.err = fmt.Errorf("transform %s: %w", name, err)
	}
}

// hashingAdder adds streams to a storage and to the package code's hash.
type hashingAdder struct {
	st *cfb.Storage
	s  *streamWriter
}

func (h hashingAdder) AddStream(name string, size int64, r io.Reader) error {
	fmt.Fprintf(h.s.sum, "%q %d\n", name, size)
	return h.st.AddStream(name, size, io.TeeReader(r, h.s.sum))
}
