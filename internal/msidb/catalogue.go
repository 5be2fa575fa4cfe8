package msidb

import (
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

//go:embed catalogue.txt
var catalogueText string

// catalogue holds the standard tables, parsed once from catalogueText.
var catalogue = mustParseCatalogue(catalogueText)

// StandardSchema returns the MSI SDK definition of a standard table
// (columns, types, keys and _Validation metadata), or false if the
// catalogue does not know it.
func StandardSchema(name string) (Schema, bool) {
	s, ok := catalogue[name]
	if !ok {
		return Schema{}, false
	}
	s.Columns = slices.Clone(s.Columns)
	return s, true
}

// StandardTables lists the tables StandardSchema knows, sorted.
func StandardTables() []string {
	return slices.Sorted(maps.Keys(catalogue))
}

func mustParseCatalogue(text string) map[string]Schema {
	c, err := parseCatalogue(text)
	if err != nil {
		panic(err) // the catalogue is embedded: a parse error is a build defect caught by every test
	}
	return c
}

func parseCatalogue(text string) (map[string]Schema, error) {
	out := map[string]Schema{}
	var cur *Schema
	var includes = map[string]string{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			name := line[1 : len(line)-1]
			out[name] = Schema{Name: name}
			s := out[name]
			cur = &s
		case cur == nil:
			return nil, fmt.Errorf("catalogue line %d: column outside a table", n+1)
		case strings.HasPrefix(line, "@"):
			includes[cur.Name] = line[1:]
		default:
			col, err := parseCatalogueColumn(line)
			if err != nil {
				return nil, fmt.Errorf("catalogue line %d: %w", n+1, err)
			}
			cur.Columns = append(cur.Columns, col)
		}
		if cur != nil {
			out[cur.Name] = *cur
		}
	}
	for name, from := range includes {
		src, ok := out["@"+from]
		if !ok {
			return nil, fmt.Errorf("catalogue: table %s includes unknown @%s", name, from)
		}
		s := out[name]
		s.Columns = append(s.Columns, src.Columns...)
		out[name] = s
	}
	for name, s := range out {
		if strings.HasPrefix(name, "@") {
			delete(out, name)
			continue
		}
		if _, err := newTable(s); err != nil {
			return nil, fmt.Errorf("catalogue: %w", err)
		}
	}
	return out, nil
}

func parseCatalogueColumn(line string) (Column, error) {
	head, desc, _ := strings.Cut(line, " desc=")
	fields := strings.Fields(head)
	if len(fields) < 2 {
		return Column{}, fmt.Errorf("want a name and a type in %q", line)
	}
	c := Column{Name: fields[0], Type: fields[1], Description: desc}
	for _, f := range fields[2:] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "key":
			c.Key = true
		case "min", "max":
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				return Column{}, fmt.Errorf("%s: %w", f, err)
			}
			v32 := int32(n)
			if k == "min" {
				c.MinValue = &v32
			} else {
				c.MaxValue = &v32
			}
		case "ref":
			tbl, col, ok := strings.Cut(v, ":")
			n, err := strconv.Atoi(col)
			if !ok || err != nil {
				return Column{}, fmt.Errorf("%s: want ref=Table:column", f)
			}
			c.KeyTable, c.KeyColumn = tbl, n
		case "cat":
			c.Category = v
		case "set":
			c.Set = v
		default:
			return Column{}, fmt.Errorf("unknown attribute %q", f)
		}
	}
	return c, nil
}
