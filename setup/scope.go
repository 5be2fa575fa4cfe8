package setup

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/richardlehane/mscfb"

	"github.com/gomsi/gomsi/setup/launch"
)

// wordCountNoElevation is the summary information's Word Count bit that
// marks a package that installs without elevation (per user).
const wordCountNoElevation = 8

// PackageScope reads an MSI's install scope from its summary information,
// so that the setup's execution level always matches the package it
// carries, whatever the configuration says now.
func PackageScope(msi string) (launch.Scope, error) {
	f, err := os.Open(msi)
	if err != nil {
		return "", fmt.Errorf("read the scope of %s: %w", msi, err)
	}
	defer f.Close()
	doc, err := mscfb.New(f)
	if err != nil {
		return "", fmt.Errorf("read the scope of %s: not an MSI: %w", msi, err)
	}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		if e.Initial != 5 || e.Name != "SummaryInformation" { // mscfb strips the \x05 into Initial
			continue
		}
		data, err := io.ReadAll(io.LimitReader(e, 1<<20))
		if err != nil {
			return "", fmt.Errorf("read the scope of %s: %w", msi, err)
		}
		wc, err := wordCount(data)
		if err != nil {
			return "", fmt.Errorf("read the scope of %s: summary information: %w", msi, err)
		}
		if wc&wordCountNoElevation != 0 {
			return launch.PerUser, nil
		}
		return launch.PerMachine, nil
	}
	return "", fmt.Errorf("read the scope of %s: it has no summary information", msi)
}

// wordCount finds PID_WORDCOUNT (15, a VT_I4) in a property set stream
// ([MS-OLEPS]: a 28-byte header, the first set's FMTID and offset, then
// the set: size, count, and (id, offset) pairs relative to the set).
func wordCount(b []byte) (int32, error) {
	le := binary.LittleEndian
	if len(b) < 48 {
		return 0, errors.New("too short")
	}
	set := int(le.Uint32(b[44:]))
	if set < 48 || set+8 > len(b) {
		return 0, errors.New("bad property set offset")
	}
	n := int(le.Uint32(b[set+4:]))
	for i := 0; i < n; i++ {
		entry := set + 8 + 8*i
		if entry+8 > len(b) {
			return 0, errors.New("property list past the end")
		}
		if le.Uint32(b[entry:]) != 15 {
			continue
		}
		at := set + int(le.Uint32(b[entry+4:]))
		if at < set || at+8 > len(b) || le.Uint16(b[at:]) != 3 { // VT_I4
			return 0, errors.New("bad Word Count property")
		}
		return int32(le.Uint32(b[at+4:])), nil
	}
	return 0, errors.New("no Word Count property")
}
