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
	if m.Cabinet != "" { // without one, the media's files are laid out uncompressed (uncompressed.go)
		c.cabinetName(e, "Cabinet", m.Cabinet, m.Embed)
		for _, other := range c.pkg.Media {
			if strings.EqualFold(other.Cabinet, m.Cabinet) {
				c.err(e.Errorf("Cabinet %s is also Media %d's (at %s): give each Media its own cabinet", m.Cabinet, other.ID, other.Pos))
			}
		}
	}
	c.pkg.Media = append(c.pkg.Media, m)
}

// mediaTemplate handles <MediaTemplate>: cabinets are cut automatically.
// As in WiX v3 they are external unless EmbedCab="yes".
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
	c.cabinetName(e, "CabinetTemplate", strings.Replace(pattern, "{0}", "1", 1), t.Embed)
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

// cabinetName checks a cabinet's name: an embedded one is a stream name of
// at most 62 characters (WiX v3: MediaEmbeddedCabinetNameTooLong); an
// external one (EmbedCab="no", written beside the package as light does)
// must be a plain file name, never a path.
func (c *compiler) cabinetName(e *wxs.Element, attr, name string, embed bool) {
	switch {
	case embed && len(name) > 62:
		c.err(e.Errorf("%s %q: an embedded cabinet's name is at most 62 characters", attr, name))
	case !embed && (strings.ContainsAny(name, `\/:*?"<>|`) || name == "." || name == ".." || strings.TrimSpace(name) != name):
		c.err(e.Errorf("%s %q: an external cabinet is written beside the package, so its name must be a plain file name (no folders, none of \\ / : * ? \" < > |)", attr, name))
	}
}
