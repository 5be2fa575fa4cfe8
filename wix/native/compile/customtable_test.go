package compile

import (
	"fmt"
	"strings"
	"testing"
)

// TestCustomTable: the table's idt types come from Type/Width/Nullable/
// Localizable as in WiX v3, the rows from Row/Data, a missing Data is null.
func TestCustomTable(t *testing.T) {
	pkg := mustCompile(t, product(comp+`
    <CustomTable Id="Settings">
      <Column Id="Name" Type="string" Width="72" PrimaryKey="yes" Category="Identifier"/>
      <Column Id="Level" Type="int" Width="2" MinValue="0" MaxValue="10"/>
      <Column Id="Note" Type="string" Nullable="yes" Localizable="yes"/>
      <Row><Data Column="Name">A</Data><Data Column="Level">1</Data><Data Column="Note">hello</Data></Row>
      <Row><Data Column="Level">-2</Data><Data Column="Name">B</Data></Row>
    </CustomTable>`, `<ComponentRef Id="C"/>`))
	tb := pkg.Tables.m["Settings"]
	if tb == nil {
		t.Fatal("no Settings table")
	}
	var types []string
	for _, col := range tb.schema.Columns {
		types = append(types, col.Type)
	}
	if strings.Join(types, " ") != "s72 i2 L0" || !tb.schema.Columns[0].Key || *tb.schema.Columns[1].MaxValue != 10 {
		t.Errorf("schema %+v", tb.schema)
	}
	if got := fmt.Sprint(pkg.Tables.Rows("Settings")); got != "[[A 1 hello] [B -2 <nil>]]" {
		t.Errorf("rows %s", got)
	}
}

func TestCustomTableErrors(t *testing.T) {
	for name, c := range map[string]struct{ table, want string }{
		"standard name": {`<CustomTable Id="Property"><Column Id="A" Type="string" PrimaryKey="yes"/></CustomTable>`, "CustomTable Property is a standard Windows Installer table"},
		"no key":        {`<CustomTable Id="T"><Column Id="A" Type="string"/></CustomTable>`, `at least one with PrimaryKey="yes"`},
		"key after":     {`<CustomTable Id="T"><Column Id="A" Type="string" PrimaryKey="yes"/><Column Id="B" Type="int" Width="4"/><Column Id="C" Type="string" PrimaryKey="yes"/></CustomTable>`, "primary key column C comes after a non-key column"},
		"int width":     {`<CustomTable Id="T"><Column Id="A" Type="int" PrimaryKey="yes"/></CustomTable>`, "an int column is 2 or 4 bytes wide"},
		"binary":        {`<CustomTable Id="T"><Column Id="A" Type="string" PrimaryKey="yes"/><Column Id="B" Type="binary"/></CustomTable>`, "binary columns"},
		"bad int":       {`<CustomTable Id="T"><Column Id="A" Type="int" Width="4" PrimaryKey="yes"/><Row><Data Column="A">x</Data></Row></CustomTable>`, `"x" is not an integer for column A`},
		"unknown col":   {`<CustomTable Id="T"><Column Id="A" Type="string" PrimaryKey="yes"/><Row><Data Column="A">x</Data><Data Column="Z">y</Data></Row></CustomTable>`, `Column "Z" is not a column of CustomTable T`},
		"missing value": {`<CustomTable Id="T"><Column Id="A" Type="string" PrimaryKey="yes"/><Column Id="B" Type="string"/><Row><Data Column="A">x</Data></Row></CustomTable>`, "column B of CustomTable T is not Nullable"},
		"duplicate row": {`<CustomTable Id="T"><Column Id="A" Type="string" PrimaryKey="yes"/><Row><Data Column="A">x</Data></Row><Row><Data Column="A">x</Data></Row></CustomTable>`, "duplicate T row"},
		"twice":         {`<CustomTable Id="T"><Column Id="A" Type="string" PrimaryKey="yes"/></CustomTable><CustomTable Id="T"><Column Id="A" Type="string" PrimaryKey="yes"/></CustomTable>`, "table T is defined twice"},
	} {
		_, err := compileSources(t, product(comp+c.table, `<ComponentRef Id="C"/>`))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Product.wxs:") {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
