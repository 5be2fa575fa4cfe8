package native

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// FileResolver finds the files a source names (File/@Source,
// Binary/@SourceFile, Icon/@SourceFile) the way WiX v3's light does
// (BinderFileManager.ResolveFile, src/tools/wix/BinderFileManager.cs, with
// light.cs putting each unnamed -b path in both its bind paths and its source
// paths):
//   - an absolute path is used as it is, and must exist (as anything: a
//     folder or a special file is refused later, by what it is);
//   - a relative path is tried as it is (against the working directory),
//     then against each base path in order;
//   - a path starting with SourceDir\ (what candle writes for a File without
//     Source) is tried with that prefix removed against each base path, then
//     with and without it against each base path again, never against the
//     working directory.
//
// Unlike light, the directory of the intermediate (.wixobj) is not searched:
// there is none, and the source's own directory is not a light search path.
type FileResolver struct {
	// BasePaths are light's -b paths, in order.
	BasePaths []string
	// NamedBindPaths are light's -b name=path, for a path starting with
	// !(bindpath.name): each folder of the name is tried in order.
	NamedBindPaths map[string][]string
}

// sourceDirPrefix is the directory candle names a File's source after when
// it has no Source attribute; light resolves it against the bind paths.
const sourceDirPrefix = "SourceDir/"

// ErrFileNotFound is wrapped by Resolve errors for files found in none of
// the places tried.
var ErrFileNotFound = errors.New("file not found")

// Resolve returns the path of the file source names, or an error listing
// every path tried.
func (r FileResolver) Resolve(source string) (string, error) {
	if source == "" {
		return "", errors.New("empty file path")
	}
	if name, rest, ok := wxs.BindPathRef(source); ok {
		return r.resolveNamed(name, rest)
	}
	p := filepath.FromSlash(strings.ReplaceAll(source, `\`, "/"))
	var tried []string
	try := func(path string) bool {
		if isFile(path) {
			return true
		}
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			path += " (a folder)"
		}
		tried = append(tried, path)
		return false
	}
	if filepath.IsAbs(p) {
		// Whatever it is: a folder or a device is then refused by
		// what it is, when measured, which says more than "not found".
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		return "", fmt.Errorf("%w: %s", ErrFileNotFound, p)
	}
	slashed := filepath.ToSlash(p)
	if rest, ok := strings.CutPrefix(slashed, sourceDirPrefix); ok {
		for _, base := range r.BasePaths {
			if path := filepath.Join(base, filepath.FromSlash(rest)); try(path) {
				return path, nil
			}
		}
	} else if try(p) {
		return p, nil
	}
	for _, base := range r.BasePaths {
		if path := filepath.Join(base, p); try(path) {
			return path, nil
		}
		if rest, ok := strings.CutPrefix(slashed, sourceDirPrefix); ok {
			if path := filepath.Join(base, filepath.FromSlash(rest)); try(path) {
				return path, nil
			}
		}
	}
	return "", notFound(source, tried)
}

// resolveNamed finds !(bindpath.name)rest in name's folders, in order, as
// light does (BinderFileManager.ResolveFile: the separators after the
// reference are dropped, then the rest is joined to each folder).
func (r FileResolver) resolveNamed(name, rest string) (string, error) {
	rel := filepath.FromSlash(strings.TrimLeft(strings.ReplaceAll(rest, `\`, "/"), "/"))
	var tried []string
	for _, base := range r.NamedBindPaths[name] {
		path := filepath.Join(base, rel)
		if isFile(path) {
			return path, nil
		}
		tried = append(tried, path)
	}
	if len(tried) == 0 {
		return "", fmt.Errorf("%w: !(bindpath.%s)%s: no bind path is named %s: give it (wixc -b %s=folder)", ErrFileNotFound, name, rest, name, name)
	}
	return "", fmt.Errorf("%w: !(bindpath.%s)%s; tried %s", ErrFileNotFound, name, rest, strings.Join(dedupe(tried), ", "))
}

func notFound(source string, tried []string) error {
	wd, err := os.Getwd()
	if err != nil {
		wd = "?"
	}
	return fmt.Errorf("%w: %s; tried %s (working directory %s): give its absolute path, or the base paths to search (wixc -b)", ErrFileNotFound, source, strings.Join(dedupe(tried), ", "), wd)
}

// dedupe drops repeated paths, keeping the first of each.
func dedupe(paths []string) []string {
	seen := map[string]bool{}
	out := paths[:0]
	for _, p := range paths {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// isFile is light's CheckFileExists: the path names something that is not a
// directory (special files are refused later, when measured).
func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}
