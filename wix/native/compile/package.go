package compile

import (
	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Package is a compiled installer: rows for every table but File and
// Media, which need the files measured and the cabinets laid out first.
type Package struct {
	Tables   *Tables
	Files    []*File // in sequence order
	Media    []*Media
	Template *MediaTemplate // nil unless a MediaTemplate was authored
	Summary  msidb.Summary
	CodePage int
	// ProductCode is the resolved ProductCode property.
	ProductCode string

	compressed bool
}

// File is one File element: its row values but size, version and sequence.
type File struct {
	Key        string
	Component  string
	FileName   string // "SHORT|long" or "name"
	Source     string // path on disk
	DiskID     int
	Attributes int
	Pos        wxs.Pos

	short string // authored ShortName
	dir   string // directory id
}

// Media is one authored Media element.
type Media struct {
	ID          int
	Cabinet     string // "" for uncompressed media
	Embed       bool
	Level       int // deflate level; 0 for the default
	DiskPrompt  string
	VolumeLabel string
	Pos         wxs.Pos
}

// MediaTemplate is an authored MediaTemplate element.
type MediaTemplate struct {
	Pattern string // cabinet names, one %d
	Embed   bool
	Level   int
	MaxSize int64 // uncompressed bytes per cabinet
	Pos     wxs.Pos
}
