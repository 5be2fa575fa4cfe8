// Package fileinfo measures the files of a package the way Windows
// Installer wants them described: size, the version and language of a
// version resource when the file has one, and otherwise the MD5 hash that
// goes into MsiFileHash.
package fileinfo

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
)

// Info describes one file.
type Info struct {
	Size     int64
	Version  string // "" for unversioned files
	Language string
	Hash     [4]int32 // MsiFileHash parts, for unversioned files
}

// Read measures one file. Files with a version resource are versioned and
// not hashed, as Windows Installer compares them by version.
func Read(path string) (Info, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	info := Info{Size: st.Size()}
	var magic [2]byte
	if n, _ := f.ReadAt(magic[:], 0); n == 2 && magic == [2]byte{'M', 'Z'} {
		if v, lang, ok := peVersion(f, st.Size()); ok {
			info.Version, info.Language = v, lang
			return info, nil
		}
	}
	h := md5.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, st.Size())); err != nil {
		return Info{}, err
	}
	sum := h.Sum(nil)
	for i := range info.Hash {
		info.Hash[i] = int32(binary.LittleEndian.Uint32(sum[4*i:]))
	}
	return info, nil
}

// openRegular opens a regular file for reading. Opening a FIFO waits for a
// writer and a device may do anything: they are refused before opening,
// and the file is opened without blocking in case the path changed in
// between.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if err := regular(path, st); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlocking, 0)
	if err != nil {
		return nil, nil, err
	}
	opened, err := f.Stat()
	if err == nil {
		err = regular(path, opened)
	}
	if err == nil && !os.SameFile(st, opened) {
		err = fmt.Errorf("%s changed while it was being read", path)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, opened, nil
}

// regular refuses anything but a regular file, saying what it is.
func regular(path string, st os.FileInfo) error {
	m := st.Mode()
	var what string
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "a folder"
	case m&os.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		what = "a socket"
	case m&os.ModeDevice != 0:
		what = "a device"
	default:
		what = "not a regular file"
	}
	return fmt.Errorf("%s is %s: a package can only hold regular files", path, what)
}

// Error is the first file ReadAll could not measure: paths[Index].
type Error struct {
	Index int
	Err   error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ReadAll measures files on every core; infos[i] describes paths[i].
func ReadAll(ctx context.Context, paths []string) ([]Info, error) {
	infos := make([]Info, len(paths))
	errs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				infos[i], errs[i] = Read(paths[i])
			}
		}()
	}
	var err error
feed:
	for i := range paths {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	for i, e := range errs {
		if e != nil {
			return nil, &Error{Index: i, Err: e}
		}
	}
	return infos, nil
}
