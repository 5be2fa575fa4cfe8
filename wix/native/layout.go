package native

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/wix/native/compile"
)

// maxLayoutDepth bounds the Directory chain walked for one file: the
// Directory table comes from the sources, which may hold a loop.
const maxLayoutDepth = 256

// placedLayout are the uncompressed files copied beside the package.
type placedLayout []string

// remove deletes them again, when the package could not be written.
func (p placedLayout) remove() {
	for _, path := range p {
		os.Remove(path)
	}
}

// placeUncompressedFiles copies the files of Media without Cabinet beside
// the package, where Windows Installer looks for them: as light does
// (Binder.cs ProcessUncompressedFiles, GetFileSourcePath), each goes to
// the path the Directory table's source names make (long or short names
// as the summary's word count says, a leading SourceDir dropped), or to
// the package's folder itself in a compressed package. The files are
// copied into a work folder first and renamed into place only when all
// are there; the names come from the sources, so every part must be a
// plain name and nothing may land outside the package's folder.
func placeUncompressedFiles(pkg *compile.Package, out string) (placedLayout, error) {
	var files []*compile.File
	for _, f := range pkg.Files {
		if f.Uncompressed {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	paths, err := layoutPaths(pkg, files)
	if err != nil {
		return nil, err
	}
	root := filepath.Dir(out)
	seen := map[string]*compile.File{strings.ToLower(filepath.Base(out)): nil}
	for i, f := range files {
		key := strings.ToLower(paths[i])
		if other, dup := seen[key]; dup {
			if other == nil {
				return nil, fmt.Errorf("%s: File %s would be laid out as %s, the package itself: rename the file", f.Pos, f.Key, paths[i])
			}
			return nil, fmt.Errorf("%s: File %s would be laid out as %s, like File %s (%s): give one another name or directory", f.Pos, f.Key, paths[i], other.Key, other.Pos)
		}
		seen[key] = f
	}
	work, err := os.MkdirTemp(root, "."+filepath.Base(out)+".layout"+atomicfile.TempMark+"*") // a name the next run sweeps
	if err != nil {
		return nil, fmt.Errorf("lay out uncompressed files: %w", err)
	}
	defer os.RemoveAll(work)
	for i, f := range files {
		if err := atomicfile.CopyNew(f.Source, filepath.Join(work, fmt.Sprint(i))); err != nil {
			return nil, fmt.Errorf("%s: File %s: lay out %s: %w", f.Pos, f.Key, f.Source, err)
		}
	}
	var placed placedLayout
	for i, f := range files {
		dest := filepath.Join(root, paths[i])
		if err := makeLayoutDirs(root, filepath.Dir(paths[i])); err != nil {
			placed.remove()
			return nil, fmt.Errorf("%s: File %s: lay out %s: %w", f.Pos, f.Key, dest, err)
		}
		if fi, err := os.Lstat(dest); err == nil && !fi.Mode().IsRegular() {
			placed.remove()
			return nil, fmt.Errorf("%s: File %s: lay out %s: it exists and is not a regular file", f.Pos, f.Key, dest)
		}
		if err := os.Rename(filepath.Join(work, fmt.Sprint(i)), dest); err != nil {
			placed.remove()
			return nil, fmt.Errorf("%s: File %s: lay out: %w", f.Pos, f.Key, err)
		}
		placed = append(placed, dest)
	}
	return placed, nil
}

// layoutPaths are the files' paths relative to the package's folder.
func layoutPaths(pkg *compile.Package, files []*compile.File) ([]string, error) {
	longNames := pkg.Summary.WordCount&1 == 0
	flat := pkg.Summary.WordCount&2 != 0 // compressed package: uncompressed files sit at the root
	type dir struct{ parent, name string }
	dirs := map[string]dir{}
	for _, r := range pkg.Tables.Rows("Directory") {
		parent, _ := r[1].(string)
		defaultDir, _ := r[2].(string)
		dirs[fmt.Sprint(r[0])] = dir{parent, sourceName(defaultDir, longNames)}
	}
	compDir := map[string]string{}
	for _, r := range pkg.Tables.Rows("Component") {
		compDir[fmt.Sprint(r[0])] = fmt.Sprint(r[2])
	}
	paths := make([]string, len(files))
	for i, f := range files {
		parts := []string{sourceName(f.FileName, longNames)}
		if !flat {
			id, ok := compDir[f.Component]
			for depth := 0; id != ""; depth++ {
				d, found := dirs[id]
				if !ok || !found || depth > maxLayoutDepth {
					return nil, fmt.Errorf("%s: File %s: its directory %q is not in the Directory table (or its parents loop)", f.Pos, f.Key, id)
				}
				parts = append([]string{d.name}, parts...)
				id = d.parent
			}
			if len(parts) > 1 && parts[0] == "SourceDir" {
				parts = parts[1:]
			}
		}
		var kept []string
		for _, p := range parts {
			if p == "." {
				continue // the parent's own folder
			}
			if p == "" || p == ".." || strings.ContainsAny(p, `\/:*?"<>|`) || strings.ContainsRune(p, 0) {
				return nil, fmt.Errorf("%s: File %s: its source layout path has the part %q, which is not a plain file name: rename the directory or file", f.Pos, f.Key, p)
			}
			kept = append(kept, p)
		}
		rel := filepath.Join(kept...)
		if !filepath.IsLocal(rel) {
			return nil, fmt.Errorf("%s: File %s: its source layout path %s leaves the package's folder", f.Pos, f.Key, rel)
		}
		paths[i] = rel
	}
	return paths, nil
}

// sourceName picks the source name from a DefaultDir or FileName value,
// "target:source" with each "short|long" (Installer.cs GetName): the
// source part when there is one, the long name when longNames.
func sourceName(value string, longNames bool) string {
	if i := strings.IndexByte(value, ':'); i >= 0 {
		value = value[i+1:]
	}
	short, long, hasLong := strings.Cut(value, "|")
	if longNames && hasLong {
		return long
	}
	return short
}

// makeLayoutDirs creates rel's folders under root, refusing to go through
// a symbolic link (one left there could point anywhere).
func makeLayoutDirs(root, rel string) error {
	path := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if part == "." || part == "" {
			continue
		}
		path = filepath.Join(path, part)
		fi, err := os.Lstat(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			if err := os.Mkdir(path, 0o755); err != nil {
				return err
			}
		case err != nil:
			return err
		case !fi.IsDir():
			return fmt.Errorf("%s exists and is not a folder", path)
		}
	}
	return nil
}
