package sign

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/sassoftware/relic/v7/lib/authenticode"
	"github.com/sassoftware/relic/v7/lib/binpatch"
	"github.com/sassoftware/relic/v7/lib/certloader"
	"github.com/sassoftware/relic/v7/lib/pkcs9"
	"golang.org/x/sync/errgroup"

	"github.com/gomsi/gomsi/internal/atomicfile"
)

// SignPE signs the PE image (.exe, .dll) at path, replacing any previous
// signature, and fixes the PE checksum. The file is replaced only once the
// signed copy is complete and on disk.
func (s *Signer) SignPE(ctx context.Context, path string) (err error) {
	defer guard("sign PE", path, &err)
	in, fi, err := openRegular(path)
	if err != nil {
		return fmt.Errorf("sign PE: %w", err)
	}
	defer in.Close()
	pd, err := authenticode.DigestPE(bufio.NewReaderSize(in, 1<<16), s.opts.Digest, false)
	if err != nil {
		return fmt.Errorf("sign PE %s: not a PE image: %w", path, err)
	}
	var patch *binpatch.PatchSet
	sig, err := s.signWith(ctx, path, func(cert *certloader.Certificate) (*pkcs9.TimestampedSignature, error) {
		p, ts, err := pd.Sign(ctx, cert, s.opus)
		patch = p
		return ts, err
	})
	if err != nil {
		return fmt.Errorf("sign PE %s: %w", path, err)
	}
	out, err := atomicfile.Create(path, fi.Mode().Perm())
	if err != nil {
		return fmt.Errorf("sign PE %s: %w", path, err)
	}
	defer out.Abort()
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("sign PE %s: %w", path, err)
	}
	w := bufio.NewWriterSize(out.File, 1<<16)
	if err := applyPatch(w, bufio.NewReaderSize(in, 1<<16), patch); err != nil {
		return fmt.Errorf("sign PE %s: write: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("sign PE %s: write: %w", path, err)
	}
	if err := authenticode.FixPEChecksum(out.File); err != nil {
		return fmt.Errorf("sign PE %s: checksum: %w", path, err)
	}
	in.Close() // Windows cannot rename over an open file
	if err := out.Commit(); err != nil {
		return fmt.Errorf("sign PE %s: replace: %w", path, err)
	}
	s.opts.Log("signed %s (%s%s)", path, s.opts.Digest.String(), stampNote(sig))
	return nil
}

// applyPatch streams src to dst with the patch's regions replaced. relic's
// PatchSet.Apply would write a second copy through its own atomicfile.
func applyPatch(dst io.Writer, src io.Reader, p *binpatch.PatchSet) error {
	order := make([]int, len(p.Patches))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return p.Patches[order[a]].Offset < p.Patches[order[b]].Offset })
	var pos int64
	for _, i := range order {
		h := p.Patches[i]
		if h.Offset < pos {
			return fmt.Errorf("overlapping patches at offset %d", h.Offset)
		}
		if _, err := io.CopyN(dst, src, h.Offset-pos); err != nil {
			return err
		}
		if _, err := io.CopyN(io.Discard, src, int64(h.OldSize)); err != nil {
			return err
		}
		if _, err := dst.Write(p.Blobs[i]); err != nil {
			return err
		}
		pos = h.Offset + int64(h.OldSize)
	}
	_, err := io.Copy(dst, src)
	return err
}

// SignTree signs every PE executable and library under root (files ending
// in .exe or .dll that hold a PE image, outside testdata directories, whose
// contents Go's own tests compare), in parallel. It returns the files it
// signed, sorted; on error, the files signed before the failure stay signed
// and the others untouched.
func (s *Signer) SignTree(ctx context.Context, root string) ([]string, error) {
	files, err := FindPE(root)
	if err != nil {
		return nil, fmt.Errorf("sign tree: %w", err)
	}
	n := s.opts.Parallel
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(n)
	var mu sync.Mutex
	var signed []string
	for _, f := range files {
		g.Go(func() error {
			if err := s.SignPE(gctx, f); err != nil {
				return err
			}
			mu.Lock()
			signed = append(signed, f)
			mu.Unlock()
			return nil
		})
	}
	err = g.Wait()
	slices.Sort(signed)
	if err != nil {
		return signed, fmt.Errorf("sign tree %s: %w", root, err)
	}
	return signed, nil
}

// FindPE lists the files SignTree would sign under root, sorted.
func FindPE(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if !d.Type().IsRegular() || (ext != ".exe" && ext != ".dll") {
			return nil
		}
		ok, err := isPE(path)
		if err != nil {
			return err
		}
		if ok {
			files = append(files, path)
		}
		return nil
	})
	return files, err
}

// isPE reports whether the file starts with an MZ header pointing at a PE
// signature.
func isPE(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var hdr [64]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return false, nil // too short to be an image
	}
	if hdr[0] != 'M' || hdr[1] != 'Z' {
		return false, nil
	}
	var sig [4]byte
	if _, err := f.ReadAt(sig[:], int64(binary.LittleEndian.Uint32(hdr[0x3c:]))); err != nil {
		return false, nil
	}
	return sig == [4]byte{'P', 'E', 0, 0}, nil
}
