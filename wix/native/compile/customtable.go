package compile

import (
	"fmt"
	"math"
	"strconv"

	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// customTable handles <CustomTable> with its Column and Row/Data children
// as WiX v3 does (Compiler.cs ParseCustomTableElement, the binder making
// the table): a column's Type and Width give its idt type (string Width
// characters, 0 unlimited; int Width 2 or 4), the other Column attributes
// its _Validation row, and each Row a row, a missing Data a null.
func (c *compiler) customTable(e *wxs.Element) {
	c.err(e.CheckAttrs("Id"))
	id := e.Get("Id")
	if !validID(id) || len(id) > 31 {
		c.err(e.Errorf("Id %q: want an identifier of at most 31 characters", id))
		return
	}
	if _, standard := msidb.StandardSchema(id); standard {
		c.err(e.Errorf("CustomTable %s is a standard Windows Installer table: add its rows with the elements that make them, or give the custom table another name", id))
		return
	}
	s := msidb.Schema{Name: id}
	var rows []*wxs.Element
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		switch ch.Name {
		case "Column":
			col, ok := c.customColumn(ch)
			if !ok {
				return
			}
			if col.Key && len(s.Columns) > 0 && !s.Columns[len(s.Columns)-1].Key {
				c.err(ch.Errorf("primary key column %s comes after a non-key column: the native toolset writes the key columns first; move it up", col.Name))
				return
			}
			s.Columns = append(s.Columns, col)
		case "Row":
			rows = append(rows, ch)
		default:
			c.unexpected(ch, "CustomTable")
		}
	}
	if len(s.Columns) == 0 || !s.Columns[0].Key {
		c.err(e.Errorf("CustomTable %s needs Column elements, at least one with PrimaryKey=\"yes\"", id))
		return
	}
	if err := c.t.define(e.Pos, s); err != nil {
		c.err(err)
		return
	}
	for _, r := range rows {
		c.customRow(r, s)
	}
}

// customColumn reads one Column.
func (c *compiler) customColumn(e *wxs.Element) (msidb.Column, bool) {
	c.err(e.CheckAttrs("Id", "Type", "Width", "PrimaryKey", "Nullable", "Localizable", "Category", "Description",
		"KeyColumn", "KeyTable", "MinValue", "MaxValue", "Set", "Modularize"))
	col := msidb.Column{Name: e.Get("Id"), Key: yes(e, "PrimaryKey"), Category: e.Get("Category"), Set: e.Get("Set"),
		Description: e.Get("Description"), KeyTable: e.Get("KeyTable")}
	if !validID(col.Name) {
		c.err(e.Errorf("Id %q is not a valid column name", col.Name))
		return col, false
	}
	width := 0
	if v := e.Get("Width"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			c.err(e.Errorf("Width %q is not a number", v))
			return col, false
		}
		width = n
	}
	nullable := c.yesNo(e, "Nullable", false)
	letter := ""
	switch e.Get("Type") {
	case "string":
		letter = "s"
		if c.yesNo(e, "Localizable", false) {
			letter = "l"
		}
		if width > 255 {
			c.err(e.Errorf("Width %d: a string column holds at most 255 characters (0 is unlimited)", width))
			return col, false
		}
	case "int":
		letter = "i"
		if width != 2 && width != 4 {
			c.err(e.Errorf("Width %d: an int column is 2 or 4 bytes wide", width))
			return col, false
		}
	case "binary":
		c.err(e.NotNativef("binary columns (Type=\"binary\") are not supported by the native toolset"))
		return col, false
	default:
		c.err(e.Errorf("Type %q: use string, int or binary", e.Get("Type")))
		return col, false
	}
	if nullable {
		letter = string(letter[0] - 'a' + 'A')
	}
	col.Type = fmt.Sprintf("%s%d", letter, width)
	if v := e.Get("KeyColumn"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 32 {
			c.err(e.Errorf("KeyColumn %q: want 1 to 32", v))
		}
		col.KeyColumn = n
	}
	for attr, dst := range map[string]**int32{"MinValue": &col.MinValue, "MaxValue": &col.MaxValue} {
		if v := e.Get(attr); v != "" {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || n == math.MinInt32 {
				c.err(e.Errorf("%s %q is not a 32-bit integer", attr, v))
				continue
			}
			n32 := int32(n)
			*dst = &n32
		}
	}
	return col, true
}

// customRow adds one Row of a custom table.
func (c *compiler) customRow(e *wxs.Element, s msidb.Schema) {
	c.err(e.CheckAttrs())
	values := make([]any, len(s.Columns))
	set := make([]bool, len(s.Columns))
	for _, d := range e.Children {
		if !c.known(d) {
			continue
		}
		if d.Name != "Data" {
			c.unexpected(d, "Row")
			continue
		}
		c.err(d.CheckAttrs("Column"))
		i := columnIndex(s, d.Get("Column"))
		if i < 0 {
			c.err(d.Errorf("Column %q is not a column of CustomTable %s", d.Get("Column"), s.Name))
			continue
		}
		if set[i] {
			c.err(d.Errorf("a second Data for column %s", s.Columns[i].Name))
			continue
		}
		set[i] = true
		if d.Text == "" {
			continue // null
		}
		if t := s.Columns[i].Type[0]; t == 'i' || t == 'I' {
			n, err := strconv.ParseInt(d.Text, 10, 32)
			if err != nil || n == math.MinInt32 {
				c.err(d.Errorf("%q is not an integer for column %s", d.Text, s.Columns[i].Name))
				continue
			}
			values[i] = int(n)
		} else {
			values[i] = d.Text
		}
	}
	for i, col := range s.Columns {
		if values[i] == nil && col.Type[0] >= 'a' {
			c.err(e.Errorf("column %s of CustomTable %s is not Nullable: give it a Data", col.Name, s.Name))
			return
		}
	}
	c.add(e, s.Name, values...)
}

func columnIndex(s msidb.Schema, name string) int {
	for i, col := range s.Columns {
		if col.Name == name {
			return i
		}
	}
	return -1
}
