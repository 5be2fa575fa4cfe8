package cab

import (
	"encoding/binary"
	"fmt"
	"time"
)

// MS-CAB structure sizes and limits.
const (
	headerSize   = 36 // CFHEADER without reserve or cabinet-set fields
	folderSize   = 8  // CFFOLDER
	fileSize     = 16 // CFFILE before its name
	typeStored   = 0
	typeMSZIP    = 1
	typeLZX      = 3 // | window bits << 8
	attrArchive  = 0x20
	attrNameUTF8 = 0x80
	maxNameBytes = 255 // CFFILE names, without the NUL

	// MaxCabinetBytes is the format's limit on a cabinet file (cbCabinet).
	MaxCabinetBytes = 0x7FFFFFFF
	// maxFolderBytes is the most a folder holds: 65535 full CFDATA blocks.
	maxFolderBytes = 0xFFFF * blockSize
	maxFiles       = 0xFFFF // CFFILE entries per cabinet (cFiles)
	maxFolders     = 0xFFFD // iFolder values from 0xFFFD on mean "continued"
)

// dosTime converts t to the DOS date and time stamped in every CFFILE.
// Installers give the installed files this time.
func dosTime(t time.Time) (date, tm uint16, err error) {
	if t.IsZero() {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if t.Year() < 1980 || t.Year() > 2107 {
		return 0, 0, fmt.Errorf("time %s is outside the DOS range 1980-2107", t.Format(time.RFC3339))
	}
	date = uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day())
	tm = uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
	return date, tm, nil
}

// cabHeader serializes the part of a cabinet before its first CFDATA:
// CFHEADER, the CFFOLDERs and the CFFILEs. dataStart[i] is the offset of
// folder i's first CFDATA and total the size of the whole cabinet, both
// known only after compression.
func cabHeader(c *cabPlan, files []File, total int64, dataStart []int64, date, tm, typ uint16) []byte {
	b := make([]byte, 0, c.headerBytes)
	le := binary.LittleEndian
	b = append(b, 'M', 'S', 'C', 'F')
	b = le.AppendUint32(b, 0)
	b = le.AppendUint32(b, uint32(total))
	b = le.AppendUint32(b, 0)
	b = le.AppendUint32(b, uint32(headerSize+folderSize*len(c.folders))) // coffFiles
	b = le.AppendUint32(b, 0)
	b = append(b, 3, 1) // version 1.3
	b = le.AppendUint16(b, uint16(len(c.folders)))
	b = le.AppendUint16(b, uint16(c.last-c.first+1))
	b = le.AppendUint16(b, 0) // flags: no reserve, not part of a spanning set
	b = le.AppendUint16(b, 0) // setID
	b = le.AppendUint16(b, 0) // iCabinet
	for i, f := range c.folders {
		b = le.AppendUint32(b, uint32(dataStart[i]))
		b = le.AppendUint16(b, uint16(f.blocks()))
		b = le.AppendUint16(b, typ)
	}
	for i, f := range c.folders {
		var off int64
		for k := f.first; k <= f.last; k++ {
			attr := uint16(attrArchive)
			if !isASCII(files[k].Name) {
				attr |= attrNameUTF8
			}
			b = le.AppendUint32(b, uint32(files[k].Size))
			b = le.AppendUint32(b, uint32(off))
			b = le.AppendUint16(b, uint16(i))
			b = le.AppendUint16(b, date)
			b = le.AppendUint16(b, tm)
			b = le.AppendUint16(b, attr)
			b = append(b, files[k].Name...)
			b = append(b, 0)
			off += files[k].Size
		}
	}
	return b
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
