package native

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gomsi/gomsi/internal/cab"
	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/compile"
	"github.com/gomsi/gomsi/wix/native/fileinfo"
)

// addFiles measures the files, packs them into cabinets in work and adds
// the File, MsiFileHash and Media rows and the cabinet streams to db. It
// returns the number of files.
func (t *Toolset) addFiles(ctx context.Context, db *msidb.Database, pkg *compile.Package, work string, epoch time.Time, hasEpoch bool) (int, error) {
	paths := make([]string, len(pkg.Files))
	for i, f := range pkg.Files {
		paths[i] = f.Source
	}
	start := time.Now()
	infos, err := fileinfo.ReadAll(ctx, paths)
	if err != nil {
		return 0, fmt.Errorf("read files: %w", err)
	}
	t.logf("native: measured %d files (%s)", len(paths), time.Since(start).Round(time.Millisecond))
	fileTable, err := db.Table("File")
	if err != nil {
		return 0, err
	}
	for i, f := range pkg.Files {
		info := infos[i]
		if info.Size > math.MaxInt32 {
			return 0, fmt.Errorf("%s: File %s: %s is %d bytes; Windows Installer files must be under 2 GiB", f.Pos, f.Key, f.Source, info.Size)
		}
		err := fileTable.AddRow(f.Key, f.Component, f.FileName, info.Size, nilIfEmpty(info.Version), nilIfEmpty(info.Language), f.Attributes, i+1)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", f.Pos, err)
		}
		if info.Version == "" {
			hashes, err := db.Table("MsiFileHash")
			if err != nil {
				return 0, err
			}
			if err := hashes.AddRow(f.Key, 0, info.Hash[0], info.Hash[1], info.Hash[2], info.Hash[3]); err != nil {
				return 0, err
			}
		}
	}
	start = time.Now()
	media, err := t.layout(ctx, pkg, infos, work, epoch, hasEpoch)
	if err != nil {
		return 0, err
	}
	t.logf("native: packed %d cabinets (%s)", len(media), time.Since(start).Round(time.Millisecond))
	if len(media) > 0 {
		mt, err := db.Table("Media")
		if err != nil {
			return 0, err
		}
		for _, m := range media {
			var cabinet any
			if m.stream != "" {
				cabinet = "#" + m.stream
				st, err := msidb.FileStream(m.path)
				if err != nil {
					return 0, err
				}
				if err := db.AddStream(m.stream, st); err != nil {
					return 0, err
				}
			}
			if err := mt.AddRow(m.id, m.lastSequence, nilIfEmpty(m.diskPrompt), cabinet, nilIfEmpty(m.volumeLabel), nil); err != nil {
				return 0, err
			}
		}
	}
	return len(pkg.Files), nil
}

// medium is one Media row and its cabinet.
type medium struct {
	id                      int
	lastSequence            int
	stream, path            string // embedded cabinet stream name and file
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
		opts.NamePattern, opts.Level = tm.Pattern, tm.Level
		if opts.MaxCabinetSize == 0 || tm.MaxSize < opts.MaxCabinetSize {
			opts.MaxCabinetSize = tm.MaxSize
		}
		cabs, err := cab.Build(ctx, cabFiles(0, len(pkg.Files)), opts)
		if err != nil {
			return nil, err
		}
		var media []medium
		for i, c := range cabs {
			media = append(media, medium{id: i + 1, lastSequence: c.LastFile + 1, stream: c.Name, path: c.Path})
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
		if lo == next {
			media = append(media, medium{id: id, lastSequence: last, diskPrompt: m.DiskPrompt, volumeLabel: m.VolumeLabel})
			continue
		}
		o := opts
		o.Level = m.Level
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
			media = append(media, medium{id: mid, lastSequence: last, stream: name, path: c.Path, diskPrompt: m.DiskPrompt, volumeLabel: m.VolumeLabel})
		}
	}
	return media, nil
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
