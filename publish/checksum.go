package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/product"
)

// SumsName is the name of the combined checksum file, on disk and on the
// release.
const SumsName = "SHA256SUMS"

// file is one asset to publish: an MSI or a checksum file made from MSIs.
type file struct {
	name      string // asset name on the release
	path      string // where it is (or, in a dry run, would be) on disk
	size      int64
	sha256    string // lowercase hex
	mediaType string
	content   []byte // generated checksum files only: what belongs on disk
}

// sumsContent lists every MSI sorted by name, so the file is the same
// whatever order the MSIs were given in.
func sumsContent(msis []file) []byte {
	sorted := append([]file(nil), msis...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	var b strings.Builder
	for _, m := range sorted {
		b.WriteString(product.ChecksumLine(m.sha256, m.name))
	}
	return []byte(b.String())
}

// generated describes a checksum file with the given content at path.
func generated(path string, content []byte) file {
	s := sha256.Sum256(content)
	return file{
		name:      filepath.Base(path),
		path:      path,
		size:      int64(len(content)),
		sha256:    hex.EncodeToString(s[:]),
		mediaType: "text/plain; charset=utf-8",
		content:   content,
	}
}

// writeAtomic makes path hold data: written to a temporary name in the same
// directory, fsynced and renamed, so a reader or a crash never sees half a
// file. It reports false without writing when path already holds data.
func writeAtomic(path string, data []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return false, err
	}
	return true, nil
}
