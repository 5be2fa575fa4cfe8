package native

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gomsi/gomsi/internal/cab"
	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/compile"
	"github.com/gomsi/gomsi/wix/native/fileinfo"
)

// measure reads the size, version and hash of every file, and checks the
// rules WiX's binder checks once it knows them.
func (t *Toolset) measure(ctx context.Context, pkg *compile.Package) ([]fileinfo.Info, error) {
	paths := make([]string, len(pkg.Files))
	for i, f := range pkg.Files {
		paths[i] = f.Source
	}
	start := time.Now()
	infos, err := fileinfo.ReadAll(ctx, paths)
	var ferr *fileinfo.Error
	if errors.As(err, &ferr) {
		f := pkg.Files[ferr.Index]
		return nil, fmt.Errorf("%s: File %s: Source: %w", f.Pos, f.Key, ferr.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("read files: %w", err)
	}
	t.logf("native: measured %d files (%s)", len(paths), time.Since(start).Round(time.Millisecond))
	for i, f := range pkg.Files {
		if infos[i].Size > math.MaxInt32 {
			return nil, fmt.Errorf("%s: File %s: %s is %d bytes; Windows Installer files must be under 2 GiB", f.Pos, f.Key, f.Source, infos[i].Size)
		}
	}
	if err := checkAutoGUIDs(pkg, infos); err != nil {
		return nil, err
	}
	return infos, nil
}

// checkAutoGUIDs applies WiX v3's rule for a generated component GUID in a
// component of several files (Binder.cs:5810-5823): the key file must be
// versioned and the others unversioned, or a new version of a file could
// go unnoticed by the GUID.
func checkAutoGUIDs(pkg *compile.Package, infos []fileinfo.Info) error {
	if len(pkg.SeveralFileAutoGUIDs) == 0 {
		return nil
	}
	index := make(map[*compile.File]int, len(pkg.Files))
	for i, f := range pkg.Files {
		index[f] = i
	}
	var errs []error
	for _, c := range pkg.SeveralFileAutoGUIDs {
		for _, f := range c.Files {
			versioned := infos[index[f]].Version != ""
			switch {
			case f == c.KeyFile && !versioned:
				errs = append(errs, fmt.Errorf("%s: component %s has %d files and a generated GUID, but its key file %s is not versioned: WiX allows that only with a versioned key file; give the component an explicit Guid or put each file in a component of its own", c.Pos, c.ID, len(c.Files), f.Key))
			case f != c.KeyFile && versioned:
				errs = append(errs, fmt.Errorf("%s: component %s has a generated GUID, but %s, which is not its key path, is versioned: WiX allows only unversioned files beside the key file; give the component an explicit Guid or put each file in a component of its own", c.Pos, c.ID, f.Key))
			}
		}
	}
	return errors.Join(errs...)
}

// addFiles adds the File, MsiFileHash and Media rows and the cabinet
// streams to db.
func addFiles(db *msidb.Database, pkg *compile.Package, infos []fileinfo.Info, media []medium) error {
	fileTable, err := db.Table("File")
	if err != nil {
		return err
	}
	for i, f := range pkg.Files {
		info := infos[i]
		err := fileTable.AddRow(f.Key, f.Component, f.FileName, info.Size, nilIfEmpty(info.Version), nilIfEmpty(info.Language), f.Attributes, i+1)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Pos, err)
		}
		if info.Version == "" {
			hashes, err := db.Table("MsiFileHash")
			if err != nil {
				return err
			}
			if err := hashes.AddRow(f.Key, 0, info.Hash[0], info.Hash[1], info.Hash[2], info.Hash[3]); err != nil {
				return err
			}
		}
	}
	if len(media) == 0 {
		return nil
	}
	mt, err := db.Table("Media")
	if err != nil {
		return err
	}
	for _, m := range media {
		var cabinet any
		if m.external {
			cabinet = m.stream // beside the package: placeExternalCabinets puts it there
		} else if m.stream != "" {
			cabinet = "#" + m.stream
			st, err := msidb.FileStream(m.path)
			if err != nil {
				return err
			}
			if err := db.AddStream(m.stream, st); err != nil {
				return err
			}
		}
		if err := mt.AddRow(m.id, m.lastSequence, nilIfEmpty(m.diskPrompt), cabinet, nilIfEmpty(m.volumeLabel), nil); err != nil {
			return err
		}
	}
	return nil
}

// medium is one Media row and its cabinet.
type medium struct {
	id                      int
	lastSequence            int
	stream, path            string // cabinet name (stream or external file) and the built file
	external                bool   // EmbedCab="no": the cabinet goes beside the package
	diskPrompt, volumeLabel string
}

// layout packs the files into cabinets: one per authored Media (split when
// the format's limits or MaxCabinetSize require, the extra cabinets getting
// the next disk ids), or as many as a MediaTemplate asks for.
func (t *Toolset) layout(ctx context.Context, pkg *compile.Package, infos []fileinfo.Info, work string, epoch time.Time, hasEpoch bool) ([]medium, error) {
	opts := cab.Options{Dir: work, Workers: t.Workers, MaxCabinetSize: t.MaxCabinetSize}
	if hasEpoch {
		if epoch.Year() < 1980 || epoch.Year() > 2107 {
			return nil, fmt.Errorf("SOURCE_DATE_EPOCH %s is outside the cabinet format's 1980-2107", epoch.UTC().Format(time.RFC3339))
		}
		opts.Time = epoch
	}
	cabFiles := func(lo, hi int) []cab.File {
		var fs []cab.File
		for i := lo; i < hi; i++ {
			fs = append(fs, cab.File{Name: pkg.Files[i].Key, Path: pkg.Files[i].Source, Size: infos[i].Size})
		}
		return fs
	}
	if tm := pkg.Template; tm != nil {
		opts.NamePattern = tm.Pattern
		setCompression(&opts, tm.Compression)
		if opts.MaxCabinetSize == 0 || tm.MaxSize < opts.MaxCabinetSize {
			opts.MaxCabinetSize = tm.MaxSize
		}
		cabs, err := cab.Build(ctx, cabFiles(0, len(pkg.Files)), opts)
		if err != nil {
			return nil, err
		}
		var media []medium
		for i, c := range cabs {
			media = append(media, medium{id: i + 1, lastSequence: c.LastFile + 1, stream: c.Name, path: c.Path, external: !tm.Embed})
		}
		if len(media) == 0 {
			media = append(media, medium{id: 1})
		}
		return media, nil
	}
	if len(pkg.Media) == 0 {
		if len(pkg.Files) > 0 {
			return nil, fmt.Errorf("%s: the package has files but no Media or MediaTemplate element: add <MediaTemplate EmbedCab=\"yes\"/>", pkg.Files[0].Pos)
		}
		return nil, nil
	}
	byID := map[int]*compile.Media{}
	maxID := 0
	for _, m := range pkg.Media {
		byID[m.ID] = m
		maxID = max(maxID, m.ID)
	}
	for _, f := range pkg.Files {
		if byID[f.DiskID] == nil {
			return nil, fmt.Errorf("%s: File %s is on disk %d, which has no Media element", f.Pos, f.Key, f.DiskID)
		}
	}
	ids := make([]int, 0, len(pkg.Media))
	for _, m := range pkg.Media {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	var media []medium
	next, last := 0, 0
	for _, id := range ids {
		m := byID[id]
		lo := next
		for next < len(pkg.Files) && pkg.Files[next].DiskID == id {
			next++
		}
		if lo == next || m.Cabinet == "" { // no cabinet: the files are laid out uncompressed (layout.go)
			last = max(last, next)
			seq := last
			if lo == next {
				seq = 0 // a Media without files keeps LastSequence 0, as in WiX v3 (Binder.cs sequences only media with files)
			}
			media = append(media, medium{id: id, lastSequence: seq, diskPrompt: m.DiskPrompt, volumeLabel: m.VolumeLabel})
			continue
		}
		o := opts
		setCompression(&o, m.Compression)
		o.NamePattern = fmt.Sprintf("disk%d-%%d.cab", id)
		cabs, err := cab.Build(ctx, cabFiles(lo, next), o)
		if err != nil {
			return nil, err
		}
		if len(cabs) > 1 && len(pkg.Media) > 1 {
			return nil, fmt.Errorf("%s: the files of Media %d need %d cabinets; with several Media elements the native toolset cannot add disks: use one Media or a MediaTemplate", m.Pos, id, len(cabs))
		}
		for i, c := range cabs {
			mid, name := id, m.Cabinet
			if i > 0 {
				maxID++
				mid, name = maxID, splitName(m.Cabinet, i+1)
			}
			last = lo + c.LastFile + 1
			media = append(media, medium{id: mid, lastSequence: last, stream: name, path: c.Path, external: !m.Embed, diskPrompt: m.DiskPrompt, volumeLabel: m.VolumeLabel})
		}
	}
	return media, nil
}

// placedCabinets are external cabinets moved beside the package.
type placedCabinets []string

// remove deletes them again, when the package could not be written.
func (p placedCabinets) remove() {
	for _, path := range p {
		os.Remove(path)
	}
}

// placeExternalCabinets moves the external cabinets (EmbedCab="no") from
// the work folder to the package's folder, each renamed into place whole
// (the work folder is beside the package, on the same file system), as
// light writes them next to the .msi. The names were checked by the
// compiler (plain file names); a cabinet named like the package is refused.
func placeExternalCabinets(media []medium, out string) (placedCabinets, error) {
	var placed placedCabinets
	seen := map[string]bool{}
	for _, m := range media {
		if !m.external || m.path == "" {
			continue
		}
		if m.stream != filepath.Base(m.stream) || strings.ContainsAny(m.stream, `\/:`) || m.stream == "." || m.stream == ".." {
			placed.remove()
			return nil, fmt.Errorf("external cabinet %q is not a plain file name", m.stream)
		}
		dest := filepath.Join(filepath.Dir(out), m.stream)
		if strings.EqualFold(dest, out) || seen[strings.ToLower(m.stream)] {
			placed.remove()
			return nil, fmt.Errorf("external cabinet %s would overwrite %s: give each Media its own Cabinet name", m.stream, dest)
		}
		seen[strings.ToLower(m.stream)] = true
		if err := os.Rename(m.path, dest); err != nil {
			placed.remove()
			return nil, fmt.Errorf("place external cabinet: %w", err)
		}
		placed = append(placed, dest)
	}
	return placed, nil
}

// setCompression maps WiX's CompressionLevel to a cabinet format as WiX v3
// does (cabcutil.cpp): low, medium and high are LZX with windows of 2^15,
// 2^18 and 2^21 bytes, none is stored, and mszip, like no level at all
// (light's default), is MSZIP at cab's default deflate level.
func setCompression(o *cab.Options, level string) {
	switch level {
	case "low":
		o.Method, o.WindowBits = cab.LZX, 15
	case "medium":
		o.Method, o.WindowBits = cab.LZX, 18
	case "high":
		o.Method, o.WindowBits = cab.LZX, 21
	case "none":
		o.Method = cab.Stored
	default:
		o.Method = cab.MSZIP
	}
}

// splitName names the n-th cabinet cut from an authored one: go.cab -> go2.cab.
func splitName(name string, n int) string {
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		base, ext = name[:i], name[i:]
	}
	return fmt.Sprintf("%s%d%s", base, n, ext)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
