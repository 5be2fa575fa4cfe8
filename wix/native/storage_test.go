package native_test

import (
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
)

// The rules Windows' msiexec enforces and Wine and msitools do not, checked
// on the stored bytes: string pool ids in byte order (which makes sorting by
// id sorting by value), every table's rows strictly ascending by their raw
// key values (string keys by pool id; error 2219 otherwise), and a
// _Validation row for every column of every table (ICE validation).

func TestStorageRules(t *testing.T) {
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root, nil)
	checkStorageRules(t, b.MSI)
}

func checkStorageRules(t *testing.T, path string) {
	t.Helper()
	s := msitest.ReadStored(t, path)
	msitest.CheckStorageRules(t, s)
	validated := map[string]bool{}
	for _, r := range s.Rows(t, "_Validation") {
		validated[s.Str(int(r[0]))+"."+s.Str(int(r[1]))] = true
	}
	checked := 0
	for _, table := range s.Tables {
		for _, c := range s.Columns[table] {
			if !validated[table+"."+c.Name] {
				t.Errorf("no _Validation row for %s.%s", table, c.Name)
			}
		}
		checked += len(s.Rows(t, table))
	}
	if checked == 0 || len(s.Tables) < 10 {
		t.Fatalf("checked %d rows in %d tables", checked, len(s.Tables))
	}
}
