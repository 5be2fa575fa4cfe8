// Package cab writes Microsoft cabinet (MS-CAB) files compressed with MSZIP
// or LZX, or stored, the cabinets an MSI's Media table points at.
//
// LZX folders (see folder.go and internal/lzx) are one stream each, so
// they are the unit of parallel work: folders of at most 64 MiB compress
// on every core, and every frame is decoded again and compared with its
// input before it is written. What follows describes MSZIP.
//
// Build streams the files from disk and compresses them on every core.
// Each CFDATA block (32 KiB) holds a complete deflate stream that may refer
// back into the blocks before it, as MSZIP inflaters keep a 32 KiB window
// across blocks. Work is cut into segments of 8 blocks: a worker primes the
// compressor with the block before its segment and keeps its state through
// the segment, so segments compress in parallel yet almost as well as one
// long stream. The layout (which file goes in which cabinet and folder) is
// fixed from the file sizes before compressing, and segments never depend
// on scheduling, so the same inputs give byte-identical cabinets whatever
// the worker count. Every block passes a guard proving that a strict
// inflater (libmspack) accepts it; see guard.go.
package cab

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/gomsi/gomsi/internal/lzx"
)

// DefaultLevel is the compression level used when Options.Level is 0. On
// the Go distribution it gives a cabinet 2% smaller than gcab's (zlib level
// 6 without history, what wixl writes) in under a third of its CPU time;
// see BenchmarkBuildFixture.
const DefaultLevel = 6

// DefaultNamePattern names cabinets cab1.cab, cab2.cab, ...
const DefaultNamePattern = "cab%d.cab"

// File is one file to put in a cabinet.
type File struct {
	Name string // CFFILE name: the File table key, unique, at most 255 bytes
	Path string // where the content is on disk
	Size int64  // the file's size; Build fails if the file differs when read
}

// Options controls Build. The zero value of each field picks its default.
type Options struct {
	// Dir is where the cabinets are written. Required.
	Dir string
	// NamePattern names cabinet i (from 1) with fmt.Sprintf(NamePattern, i);
	// it must hold exactly one %d. Default DefaultNamePattern.
	NamePattern string
	// MaxCabinetSize starts a new cabinet before the uncompressed bytes of a
	// cabinet would exceed it; a larger file gets a cabinet of its own.
	// Default: only the format's limits split (2 GiB cabinets, 65535 files).
	MaxCabinetSize int64
	// MaxFolderSize likewise splits folders (compressed streams) inside a
	// cabinet. Maximum: 65535 blocks of 32 KiB, the MSZIP default; the LZX
	// and Stored default is DefaultLZXFolderSize.
	MaxFolderSize int64
	// Workers compress blocks in parallel. Default runtime.NumCPU().
	Workers int
	// Method is the compression of every folder: MSZIP (the zero value),
	// LZX or Stored.
	Method Method
	// WindowBits is LZX's window, 2^15 to 2^21 bytes; 0 means 21. Only
	// with Method LZX.
	WindowBits int
	// Level is the deflate level, 1 (fastest) to 9 (smallest). Default
	// DefaultLevel. Only with Method MSZIP.
	Level int
	// Time is stamped on every file (installers give installed files this
	// time). Default 1980-01-01 00:00:00; must fall in 1980-2107. Callers
	// honouring SOURCE_DATE_EPOCH pass it here.
	Time time.Time
	// IndependentBlocks compresses each block without the previous one as
	// history: about 6% larger, for inflaters that reset their window at
	// every block (none known).
	IndependentBlocks bool
	// Observe, if set, sees the content of every file as Build reads it,
	// in chunks valid only during the call (file is the index in files);
	// an empty file gives no call. Calls never overlap and each file's
	// chunks come in order; with MSZIP the files come in order too, with
	// LZX and Stored the folders, read in parallel, interleave.
	// A caller needing each file's digest (MsiFileHash) gets it without
	// reading the files a second time.
	Observe func(file int, chunk []byte)
}

// Cabinet describes one written cabinet.
type Cabinet struct {
	Name string // file name, from NamePattern
	Path string // Dir joined with Name
	// FirstFile and LastFile are the indexes in the files given to Build of
	// the first and last file in this cabinet. With File.Sequence = index+1,
	// Media.LastSequence is LastFile+1.
	FirstFile, LastFile int
	Folders             int
	UncompressedSize    int64 // bytes of the files it holds
	Size                int64 // bytes of the cabinet file
	Blocks              int   // CFDATA blocks
	RepairedBlocks      int   // blocks whose distance code the guard completed
	StoredBlocks        int   // blocks stored: incompressible or not provably safe
}

// Method is a folder compression method.
type Method uint8

const (
	MSZIP  Method = iota // deflate in 32 KiB blocks; every Windows reads it
	LZX                  // LZX with a window of 2^WindowBits; WiX's low, medium and high
	Stored               // no compression; WiX's none
)

func (m Method) String() string {
	switch m {
	case MSZIP:
		return "MSZIP"
	case LZX:
		return "LZX"
	case Stored:
		return "stored"
	}
	return fmt.Sprintf("Method(%d)", uint8(m))
}

// DefaultLZXFolderSize is the default MaxFolderSize with LZX and Stored,
// whose folders are each compressed by one worker. WiX's parallel builds cut
// 64 MB cabinets; smaller folders keep two cores busier to the end, as the
// last folders finish at nearly the same time, for a few more bytes, as
// LZX's 2 MiB window restarts with each folder. BenchmarkBuildFixtureLZX on
// the Go distribution, 2 cores, LZX 21 (wall s, MB): 32 MiB 6.7-7.0 s,
// 56.79 MB; 16 MiB 6.3-6.5 s, 56.94 MB; 12 MiB 6.1-6.4 s, 56.81 MB; 8 MiB
// 6.2 s, 56.97 MB.
const DefaultLZXFolderSize = 12 << 20

// resolved holds Options with defaults applied and checked.
type resolved struct {
	Options
	date, time uint16
	unguarded  bool // tests only: see guard.keepIncomplete
	// corrupt, tests only, changes each LZX frame before the guard sees it.
	corrupt func(frame []byte)
}

func (o Options) resolve() (*resolved, error) {
	r := &resolved{Options: o}
	if r.Dir == "" {
		return nil, fmt.Errorf("options: Dir is empty: give the directory for the cabinets")
	}
	if r.NamePattern == "" {
		r.NamePattern = DefaultNamePattern
	}
	if strings.Count(r.NamePattern, "%") != 1 || !strings.Contains(r.NamePattern, "%d") || strings.ContainsAny(r.NamePattern, `/\`) {
		return nil, fmt.Errorf("options: NamePattern %q must be a file name with exactly one %%d, like %q", r.NamePattern, DefaultNamePattern)
	}
	switch {
	case r.MaxCabinetSize < 0, r.MaxFolderSize < 0, r.Workers < 0:
		return nil, fmt.Errorf("options: MaxCabinetSize %d, MaxFolderSize %d and Workers %d may not be negative", r.MaxCabinetSize, r.MaxFolderSize, r.Workers)
	case r.Level < 0 || r.Level > 9:
		return nil, fmt.Errorf("options: Level %d is not between 1 and 9 (0 for the default)", r.Level)
	case r.Method > Stored:
		return nil, fmt.Errorf("options: %v: use MSZIP, LZX or Stored", r.Method)
	case r.WindowBits != 0 && (r.Method != LZX || r.WindowBits < lzx.MinWindowBits || r.WindowBits > lzx.MaxWindowBits):
		return nil, fmt.Errorf("options: WindowBits %d with %v: LZX takes 15 to 21 (0 for 21), other methods none", r.WindowBits, r.Method)
	}
	if r.Method == LZX && r.WindowBits == 0 {
		r.WindowBits = lzx.MaxWindowBits
	}
	if r.Method != MSZIP && r.MaxFolderSize == 0 {
		r.MaxFolderSize = DefaultLZXFolderSize
	}
	if r.MaxCabinetSize == 0 {
		r.MaxCabinetSize = 1 << 62
	}
	if r.MaxFolderSize == 0 || r.MaxFolderSize > maxFolderBytes {
		r.MaxFolderSize = maxFolderBytes
	}
	if r.Workers == 0 {
		r.Workers = runtime.NumCPU()
	}
	if r.Level == 0 {
		r.Level = DefaultLevel
	}
	var err error
	if r.date, r.time, err = dosTime(r.Time); err != nil {
		return nil, fmt.Errorf("options: %w", err)
	}
	return r, nil
}

// Build writes the files, in order, into as many cabinets as the limits
// require and returns them in order. Files keep their order, so cabinets
// follow File.Sequence. A cabinet is written to a temporary file in
// opts.Dir, synced, and renamed once every cabinet is complete; on failure
// none is left behind. No files means no cabinets.
func Build(ctx context.Context, files []File, opts Options) ([]Cabinet, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, fmt.Errorf("build cabinets: %w", err)
	}
	p := planner{maxCab: o.MaxCabinetSize, maxFolder: o.MaxFolderSize, overhead: o.blockOverhead(),
		name: func(i int) string { return fmt.Sprintf(o.NamePattern, i+1) }}
	plans, err := p.plan(files)
	if err != nil {
		return nil, fmt.Errorf("build cabinets: %w", err)
	}
	if len(plans) == 0 {
		return nil, nil
	}
	var cabs []Cabinet
	if o.Method == MSZIP {
		cabs, err = newBuilder(o, files, plans).run(ctx)
	} else {
		cabs, err = newFolderBuilder(o, files, plans).run(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("build cabinets: %w", err)
	}
	return cabs, nil
}
