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
	f, err := os.Open(path)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Info{}, err
	}
	if !st.Mode().IsRegular() {
		return Info{}, fmt.Errorf("%s is not a regular file", path)
	}
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
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	return infos, nil
}
