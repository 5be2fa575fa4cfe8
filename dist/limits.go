package dist

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
)

// ExtractLimits bound what extracting a zip may write, so that a zip bomb
// (a few MB that expand to many GB, or entries sharing their compressed
// data) is refused before it fills the disk. The defaults leave generous
// room above a Go distribution: go1.26.8.windows-amd64.zip is 71.5 MiB,
// expands to 225 MiB (3.1 times its size), and its largest file,
// compile.exe, is 25 MiB.
type ExtractLimits struct {
	Total int64 // bytes of all files together (GOMSI_MAX_EXTRACT)
	File  int64 // bytes of one file (GOMSI_MAX_EXTRACT_FILE)
	// Ratio bounds the whole zip's expansion: all its files together may
	// be at most Ratio times the zip's size, once they pass ratioFloor
	// (GOMSI_MAX_EXTRACT_RATIO). One entry's ratio says little: deflate
	// reaches 1032:1 on its own and the fixture holds a 799:1 test file;
	// what a bomb needs is the archive's ratio.
	Ratio int64
}

// The defaults of ExtractLimits.
const (
	DefaultMaxExtract      = 4 << 30
	DefaultMaxExtractFile  = 1 << 30
	DefaultMaxExtractRatio = 100
)

// ratioFloor is how far any zip may expand whatever its ratio: small zips
// of repetitive test data have high ratios and hold no threat.
const ratioFloor = 64 << 20

// DefaultExtractLimits returns the limits used when none are set.
func DefaultExtractLimits() ExtractLimits {
	return ExtractLimits{Total: DefaultMaxExtract, File: DefaultMaxExtractFile, Ratio: DefaultMaxExtractRatio}
}

// orDefaults fills the unset limits with the defaults.
func (l ExtractLimits) orDefaults() ExtractLimits {
	d := DefaultExtractLimits()
	if l.Total <= 0 {
		l.Total = d.Total
	}
	if l.File <= 0 {
		l.File = d.File
	}
	if l.Ratio <= 0 {
		l.Ratio = d.Ratio
	}
	return l
}

// ExtractEnv is how the environment sets the ExtractLimits: sizes such as
// 8GiB, 500MiB or a number of bytes, and a whole number; package config
// reads it.
type ExtractEnv struct {
	Total string // GOMSI_MAX_EXTRACT
	File  string // GOMSI_MAX_EXTRACT_FILE
	Ratio string // GOMSI_MAX_EXTRACT_RATIO
}

// Limits parses the limits; unset ones keep their defaults.
func (e ExtractEnv) Limits() (ExtractLimits, error) {
	l := DefaultExtractLimits()
	for _, v := range []struct {
		name, value string
		dst         *int64
	}{{"GOMSI_MAX_EXTRACT", e.Total, &l.Total}, {"GOMSI_MAX_EXTRACT_FILE", e.File, &l.File}} {
		if s := v.value; s != "" {
			n, err := parseSize(s)
			if err != nil {
				return l, fmt.Errorf("parse %s: %w", v.name, err)
			}
			*v.dst = n
		}
	}
	if s := e.Ratio; s != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < 1 {
			return l, fmt.Errorf("parse GOMSI_MAX_EXTRACT_RATIO %q: want a whole number of at least 1, such as %d", s, DefaultMaxExtractRatio)
		}
		l.Ratio = n
	}
	return l, nil
}

// FormatSize writes a size for people: 1.5 GiB, 25.0 MiB, 3.0 KiB or 12 B.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

var sizeUnits = []struct {
	suffix string
	factor int64
}{{"TIB", 1 << 40}, {"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"B", 1}}

// parseSize reads a positive size: a number of bytes, or a whole number
// followed by KiB, MiB, GiB or TiB.
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	factor := int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, factor = strings.TrimSpace(rest), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 1 || n > math.MaxInt64/factor {
		return 0, fmt.Errorf("%q: want a positive size such as 8GiB, 500MiB or a number of bytes", s)
	}
	return n * factor, nil
}

// checkDeclared refuses, before anything is written, a zip whose entries
// declare more than the limits allow. Extraction counts the bytes it writes
// as well (see budget), since a header may lie.
func (l ExtractLimits) checkDeclared(entries []entry, zipSize int64) error {
	var total int64
	for _, e := range entries {
		size := e.file.UncompressedSize64
		if size > uint64(l.File) {
			return l.fileError(e.file.Name, int64(min(size, math.MaxInt64)))
		}
		total = addSat(total, int64(size))
		if err := l.totalError(e.file.Name, total, zipSize); err != nil {
			return err
		}
	}
	return nil
}

// ratioMax is the most a zip of zipSize bytes may expand to by the ratio.
func (l ExtractLimits) ratioMax(zipSize int64) int64 {
	if zipSize > math.MaxInt64/l.Ratio {
		return math.MaxInt64
	}
	return max(ratioFloor, l.Ratio*zipSize)
}

// addSat adds two sizes, stopping at the largest int64 instead of wrapping.
func addSat(a, b int64) int64 {
	if b > math.MaxInt64-a {
		return math.MaxInt64
	}
	return a + b
}

func (l ExtractLimits) fileError(name string, size int64) error {
	return fmt.Errorf("zip entry %q expands to %s, more than the %s one file may (GOMSI_MAX_EXTRACT_FILE; a Go distribution's largest file is about 25 MiB): refused as a possible zip bomb; if you trust this zip, raise GOMSI_MAX_EXTRACT_FILE", name, FormatSize(size), FormatSize(l.File))
}

// totalError reports whether total, the bytes up to and including entry
// name, passes the total limit or the ratio.
func (l ExtractLimits) totalError(name string, total, zipSize int64) error {
	switch {
	case total > l.Total:
		return fmt.Errorf("zip entry %q takes the files past %s, the most a zip may expand to (GOMSI_MAX_EXTRACT; a Go distribution expands to about 230 MiB): refused as a possible zip bomb; if you trust this zip, raise GOMSI_MAX_EXTRACT", name, FormatSize(l.Total))
	case total > l.ratioMax(zipSize):
		return fmt.Errorf("zip entry %q takes the files past %d times the zip's %s (GOMSI_MAX_EXTRACT_RATIO; a Go distribution expands about 3 times): refused as a possible zip bomb; if you trust this zip, raise GOMSI_MAX_EXTRACT_RATIO", name, l.Ratio, FormatSize(zipSize))
	}
	return nil
}

// A budget counts what an extraction writes, on all its goroutines, so that
// a header that understates a file's size is stopped too.
type budget struct {
	limits  ExtractLimits
	zipSize int64
	used    atomic.Int64
}

// take accounts for n more bytes of entry name, which has written bytes
// so far (n included), before they are written.
func (b *budget) take(name string, written, declared, n int64) error {
	if written > declared {
		return fmt.Errorf("zip entry %q holds more than the %d bytes its header declares: the zip is damaged or crafted (download it again)", name, declared)
	}
	if written > b.limits.File {
		return b.limits.fileError(name, written)
	}
	return b.limits.totalError(name, b.used.Add(n), b.zipSize)
}
