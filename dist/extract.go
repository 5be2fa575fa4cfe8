package dist

import (
	"archive/zip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/product"
	"golang.org/x/sync/errgroup"
)

// openZip extracts a distribution zip into opts.WorkDir and opens the tree,
// or reuses the tree an earlier run extracted from the same zip (reuse.go).
// The tree appears under its final name only when complete.
func openZip(ctx context.Context, zipPath string, opts Options) (*Dist, error) {
	prefix := opts.Prefix
	if prefix == "" {
		prefix = "go/"
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w (is it a complete download?)", zipPath, err)
	}
	defer zr.Close()
	entries, err := zipEntries(&zr.Reader, prefix, opts.ModuleZip)
	if err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w", zipPath, err)
	}
	info, err := os.Stat(zipPath)
	if err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w", zipPath, err)
	}
	limits := &budget{limits: opts.Limits.orDefaults(), zipSize: info.Size()}
	if err := limits.limits.checkDeclared(entries, limits.zipSize); err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w", zipPath, err)
	}
	version, err := zipVersion(&zr.Reader, prefix)
	if err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w", zipPath, err)
	}
	if err := checkVersion(opts.Version, version); err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w", zipPath, err)
	}
	// The arch is checked before 15,000 files are extracted, not after.
	arch, err := zipArch(&zr.Reader, prefix)
	if err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w", zipPath, err)
	} else if opts.Arch != "" && arch != "" && arch != opts.Arch {
		return nil, archMismatch(zipPath, arch, opts.Arch)
	}
	zipSum, _, err := product.HashFile(zipPath)
	if err != nil {
		return nil, fmt.Errorf("open Go distribution %s: %w", zipPath, err)
	}
	stamp := treeStamp{Format: stampFormat, ZipSHA256: zipSum, Prefix: prefix, ModuleZip: opts.ModuleZip}
	if arch == "" {
		arch = opts.Arch
	}
	if arch != "" {
		kept := filepath.Join(opts.WorkDir, product.Files{Version: version.String(), GOARCH: arch}.Stem())
		if d, ok := reuseTree(kept, stamp, opts.Arch); ok && d.Arch == arch {
			return d, nil
		}
	}
	name := product.Files{Version: version.String(), GOARCH: orUnknown(opts.Arch)}.Stem()
	if err := os.MkdirAll(opts.WorkDir, 0o755); err != nil {
		return nil, fmt.Errorf("extract %s: %w", zipPath, err)
	}
	atomicfile.SweepAt(opts.WorkDir, staleTreeAge, time.Now())
	tmp, err := os.MkdirTemp(opts.WorkDir, "."+name+atomicfile.TempMark)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", zipPath, err)
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	if err := extract(ctx, entries, tmp, limits); err != nil {
		return nil, fmt.Errorf("extract %s: %w", zipPath, err)
	}
	d, err := describe(tmp, opts.Arch)
	if err != nil {
		return nil, err
	}
	final := filepath.Join(opts.WorkDir, product.Files{Version: version.String(), GOARCH: d.Arch}.Stem())
	if err := forgetTree(final); err != nil {
		return nil, fmt.Errorf("extract %s: %w", zipPath, err)
	}
	if err := os.RemoveAll(final); err != nil {
		return nil, fmt.Errorf("extract %s: %w", zipPath, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("extract %s: %w", zipPath, err)
	}
	d.Root = final
	if err := stampTree(final, stamp); err != nil {
		return nil, fmt.Errorf("extract %s: record the tree for reuse: %w", zipPath, err)
	}
	return d, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// entry is a zip member that passed the checks, with its path below the prefix.
type entry struct {
	rel  string
	file *zip.File
}

// zipEntries checks every member of the zip and returns them in order.
func zipEntries(zr *zip.Reader, prefix string, moduleZip bool) ([]entry, error) {
	seen := caseSet{}
	entries := make([]entry, 0, len(zr.File))
	for _, f := range zr.File {
		name := f.Name
		if name+"/" == prefix || strings.HasSuffix(name, "/") && strings.HasPrefix(prefix, name) {
			continue // the prefix's folder or one above it, as zip -r writes them
		}
		rel, ok := strings.CutPrefix(name, prefix)
		if !ok {
			if err := CheckName(strings.TrimSuffix(name, "/")); err != nil {
				return nil, fmt.Errorf("zip entry %q: %w", name, err)
			}
			return nil, fmt.Errorf("zip entry %q is outside the %s folder: a Go distribution holds everything under %s", name, prefix, prefix)
		}
		isDir := strings.HasSuffix(rel, "/")
		rel = strings.TrimSuffix(rel, "/")
		if moduleZip && path.Base(rel) == "_go.mod" {
			rel = strings.TrimSuffix(rel, "_go.mod") + "go.mod"
		}
		mode := f.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			return nil, fmt.Errorf("zip entry %q is a symbolic link: Go distributions hold none and gomsi does not follow them", name)
		case !isDir && !mode.IsRegular():
			return nil, fmt.Errorf("zip entry %q is a special file (%s), not a regular file", name, mode.Type())
		}
		if err := CheckName(rel); err != nil {
			return nil, fmt.Errorf("zip entry %q: %w", name, err)
		}
		if err := seen.add(rel, isDir); err != nil {
			return nil, fmt.Errorf("zip entry %q: %w", name, err)
		}
		if !isDir {
			entries = append(entries, entry{rel, f})
		}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("no files under %s: not a Go distribution zip", prefix)
	}
	return entries, nil
}

// zipVersion reads VERSION from the zip before extraction, so that the tree
// can be named after it.
func zipVersion(zr *zip.Reader, prefix string) (v0 product.GoVersion, err error) {
	f, err := zr.Open(prefix + "VERSION")
	if errors.Is(err, fs.ErrNotExist) {
		return v0, fmt.Errorf("no %sVERSION file: not a Go distribution zip", prefix)
	}
	if err != nil {
		return v0, err
	}
	defer f.Close()
	return parseVersionFile(f, prefix+"VERSION")
}

// zipArch returns the GOARCH of the zip's bin/go.exe, or "" if it has none,
// from the machine field of its PE header: the first few kB of the file.
func zipArch(zr *zip.Reader, prefix string) (string, error) {
	name := prefix + "bin/go.exe"
	f, err := zr.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	machine, ok := peMachine(head[:n])
	if !ok {
		return "", fmt.Errorf("read %s: not a Windows executable (no PE header): a Windows distribution's bin/go.exe must be one", name)
	}
	arch, ok := product.ArchForMachine(machine)
	if !ok {
		return "", fmt.Errorf("read %s: unsupported machine type %#x", name, machine)
	}
	return arch, nil
}

// peMachine reads the COFF machine field: the DOS header's e_lfanew (at
// 0x3c) points at "PE\0\0", which the 2-byte machine type follows.
func peMachine(b []byte) (uint16, bool) {
	if len(b) < 0x40 || b[0] != 'M' || b[1] != 'Z' {
		return 0, false
	}
	off := int(binary.LittleEndian.Uint32(b[0x3c:]))
	if off < 0x40 || off+6 > len(b) || string(b[off:off+4]) != "PE\x00\x00" {
		return 0, false
	}
	return binary.LittleEndian.Uint16(b[off+4:]), true
}

// extract writes the entries below dir, folders first, then files on all
// cores, within the budget.
func extract(ctx context.Context, entries []entry, dir string, b *budget) error {
	made := map[string]string{".": ""} // folder -> the first entry inside it, for errors
	for _, e := range entries {
		for p := path.Dir(e.rel); made[p] == "" && p != "."; p = path.Dir(p) {
			made[p] = e.file.Name
		}
	}
	for p, name := range made {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(p)), 0o755); err != nil {
			return entryError(name, "create its folder "+p, err)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0) * 2) // file creation waits on the disk as much as the CPU
	bufs := sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}
	for _, e := range entries {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			buf := bufs.Get().(*[]byte)
			defer bufs.Put(buf)
			return extractFile(e, filepath.Join(dir, filepath.FromSlash(e.rel)), *buf, b)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err() // cancelled: the loop stopped early, the tree is partial
}

// staleTreeAge is how old a tree being extracted must be to count as left
// by a process that was killed: extractions take seconds, and a younger one
// may belong to another gomsi process using the same out folder.
const staleTreeAge = time.Hour

func extractFile(e entry, dst string, buf []byte, b *budget) error {
	name := e.file.Name
	r, err := e.file.Open()
	if err != nil {
		return fmt.Errorf("zip entry %q: %w", name, err)
	}
	defer r.Close()
	w, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return entryError(name, "create it", err)
	}
	declared := int64(min(e.file.UncompressedSize64, math.MaxInt64))
	var written int64
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			written += int64(n)
			if err := b.take(name, written, declared, int64(n)); err != nil {
				w.Close()
				return err
			}
			if _, err := w.Write(buf[:n]); err != nil {
				w.Close()
				return entryError(name, "write it", err)
			}
		}
		if rerr == io.EOF {
			break
		}
		if errors.Is(rerr, zip.ErrFormat) {
			// archive/zip stops a file at its declared size with ErrFormat.
			w.Close()
			return fmt.Errorf("zip entry %q holds more than the %d bytes its header declares: the zip is damaged or crafted (download it again)", name, declared)
		}
		if rerr != nil {
			w.Close()
			return fmt.Errorf("zip entry %q: %w (the zip is damaged: download it again)", name, rerr)
		}
	}
	return w.Close()
}

// entryError explains a failure to write an entry on this machine by the
// entry's name, not the temporary path it was being written to.
func entryError(name, doing string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("zip entry %q: %s here: %w", name, doing, err)
}
