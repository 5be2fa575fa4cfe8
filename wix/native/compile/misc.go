package compile

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// guid normalises a GUID to the upper-case braced form the tables want.
func guid(s string) (string, error) {
	u, err := uuid.Parse(strings.Trim(s, "{}"))
	if err != nil || strings.Count(s, "-") != 4 {
		return "", fmt.Errorf("%q is not a GUID (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)", s)
	}
	return "{" + strings.ToUpper(u.String()) + "}", nil
}

// validVersion checks a ProductVersion: major.minor.build[.revision] with
// major and minor at most 255 and build at most 65535.
func validVersion(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return false
	}
	max := []int{255, 255, 65535, 65535}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > max[i] || strconv.Itoa(n) != p && p != "0"+strconv.Itoa(n) {
			return false
		}
	}
	return true
}

func (c *compiler) diskID(e *wxs.Element, v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 32767 {
		c.err(e.Errorf("DiskId %q: want 1 to 32767", v))
		return 1
	}
	return n
}

func sortStrings(s []string) { sort.Strings(s) }

// icon handles <Icon Id SourceFile>: the Icon table's stream, read at write time.
func (c *compiler) icon(e *wxs.Element) { c.binaryRow(e, "Icon") }

// binary handles <Binary Id SourceFile>.
func (c *compiler) binary(e *wxs.Element) { c.binaryRow(e, "Binary") }

func (c *compiler) binaryRow(e *wxs.Element, table string) {
	c.err(e.CheckAttrs("Id", "SourceFile"))
	id, src := e.Get("Id"), e.Get("SourceFile")
	if !validID(id) || src == "" {
		c.err(e.Errorf("Id and SourceFile are required"))
		return
	}
	path := c.resolvePath(e, "SourceFile", src)
	if path == "" {
		return
	}
	st, err := msidb.FileStream(path)
	if err != nil {
		if os.IsNotExist(err) {
			c.err(e.Errorf("SourceFile %s does not exist", path))
		} else {
			c.err(e.Errorf("SourceFile: %v", err))
		}
		return
	}
	c.add(e, table, id, st)
}
