package compile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Tables holds the rows of the standard tables, checked for duplicate keys
// as they are added so the error can point at the source line.
type Tables struct {
	m map[string]*table
}

type table struct {
	schema msidb.Schema
	nkeys  int
	rows   [][]any
	keys   map[string]wxs.Pos
}

func newTables() *Tables { return &Tables{m: map[string]*table{}} }

// add appends a row to a standard table. A row whose primary key is taken
// is an error naming both places.
func (t *Tables) add(pos wxs.Pos, name string, values ...any) error {
	tb, err := t.table(name)
	if err != nil {
		return err
	}
	if len(values) != len(tb.schema.Columns) {
		return fmt.Errorf("%s: internal error: table %s row has %d values, want %d", pos, name, len(values), len(tb.schema.Columns))
	}
	key := keyOf(values[:tb.nkeys])
	if first, dup := tb.keys[key]; dup {
		return fmt.Errorf("%s: duplicate %s row %s (first defined at %s)", pos, name, key, first)
	}
	tb.keys[key] = pos
	tb.rows = append(tb.rows, values)
	return nil
}

// define adds a custom table (CustomTable): not a standard one, once.
func (t *Tables) define(pos wxs.Pos, s msidb.Schema) error {
	if _, dup := t.m[s.Name]; dup {
		return fmt.Errorf("%s: table %s is defined twice", pos, s.Name)
	}
	tb := &table{schema: s, keys: map[string]wxs.Pos{}}
	for _, c := range s.Columns {
		if c.Key {
			tb.nkeys++
		}
	}
	t.m[s.Name] = tb
	return nil
}

// has reports whether a table has a row with the given primary key.
func (t *Tables) has(name string, key ...any) bool {
	tb := t.m[name]
	if tb == nil {
		return false
	}
	_, ok := tb.keys[keyOf(key)]
	return ok
}

func keyOf(values []any) string {
	parts := make([]string, len(values))
	for i, v := range values {
		if v != nil {
			parts[i] = fmt.Sprint(v)
		}
	}
	return strings.Join(parts, "/")
}

// Len returns the number of rows of a table (0 when it has none).
func (t *Tables) Len(name string) int {
	if tb := t.m[name]; tb != nil {
		return len(tb.rows)
	}
	return 0
}

// Rows returns the rows of a table in the order they were added.
func (t *Tables) Rows(name string) [][]any {
	if tb := t.m[name]; tb != nil {
		return tb.rows
	}
	return nil
}

// Names lists the tables that have rows, sorted.
func (t *Tables) Names() []string {
	var names []string
	for name, tb := range t.m {
		if len(tb.rows) > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

func (t *Tables) table(name string) (*table, error) {
	if tb := t.m[name]; tb != nil {
		return tb, nil
	}
	s, ok := msidb.StandardSchema(name)
	if !ok {
		return nil, fmt.Errorf("internal error: no standard table %s", name)
	}
	tb := &table{schema: s, keys: map[string]wxs.Pos{}}
	for _, c := range s.Columns {
		if c.Key {
			tb.nkeys++
		}
	}
	t.m[name] = tb
	return tb, nil
}

// AddTo adds every table with rows to db.
func (t *Tables) AddTo(db *msidb.Database) error {
	for _, name := range t.Names() {
		tb := t.m[name]
		dt, err := db.AddTable(tb.schema)
		if err != nil {
			return err
		}
		for _, row := range tb.rows {
			if err := dt.AddRow(row...); err != nil {
				return err
			}
		}
	}
	return nil
}

// tablesMark records how many rows each table had, so the rows added since
// can be revisited.
type tablesMark map[string]int

func (t *Tables) mark() tablesMark {
	m := tablesMark{}
	for name, tb := range t.m {
		m[name] = len(tb.rows)
	}
	return m
}

// replaceSince replaces the value old with new in the rows added since
// mark, keys included: WiX resolves a defaulted Component/@Id so.
func (t *Tables) replaceSince(mark tablesMark, old, new string) {
	for _, tb := range t.m {
		for _, row := range tb.rows[mark[tb.schema.Name]:] {
			oldKey := keyOf(row[:tb.nkeys])
			changed := false
			for i, v := range row {
				if v == old {
					row[i], changed = new, true
				}
			}
			if changed {
				pos := tb.keys[oldKey]
				delete(tb.keys, oldKey)
				tb.keys[keyOf(row[:tb.nkeys])] = pos
			}
		}
	}
}
