package compile

import (
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

type directory struct {
	id, parent string
	name       string // long target name; "" for "." (the parent itself)
	short      string // authored ShortName, if any
	defaultDir string // resolved in finishDirectories
	pos        wxs.Pos
	e          *wxs.Element
}

func (c *compiler) directory(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "Name", "ShortName", "SourceName", "ComponentGuidGenerationSeed"))
	id := e.Get("Id")
	if !validID(id) {
		c.err(e.Errorf("Id %q is not a valid identifier (letters, digits, _ and ., not starting with a digit or .)", id))
		return
	}
	if first := c.dirs[id]; first != nil {
		c.err(e.Errorf("Directory %s is defined twice (first at %s)", id, first.pos))
		return
	}
	name := e.Get("Name")
	if name == "." {
		name = ""
	}
	if e.Get("ComponentGuidGenerationSeed") != "" || e.Get("SourceName") != "" {
		c.err(e.NotNativef("ComponentGuidGenerationSeed and SourceName are not supported by the native toolset"))
	}
	if s.dir == "" && id != "TARGETDIR" {
		// WiX puts a root Directory other than TARGETDIR under TARGETDIR.
		s.dir = "TARGETDIR"
		c.dirRefs = append(c.dirRefs, ref{"Directory", "TARGETDIR", e})
	}
	if id == "TARGETDIR" && s.dir != "" {
		c.err(e.Errorf("TARGETDIR must be the root directory"))
	}
	if strings.ContainsAny(name, `\/:*?"<>|`) {
		c.err(e.Errorf("Name %q holds a character Windows forbids in file names", name))
	}
	d := &directory{id: id, parent: s.dir, name: name, short: e.Get("ShortName"), pos: e.Pos, e: e}
	c.dirs[id] = d
	c.dirOrder = append(c.dirOrder, id)
	c.children(e, scope{dir: id})
}

func (c *compiler) directoryRef(e *wxs.Element, s scope) {
	c.err(e.CheckAttrs("Id", "DiskId"))
	if e.Get("DiskId") != "" {
		c.err(e.Errorf("DiskId is not supported on DirectoryRef by the native toolset; put it on the File elements"))
	}
	c.dirRefs = append(c.dirRefs, ref{"Directory", e.Get("Id"), e})
	c.children(e, scope{dir: e.Get("Id")})
}

// finishDirectories adds the Directory rows, with short names for names
// that are not valid 8.3 names, unique within their parent.
func (c *compiler) finishDirectories() {
	for _, r := range c.dirRefs {
		if c.dirs[r.id] == nil {
			if r.id == "TARGETDIR" {
				// A root Directory without TARGETDIR: define it as WiX does.
				c.dirs["TARGETDIR"] = &directory{id: "TARGETDIR", name: "SourceDir", pos: r.e.Pos, e: r.e}
				c.dirOrder = append(c.dirOrder, "TARGETDIR")
				continue
			}
			c.err(r.e.Errorf("Directory %q is not defined in any source", r.id))
		}
	}
	for _, id := range c.dirOrder {
		d := c.dirs[id]
		switch {
		case d.parent == "" && d.name == "":
			d.defaultDir = "SourceDir"
		case d.parent == "":
			d.defaultDir = d.name // the root's name is the source folder, never shortened
		case d.name == "":
			d.defaultDir = "."
		default:
			d.defaultDir = c.names.name(d.parent, d.name, d.short, d.e, c)
		}
	}
	for _, id := range c.dirOrder {
		d := c.dirs[id]
		var parent any
		if d.parent != "" {
			parent = d.parent
		}
		c.add(d.e, "Directory", d.id, parent, d.defaultDir)
	}
}

// targetPath returns the canonical path WiX hashes for component GUIDs:
// standard directories by their id, others by their lower-cased long names.
func (c *compiler) targetPath(id string) (string, bool) {
	d := c.dirs[id]
	if d == nil {
		return "", false
	}
	if standardDirectories[id] {
		return id, true
	}
	if d.parent == "" {
		return strings.ToLower(d.name), true
	}
	parent, ok := c.targetPath(d.parent)
	if !ok {
		return "", false
	}
	if d.name == "" {
		return parent, true
	}
	return parent + `\` + strings.ToLower(d.name), true
}

// standardDirectories are the Windows Installer's predefined folders.
var standardDirectories = set(`TARGETDIR AdminToolsFolder AppDataFolder CommonAppDataFolder
	CommonFiles64Folder CommonFiles6432Folder CommonFilesFolder DesktopFolder FavoritesFolder
	FontsFolder LocalAppDataFolder MyPicturesFolder NetHoodFolder PersonalFolder PrintHoodFolder
	ProgramFiles64Folder ProgramFiles6432Folder ProgramFilesFolder ProgramMenuFolder RecentFolder
	SendToFolder StartMenuFolder StartupFolder System16Folder System64Folder System6432Folder
	SystemFolder TempFolder TemplateFolder WindowsFolder WindowsVolume`)

func validID(id string) bool {
	if id == "" || len(id) > 72 {
		return false
	}
	for i, r := range id {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case (r >= '0' && r <= '9') || r == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
