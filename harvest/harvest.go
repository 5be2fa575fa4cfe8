// Package harvest turns a Go distribution tree into the WiX model that heat
// would produce: one component per file, each file its component's key path,
// with deterministic identifiers and component GUIDs.
package harvest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Tree is a harvested distribution, rooted at the install folder.
type Tree struct {
	Root       *Dir
	Components []*Component // every component, in walk order (sorted by path)
	Files      int          // number of files
}

// Dir is a folder below the install folder; the root's ID is the
// DirectoryRef it hangs from.
type Dir struct {
	ID         string
	Name       string // long name of the folder
	Path       string // slash-separated path from the root, "." for the root
	Dirs       []*Dir
	Components []*Component
}

// Component holds one file, or nothing for a folder that has no file of its
// own (its component creates it and removes it on uninstall).
type Component struct {
	ID   string
	GUID string // uppercase, no braces
	Dir  *Dir
	File *File // nil for an empty folder
	// RemoveFolder is set on the first component of each folder: it creates
	// the folder and removes it on uninstall (with this id), so that no empty
	// folder stays behind. Empty for the other components.
	RemoveFolder string
}

// File is a file of the tree.
type File struct {
	ID     string
	Name   string // long name
	Source string // slash-separated path from the root
}

// Options control the harvest.
type Options struct {
	// RootID is the id of the install folder's DirectoryRef; INSTALLDIR by default.
	RootID string
	// Exclude lists globs (path.Match syntax) matched against slash-separated
	// paths from the root; a glob without a slash matches names at any depth.
	// A matched folder is skipped whole.
	Exclude []string
	// GUIDScope makes component GUIDs unique per product line: the upgrade
	// code, arch and install path. Equal scopes give equal GUIDs for equal
	// paths, across builds and versions.
	GUIDScope string
}

// ErrDuplicateID is wrapped by errors for identifiers that two paths share.
var ErrDuplicateID = errors.New("duplicate identifier")

// guidNamespace is gomsi's UUID namespace for component GUIDs.
var guidNamespace = uuid.MustParse("6D1F6A6E-3C47-4F4B-9E33-7A35B1D2C0AB")

// Harvest walks fsys (the Go root) and returns its WiX model. It does no I/O
// beyond walking the tree.
func Harvest(fsys fs.FS, opts Options) (*Tree, error) {
	if opts.RootID == "" {
		opts.RootID = "INSTALLDIR"
	}
	for _, pattern := range opts.Exclude {
		if _, err := path.Match(pattern, ""); err != nil {
			return nil, fmt.Errorf("harvest: exclude pattern %q: %w", pattern, err)
		}
	}
	h := &harvester{opts: opts, ids: map[string]string{}, usedGlobs: map[string]bool{}, scope: uuid.NewSHA1(guidNamespace, []byte(opts.GUIDScope))}
	root := &Dir{ID: opts.RootID, Path: "."}
	h.tree.Root = root
	dirs := map[string]*Dir{".": root}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("harvest: %w", err)
		}
		if p == "." {
			return nil
		}
		if h.excluded(p) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		parent := dirs[path.Dir(p)]
		switch {
		case d.IsDir():
			dir := &Dir{Name: d.Name(), Path: p}
			if dir.ID, err = h.id("dir", p); err != nil {
				return err
			}
			parent.Dirs = append(parent.Dirs, dir)
			dirs[p] = dir
			return nil
		case d.Type().IsRegular():
			f := &File{Name: d.Name(), Source: p}
			if f.ID, err = h.id("fil", p); err != nil {
				return err
			}
			h.tree.Files++
			return h.addComponent(parent, p, f)
		default:
			return fmt.Errorf("harvest: %s is not a regular file or folder", p)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := h.checkExcludes(fsys); err != nil {
		return nil, err
	}
	if err := h.addFolderComponents(root); err != nil {
		return nil, err
	}
	return &h.tree, nil
}

type harvester struct {
	opts  Options
	tree  Tree
	ids   map[string]string // id -> path, to prove uniqueness
	scope uuid.UUID
	// usedGlobs are the exclude globs that matched something.
	usedGlobs map[string]bool
}

func (h *harvester) excluded(p string) bool {
	if glob := h.excludedBy(p); glob != "" {
		h.usedGlobs[glob] = true
		return true
	}
	return false
}

// excludedBy returns the first exclude glob matching p itself, or "".
func (h *harvester) excludedBy(p string) string {
	for _, pattern := range h.opts.Exclude {
		subject := p
		if !strings.Contains(pattern, "/") {
			subject = path.Base(p)
		}
		if ok, _ := path.Match(pattern, subject); ok {
			return pattern
		}
	}
	return ""
}

// required lists the files an exclude glob may not remove from a Go
// distribution: go.exe, and gofmt.exe, which "go fmt" runs from the same
// folder. Both are what the installer puts on PATH. Only files the
// distribution has are required, so trees of other shapes still harvest.
var required = []string{"bin/go.exe", "bin/gofmt.exe"}

// checkExcludes refuses excludes that would leave an MSI of Go without its
// go command, or without any file at all.
func (h *harvester) checkExcludes(fsys fs.FS) error {
	if len(h.usedGlobs) == 0 {
		return nil
	}
	for _, req := range required {
		if _, err := fs.Stat(fsys, req); err != nil {
			continue
		}
		// The file, or a folder above it that the walk skipped whole.
		for p := req; p != "."; p = path.Dir(p) {
			if glob := h.excludedBy(p); glob != "" {
				return fmt.Errorf("harvest: exclude %q removes %s, without which the installed Go does not work: remove or narrow that glob in gomsi.yaml", glob, req)
			}
		}
	}
	if h.tree.Files == 0 {
		var globs []string
		for _, g := range h.opts.Exclude {
			if h.usedGlobs[g] {
				globs = append(globs, strconv.Quote(g))
			}
		}
		return fmt.Errorf("harvest: exclude %s removes every file of the distribution: remove or narrow those globs in gomsi.yaml", strings.Join(globs, ", "))
	}
	return nil
}

func (h *harvester) addComponent(dir *Dir, p string, f *File) error {
	id, err := h.id("cmp", p)
	if err != nil {
		return err
	}
	c := &Component{ID: id, GUID: h.guid(p), Dir: dir, File: f}
	dir.Components = append(dir.Components, c)
	h.tree.Components = append(h.tree.Components, c)
	return nil
}

// addFolderComponents gives every folder without a file a component of its
// own, so that empty folders are installed, and makes each folder's first
// component remove it on uninstall: Windows Installer removes the folders of
// uninstalled components, but not the folders above them that hold none.
func (h *harvester) addFolderComponents(d *Dir) error {
	if len(d.Components) == 0 {
		if err := h.addComponent(d, d.Path+"/", nil); err != nil {
			return err
		}
	}
	id, err := h.id("rmf", d.Path+"/")
	if err != nil {
		return err
	}
	d.Components[0].RemoveFolder = id
	for _, sub := range d.Dirs {
		if err := h.addFolderComponents(sub); err != nil {
			return err
		}
	}
	return nil
}

// id derives a WiX identifier from a path: a prefix and 128 bits of its
// SHA-256, 35 characters, like heat's -g1 ids but stable on every OS.
func (h *harvester) id(prefix, p string) (string, error) {
	sum := sha256.Sum256([]byte(prefix + ":" + p))
	id := prefix + strings.ToUpper(hex.EncodeToString(sum[:16]))
	if prev, ok := h.ids[id]; ok {
		return "", fmt.Errorf("harvest: %w %s for %q and %q", ErrDuplicateID, id, prev, p)
	}
	h.ids[id] = p
	return id, nil
}

// guid is a name-based (SHA-1) UUID of the path within the product line.
// Windows paths ignore case, so neither does the GUID.
func (h *harvester) guid(p string) string {
	return strings.ToUpper(uuid.NewSHA1(h.scope, []byte(strings.ToLower(p))).String())
}
