package dist

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gomsi/gomsi/internal/atomicfile"
)

// A zip's extracted tree is kept between runs with a stamp beside it: the
// zip's SHA-256, how it was extracted, and a digest of the tree's listing
// (every name, mode, size and modification time). A later run of the same
// zip reuses the tree when all of it matches, instead of writing 15,000
// files again. Any ordinary change to the tree (an edited, added, removed or
// touched file) changes the listing and brings a fresh extraction; content
// rewritten with its size and time put back is not seen: delete the tree to
// force one.

// stampFormat changes when extraction writes different trees from the
// same zip, so that trees of an older gomsi are not reused.
const stampFormat = 1

type treeStamp struct {
	Format    int    `json:"format"`
	ZipSHA256 string `json:"zip_sha256"`
	Prefix    string `json:"prefix"`
	ModuleZip bool   `json:"module_zip"`
	Listing   string `json:"listing_sha256"`
}

// stampPath is the stamp of the tree at root: beside it, never inside
// (everything inside the Go root is packaged).
func stampPath(root string) string { return root + ".tree.json" }

// reuseTree opens the tree at root if its stamp says it was extracted from
// the zip want describes and the tree is as it was left.
func reuseTree(root string, want treeStamp, wantArch string) (*Dist, bool) {
	b, err := os.ReadFile(stampPath(root))
	if err != nil {
		return nil, false
	}
	var got treeStamp
	if json.Unmarshal(b, &got) != nil {
		return nil, false
	}
	// The stamp's own fields first: walking 15,000 files is for a match.
	want.Listing = got.Listing
	if got != want {
		return nil, false
	}
	if listing, err := listingDigest(root); err != nil || listing != got.Listing {
		return nil, false
	}
	d, err := describe(root, wantArch)
	if err != nil {
		return nil, false
	}
	d.Reused = true
	return d, true
}

// forgetTree removes root's stamp, before the tree itself is replaced.
func forgetTree(root string) error {
	if err := os.Remove(stampPath(root)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// stampTree records the tree just extracted at root.
func stampTree(root string, s treeStamp) error {
	listing, err := listingDigest(root)
	if err != nil {
		return err
	}
	s.Listing = listing
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(stampPath(root), append(b, '\n'), 0o644)
}

// listingDigest hashes the name, mode, size and modification time of
// everything below root, in WalkDir's (lexical) order.
func listingDigest(root string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%q %v %d %d\n", filepath.ToSlash(rel), info.Mode(), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
