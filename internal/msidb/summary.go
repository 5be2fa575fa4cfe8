package msidb

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"time"
)

// Summary is the summary information stream (MS-OLEPS property set).
type Summary struct {
	Title, Subject, Author, Keywords, Comments string
	// Template is the platform and languages, e.g. "x64;1033". Required.
	Template string
	// PackageCode is the package GUID "{XXXXXXXX-...}". Empty means derived
	// from the content, so identical databases share it and any change in
	// content changes it.
	PackageCode string
	// InstallerVersion is the minimum installer version times 100; 0 means
	// 200 (arm64 packages need 500).
	InstallerVersion int
	// WordCount holds the source flags: 1 short names, 2 compressed, 4
	// administrative image, 8 no elevation.
	WordCount int
	// Security is 0 none, 2 read-only recommended, 4 read-only enforced.
	Security    int
	CreatingApp string
	// Created and Saved are written when non-zero, e.g. from SourceDateEpoch.
	Created, Saved time.Time
}

// SourceDateEpoch reads SOURCE_DATE_EPOCH through getenv (the caller's
// environment, package config's in gomsi; nil is an empty one): ok is
// false when it is unset.
func SourceDateEpoch(getenv func(string) string) (t time.Time, ok bool, err error) {
	if getenv == nil {
		return time.Time{}, false, nil
	}
	v := getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return time.Time{}, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, false, fmt.Errorf("parse SOURCE_DATE_EPOCH %q: want seconds since 1970 as a non-negative integer", v)
	}
	return time.Unix(n, 0).UTC(), true, nil
}

// Property ids and types of the summary information set.
const (
	pidCodePage    = 1
	pidTitle       = 2
	pidSubject     = 3
	pidAuthor      = 4
	pidKeywords    = 5
	pidComments    = 6
	pidTemplate    = 7
	pidLastAuthor  = 8
	pidRevision    = 9
	pidCreated     = 12
	pidSaved       = 13
	pidPageCount   = 14
	pidWordCount   = 15
	pidCharCount   = 16
	pidAppName     = 18
	pidSecurity    = 19
	vtI2           = 2
	vtI4           = 3
	vtLPSTR        = 30
	vtFILETIME     = 64
	summaryStream  = "\x05SummaryInformation"
	filetimeOffset = 116444736000000000 // 100 ns ticks from 1601 to 1970
)

// fmtidSummary is F29F85E0-4FF9-1068-AB91-08002B27B3D9 in on-disk order.
var fmtidSummary = []byte{0xE0, 0x85, 0x9F, 0xF2, 0xF9, 0x4F, 0x68, 0x10, 0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27, 0xB3, 0xD9}

type property struct {
	id    uint32
	value []byte // type and value, padded to 4 bytes
}

// encodeSummary builds the stream; packageCode is already resolved.
func (s Summary) encode(cp int, packageCode string) ([]byte, error) {
	if s.Template == "" {
		return nil, fmt.Errorf("summary information: Template is required, e.g. \"x64;1033\"")
	}
	cp, enc, err := summaryEncoder(cp)
	if err != nil {
		return nil, fmt.Errorf("summary information: %w", err)
	}
	version := s.InstallerVersion
	if version == 0 {
		version = 200
	}
	props, err := appendStrings([]property{{pidCodePage, i2(int16(cp))}}, enc,
		stringProperty{pidTitle, s.Title}, stringProperty{pidSubject, s.Subject}, stringProperty{pidAuthor, s.Author},
		stringProperty{pidKeywords, s.Keywords}, stringProperty{pidComments, s.Comments}, stringProperty{pidTemplate, s.Template},
		stringProperty{pidRevision, packageCode})
	if err != nil {
		return nil, fmt.Errorf("summary information %w", err)
	}
	if !s.Created.IsZero() {
		props = append(props, property{pidCreated, filetime(s.Created)})
	}
	if !s.Saved.IsZero() {
		props = append(props, property{pidSaved, filetime(s.Saved)})
	}
	props = append(props,
		property{pidPageCount, i4(int32(version))},
		property{pidWordCount, i4(int32(s.WordCount))})
	if s.CreatingApp != "" {
		b, err := enc(s.CreatingApp)
		if err != nil {
			return nil, fmt.Errorf("summary information creating application: %w", err)
		}
		props = append(props, property{pidAppName, lpstr(b)})
	}
	props = append(props, property{pidSecurity, i4(int32(s.Security))})
	return propertySet(props), nil
}

// summaryEncoder returns the code page a summary stream declares and its
// string encoder.
func summaryEncoder(cp int) (int, func(string) ([]byte, error), error) {
	if cp == 0 {
		cp = 1252 // neutral databases hold ASCII only, which 1252 reads alike
	}
	enc, err := encoder(cp)
	return cp, enc, err
}

type stringProperty struct {
	id  uint32
	val string
}

// appendStrings appends the non-empty strings as LPSTR properties in the
// summary's code page.
func appendStrings(props []property, enc func(string) ([]byte, error), strs ...stringProperty) ([]property, error) {
	for _, p := range strs {
		if p.val == "" {
			continue
		}
		b, err := enc(p.val)
		if err != nil {
			return nil, fmt.Errorf("property %d: %w", p.id, err)
		}
		props = append(props, property{p.id, lpstr(b)})
	}
	return props, nil
}

func propertySet(props []property) []byte {
	le := binary.LittleEndian
	b := le.AppendUint16(nil, 0xFFFE)  // byte order
	b = le.AppendUint16(b, 0)          // format version
	b = le.AppendUint32(b, 0x00020006) // Win32, OS 6.2: fixed, not the build machine's
	b = append(b, make([]byte, 16)...) // CLSID
	b = le.AppendUint32(b, 1)          // one property set
	b = append(b, fmtidSummary...)     //
	b = le.AppendUint32(b, uint32(len(b)+4))
	size := 8 + 8*len(props)
	for _, p := range props {
		size += len(p.value)
	}
	b = le.AppendUint32(b, uint32(size))
	b = le.AppendUint32(b, uint32(len(props)))
	off := 8 + 8*len(props)
	for _, p := range props {
		b = le.AppendUint32(b, p.id)
		b = le.AppendUint32(b, uint32(off))
		off += len(p.value)
	}
	for _, p := range props {
		b = append(b, p.value...)
	}
	return b
}

func i2(v int16) []byte {
	b := binary.LittleEndian.AppendUint32(nil, vtI2)
	return binary.LittleEndian.AppendUint32(b, uint32(uint16(v)))
}

func i4(v int32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, vtI4)
	return binary.LittleEndian.AppendUint32(b, uint32(v))
}

func lpstr(s []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, vtLPSTR)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)+1))
	b = append(b, s...)
	b = append(b, 0)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func filetime(t time.Time) []byte {
	b := binary.LittleEndian.AppendUint32(nil, vtFILETIME)
	return binary.LittleEndian.AppendUint64(b, uint64(t.UnixNano()/100+filetimeOffset))
}
