package wxs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// include is WiX v3's PreprocessInclude: <?include file.wxi?> reads
// another file, whose root element is <Include>, and puts that element's
// content here. The file is looked for as candle's GetIncludeFile does: an
// absolute path as it is, a relative one beside the including file, then
// in each of Options.IncludeDirs in order.
func (p *parser) include(pos Pos, arg string) error {
	path, err := p.expand(pos, arg)
	if err != nil {
		return fmt.Errorf("%s: <?include %s?>: %w", pos, clip(arg), err)
	}
	path = strings.TrimSpace(path)
	if len(path) >= 2 && (path[0] == '"' || path[0] == '\'') && path[len(path)-1] == path[0] {
		path = path[1 : len(path)-1]
	}
	if path == "" {
		return fmt.Errorf("%s: <?include?> names no file", pos)
	}
	chain := 1
	for f := pos.IncludedFrom; f != nil; f = f.IncludedFrom {
		chain++
	}
	if chain > maxIncludeDepth {
		return fmt.Errorf("%s: <?include %s?>: includes nest deeper than %d levels%s", pos, clip(path), maxIncludeDepth, cycle(pos))
	}
	file, err := p.findInclude(pos.File, path)
	if err != nil {
		return fmt.Errorf("%s: <?include %s?>: %w", pos, clip(path), err)
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("%s: <?include %s?>: %w", pos, clip(path), err)
	}
	defer f.Close()
	from := pos
	hint := fmt.Sprintf("an include file is <Include xmlns=%q>", Namespace)
	return p.run(newFileSource(file, f, &from, hint, &p.input), true)
}

// cycle names the file that includes itself in the include chain that
// ends at pos, if one does.
func cycle(pos Pos) string {
	for f := pos.IncludedFrom; f != nil; f = f.IncludedFrom {
		if f.File == pos.File {
			return fmt.Sprintf(": %s includes itself (directly or through other files); guard it with <?ifndef?>", pos.File)
		}
	}
	return ""
}

// findInclude returns the file an <?include?> in the file from names.
// Windows sources write paths with backslashes, which name the same
// folders here.
func (p *parser) findInclude(from, path string) (string, error) {
	if filepath.Separator == '/' {
		path = strings.ReplaceAll(path, `\`, "/")
	}
	if filepath.IsAbs(path) {
		if isRegularFile(path) {
			return path, nil
		}
		return "", fmt.Errorf("%s is not a file", path)
	}
	dirs := append([]string{filepath.Dir(from)}, p.opts.IncludeDirs...)
	for _, dir := range dirs {
		if candidate := filepath.Join(dir, path); isRegularFile(candidate) {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("cannot find %s in %s (add its folder to the include directories, as candle's -I)", path, strings.Join(dirs, ", "))
}

// isRegularFile is candle's File.Exists, without devices and pipes, which
// would never end or block.
func isRegularFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
