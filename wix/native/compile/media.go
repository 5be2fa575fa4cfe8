package compile

import (
	"strconv"
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// media handles <Media Id Cabinet EmbedCab CompressionLevel>.
func (c *compiler) media(e *wxs.Element) {
	c.err(e.CheckAttrs("Id", "Cabinet", "EmbedCab", "CompressionLevel", "DiskPrompt", "VolumeLabel"))
	id, err := strconv.Atoi(e.Get("Id"))
	if err != nil || id < 1 || id > 32767 {
		c.err(e.Errorf("Id %q: want a disk number from 1 to 32767", e.Get("Id")))
		return
	}
	for _, m := range c.pkg.Media {
		if m.ID == id {
			c.err(e.Errorf("Media %d is defined twice (first at %s)", id, m.Pos))
			return
		}
	}
	m := &Media{ID: id, Cabinet: e.Get("Cabinet"), Embed: yes(e, "EmbedCab"), DiskPrompt: e.Get("DiskPrompt"), VolumeLabel: e.Get("VolumeLabel"), Pos: e.Pos}
	m.Compression = c.compression(e)
	if m.Embed && m.Cabinet == "" {
		c.err(e.Errorf("EmbedCab=\"yes\" needs a Cabinet name"))
	}
	if m.Cabinet == "" {
		c.err(e.Errorf("uncompressed media (no Cabinet) are not supported by the native toolset: name a Cabinet with EmbedCab=\"yes\""))
	} else if !m.Embed {
		c.err(e.Errorf("external cabinets are not supported by the native toolset: add EmbedCab=\"yes\""))
	}
	c.pkg.Media = append(c.pkg.Media, m)
}

// mediaTemplate handles <MediaTemplate>: cabinets are cut automatically.
func (c *compiler) mediaTemplate(e *wxs.Element) {
	c.err(e.CheckAttrs("CabinetTemplate", "EmbedCab", "CompressionLevel", "MaximumUncompressedMediaSize"))
	if c.pkg.Template != nil {
		c.err(e.Errorf("a second MediaTemplate"))
		return
	}
	pattern := "cab{0}.cab"
	if p := e.Get("CabinetTemplate"); p != "" {
		pattern = p
	}
	if strings.Count(pattern, "{0}") != 1 || strings.Contains(pattern, "%") {
		c.err(e.Errorf("CabinetTemplate %q must hold {0} once (and no %%)", pattern))
	}
	t := &MediaTemplate{Pattern: strings.Replace(pattern, "{0}", "%d", 1), Embed: yes(e, "EmbedCab"), Compression: c.compression(e), MaxSize: 200 << 20, Pos: e.Pos}
	if s := e.Get("MaximumUncompressedMediaSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			c.err(e.Errorf("MaximumUncompressedMediaSize %q: want megabytes", s))
		}
		t.MaxSize = int64(n) << 20
	}
	if !t.Embed {
		c.err(e.Errorf("external cabinets are not supported by the native toolset: add EmbedCab=\"yes\""))
	}
	c.pkg.Template = t
}

// compression checks WiX's CompressionLevel; the toolset maps it to a
// cabinet format (wix/native/media.go).
func (c *compiler) compression(e *wxs.Element) string {
	switch v := e.Get("CompressionLevel"); v {
	case "", "none", "low", "medium", "high", "mszip":
		return v
	default:
		c.err(e.Errorf("CompressionLevel %q: use none, low, medium, high or mszip", v))
	}
	return ""
}
