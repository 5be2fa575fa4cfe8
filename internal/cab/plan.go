package cab

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// cabPlan is the layout of one cabinet, fixed before any byte is compressed
// so that the layout, and so the output, never depends on how well data
// compresses or on the number of workers.
type cabPlan struct {
	name         string
	first, last  int // indexes in files, inclusive
	folders      []folderPlan
	headerBytes  int64 // CFHEADER + CFFOLDERs + CFFILEs
	uncompressed int64
	dataBound    int64 // most bytes the CFDATA records can take
}

type folderPlan struct {
	first, last int // indexes in files, inclusive
	size        int64
}

func (f folderPlan) blocks() int { return int((f.size + blockSize - 1) / blockSize) }

// worstCase is the most bytes a folder of size bytes takes on disk: every
// block stored (the encoder never emits anything larger).
func worstCase(size int64) int64 {
	return size + (size+blockSize-1)/blockSize*cfdataOverhead
}

// planner splits files into cabinets and folders.
type planner struct {
	maxCab, maxFolder int64
	overhead          int64 // most bytes a CFDATA adds to its block; 0 for MSZIP's
	name              func(i int) string
	cabs              []cabPlan
}

// worst is worstCase for the planner's method.
func (p *planner) worst(size int64) int64 {
	if p.overhead == 0 {
		return worstCase(size)
	}
	return size + (size+blockSize-1)/blockSize*p.overhead
}

func (p *planner) plan(files []File) ([]cabPlan, error) {
	seen := make(map[string]int, len(files))
	for i, f := range files {
		if err := checkFile(f); err != nil {
			return nil, err
		}
		if j, dup := seen[f.Name]; dup {
			return nil, fmt.Errorf("file %d (%s) and file %d (%s) share the name %q: names are File table keys and must be unique", j, files[j].Path, i, f.Path, f.Name)
		}
		seen[f.Name] = i
		if len(p.cabs) > 0 && p.add(&p.cabs[len(p.cabs)-1], i, f) {
			continue
		}
		p.cabs = append(p.cabs, cabPlan{name: p.name(len(p.cabs)), first: i, last: i - 1, headerBytes: headerSize})
		if !p.add(&p.cabs[len(p.cabs)-1], i, f) {
			return nil, fmt.Errorf("file %q (%s) is %d bytes, more than one cabinet can hold (at most about %d bytes per file): install it from outside the cabinet or split it", f.Name, f.Path, f.Size, MaxCabinetBytes-cfdataOverhead*(maxFolderBytes/blockSize))
		}
	}
	return p.cabs, nil
}

// add puts file i at the end of c if the limits allow, starting a new folder
// when the current one is full.
func (p *planner) add(c *cabPlan, i int, f File) bool {
	empty := c.last < c.first
	if !empty && (c.last-c.first+1 >= maxFiles || c.uncompressed+f.Size > p.maxCab) {
		return false
	}
	header := c.headerBytes + fileSize + int64(len(f.Name)) + 1
	data := c.dataBound
	newFolder := len(c.folders) == 0
	if !newFolder {
		last := c.folders[len(c.folders)-1]
		if last.size+f.Size > p.maxFolder {
			newFolder = true
		} else {
			data += p.worst(last.size+f.Size) - p.worst(last.size)
		}
	}
	if newFolder {
		if len(c.folders) >= maxFolders || f.Size > maxFolderBytes {
			return false
		}
		header += folderSize
		data += p.worst(f.Size)
	}
	if header+data > MaxCabinetBytes {
		return false
	}
	if newFolder {
		c.folders = append(c.folders, folderPlan{first: i, last: i - 1})
	}
	fo := &c.folders[len(c.folders)-1]
	fo.last, fo.size = i, fo.size+f.Size
	c.last = i
	c.headerBytes, c.dataBound = header, data
	c.uncompressed += f.Size
	return true
}

func checkFile(f File) error {
	switch {
	case f.Name == "":
		return fmt.Errorf("file %s has no name: give it its File table key", f.Path)
	case len(f.Name) > maxNameBytes:
		return fmt.Errorf("file name %q is %d bytes; cabinets allow %d", f.Name, len(f.Name), maxNameBytes)
	case strings.IndexByte(f.Name, 0) >= 0 || !utf8.ValidString(f.Name):
		return fmt.Errorf("file name %q holds a NUL or invalid UTF-8", f.Name)
	case f.Path == "":
		return fmt.Errorf("file %q has no path on disk", f.Name)
	case f.Size < 0:
		return fmt.Errorf("file %q (%s) has negative size %d", f.Name, f.Path, f.Size)
	}
	return nil
}
