package msidb

import (
	"fmt"
	"strconv"
	"unicode"
)

// Column describes one column of a table: its idt type and the metadata
// that becomes its _Validation row.
type Column struct {
	Name string
	// Type is the idt type as WiX and msitools spell it: s (string),
	// l (localizable string), i (integer), v (binary stream); upper case
	// means nullable; the number is the maximum string length (0 unlimited)
	// or the integer size (2 or 4), "v0" for binary. Examples: "s72",
	// "S255", "L0", "i2", "I4", "V0".
	Type string
	Key  bool // part of the primary key; key columns come first

	MinValue, MaxValue *int32 // _Validation.MinValue/MaxValue, nil for none
	KeyTable           string // foreign key tables, ";"-separated
	KeyColumn          int    // 1-based column of KeyTable; 0 for none
	Category           string // e.g. "Identifier", "Formatted", "Guid"
	Set                string // permitted values, ";"-separated
	Description        string
}

// Schema is a table definition.
type Schema struct {
	Name    string
	Columns []Column
}

// Column type bits as stored in _Columns.Type.
const (
	bitValid     = 0x0100
	bitLocalize  = 0x0200
	bitShort     = 0x0400 // i2; also part of the string kind
	bitString    = 0x0800
	bitNullable  = 0x1000
	bitKey       = 0x2000
	kindLong     = 0
	kindShort    = bitShort
	kindBinary   = bitString
	kindString   = bitString | bitShort
	kindMask     = bitString | bitShort
	maxTableName = 62 // two table-name characters pack into one stream-name unit
)

// colType is a parsed Column.Type.
type colType struct {
	kind     int // kindLong, kindShort, kindBinary or kindString
	size     int // string length limit, 0 for unlimited
	nullable bool
	localize bool
}

func parseType(s string) (colType, error) {
	if len(s) < 2 {
		return colType{}, fmt.Errorf("column type %q: want a letter and a number, e.g. s72, I2, V0", s)
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil || n < 0 || n > 255 {
		return colType{}, fmt.Errorf("column type %q: size must be a number 0..255", s)
	}
	c := rune(s[0])
	t := colType{nullable: unicode.IsUpper(c), size: n}
	switch unicode.ToLower(c) {
	case 's':
		t.kind = kindString
	case 'l':
		t.kind, t.localize = kindString, true
	case 'i':
		switch n {
		case 2:
			t.kind = kindShort
		case 4:
			t.kind = kindLong
		default:
			return colType{}, fmt.Errorf("column type %q: integers are i2 or i4", s)
		}
		t.size = 0
	case 'v':
		if n != 0 {
			return colType{}, fmt.Errorf("column type %q: binary columns are v0", s)
		}
		t.kind = kindBinary
	default:
		return colType{}, fmt.Errorf("column type %q: unknown kind %q, want s, l, i or v", s, c)
	}
	return t, nil
}

// bits returns the _Columns.Type value.
func (t colType) bits(key bool) int {
	b := bitValid | t.kind
	switch t.kind {
	case kindString:
		b |= t.size
	case kindShort:
		b |= 2
	case kindLong:
		b |= 4
	}
	if t.localize {
		b |= bitLocalize
	}
	if t.nullable {
		b |= bitNullable
	}
	if key {
		b |= bitKey
	}
	return b
}

// width is the size of one cell in a table stream.
func (t colType) width(refSize int) int {
	switch t.kind {
	case kindString:
		return refSize
	case kindLong:
		return 4
	default: // i2, and binary columns hold a 2-byte presence flag
		return 2
	}
}

// table is a validated Schema.
type table struct {
	name   string
	cols   []Column
	types  []colType
	nkeys  int
	rows   [][]any
	keySet map[string]bool
}

func newTable(s Schema) (*table, error) {
	if err := checkTableName(s.Name); err != nil {
		return nil, err
	}
	if len(s.Columns) == 0 || len(s.Columns) > 32 {
		return nil, fmt.Errorf("add table %s: %d columns, want 1..32", s.Name, len(s.Columns))
	}
	t := &table{name: s.Name, cols: append([]Column(nil), s.Columns...), keySet: map[string]bool{}}
	seen := map[string]bool{}
	for i, c := range s.Columns {
		ct, err := parseType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("add table %s column %s: %w", s.Name, c.Name, err)
		}
		if err := checkIdentifier(c.Name, 64); err != nil {
			return nil, fmt.Errorf("add table %s: column name: %w", s.Name, err)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("add table %s: column %s defined twice", s.Name, c.Name)
		}
		seen[c.Name] = true
		if c.Key {
			if i != t.nkeys {
				return nil, fmt.Errorf("add table %s: key column %s must come before the non-key columns", s.Name, c.Name)
			}
			if ct.kind == kindBinary {
				return nil, fmt.Errorf("add table %s: binary column %s cannot be a key", s.Name, c.Name)
			}
			t.nkeys++
		}
		t.types = append(t.types, ct)
	}
	if t.nkeys == 0 {
		return nil, fmt.Errorf("add table %s: no primary key column; mark at least the first column Key", s.Name)
	}
	return t, nil
}

func checkTableName(name string) error {
	if err := checkIdentifier(name, maxTableName); err != nil {
		return fmt.Errorf("add table: %w", err)
	}
	return nil
}

// checkIdentifier accepts the names Windows Installer accepts for tables
// and columns: letters, digits, underscores and periods, not starting with
// a digit or period.
func checkIdentifier(name string, maxLen int) error {
	if name == "" || len(name) > maxLen {
		return fmt.Errorf("name %q must be 1..%d characters", name, maxLen)
	}
	for i, c := range name {
		ok := c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(i > 0 && (c == '.' || (c >= '0' && c <= '9')))
		if !ok {
			return fmt.Errorf("name %q: use letters, digits, _ and . (not first)", name)
		}
	}
	return nil
}
