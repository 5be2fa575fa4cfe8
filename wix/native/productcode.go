package native

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/compile"
	"github.com/gomsi/gomsi/wix/native/fileinfo"
)

// productNamespace is the namespace of derived ProductCodes.
var productNamespace = uuid.MustParse("B3E4F2F1-37D6-4C5B-9F0B-6E2A8E0C1D77")

// deriveProductCode stands in for WiX's random ProductCode "*": a hash of
// everything the package will hold but the ProductCode itself (every row
// of every table, the summary, every file's row and the cabinets that
// carry the files' bytes). The same inputs give the same code, so a
// rebuild is byte-identical; any difference in the package, even in one
// file's bytes with the same version, gives another code, because Windows
// refuses (error 1638) a package whose ProductCode is installed from a
// different package code.
func deriveProductCode(pkg *compile.Package, summary msidb.Summary, infos []fileinfo.Info, media []medium) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "gomsi product code 1\ncodepage %d\n", pkg.CodePage)
	s := summary
	fmt.Fprintf(h, "summary %q %q %q %q %q %q %q %d %d %d %q %d %d\n", s.Title, s.Subject, s.Author, s.Keywords, s.Comments,
		s.Template, s.PackageCode, s.InstallerVersion, s.WordCount, s.Security, s.CreatingApp, unixOrZero(s.Created), unixOrZero(s.Saved))
	for _, name := range pkg.Tables.Names() {
		fmt.Fprintf(h, "table %q\n", name)
		for _, row := range pkg.Tables.Rows(name) {
			for _, v := range row {
				if err := hashValue(h, v); err != nil {
					return "", fmt.Errorf("%s: %w", name, err)
				}
			}
			io.WriteString(h, "\n")
		}
	}
	for i, f := range pkg.Files {
		in := infos[i]
		fmt.Fprintf(h, "file %q %q %q %d %q %q %d %d %v\n", f.Key, f.Component, f.FileName, in.Size, in.Version, in.Language, f.Attributes, i+1, in.Hash)
	}
	for _, m := range media {
		fmt.Fprintf(h, "media %d %d %q %q %q\n", m.id, m.lastSequence, m.stream, m.diskPrompt, m.volumeLabel)
		if m.external {
			io.WriteString(h, "external\n") // only then, so embedded packages keep their codes
		}
		if m.path != "" {
			if err := hashFile(h, m.path); err != nil {
				return "", err
			}
		}
	}
	return "{" + strings.ToUpper(uuid.NewSHA1(productNamespace, h.Sum(nil)).String()) + "}", nil
}

// hashValue writes a cell with its type, so 1 and "1" differ, and a
// stream's bytes rather than where it comes from.
func hashValue(h hash.Hash, v any) error {
	switch v := v.(type) {
	case nil:
		io.WriteString(h, "N;")
	case string:
		fmt.Fprintf(h, "s%q;", v)
	case int:
		fmt.Fprintf(h, "i%d;", v)
	case msidb.Stream:
		fmt.Fprintf(h, "b%d:", v.Size)
		rc, err := v.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		if _, err := io.Copy(h, rc); err != nil {
			return err
		}
		io.WriteString(h, ";")
	default:
		fmt.Fprintf(h, "%T%v;", v, v)
	}
	return nil
}

func hashFile(h hash.Hash, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "bytes %d\n", st.Size())
	_, err = io.Copy(h, f)
	return err
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
