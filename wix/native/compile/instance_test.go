package compile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/msidb"
)

const instanceBody = `<Property Id="INSTANCE" Value="Default"/>
    <MajorUpgrade DowngradeErrorMessage="newer"/>
    <InstanceTransforms Property="INSTANCE">
      <Instance Id="Second.mst" ProductCode="{1F9B1809-273F-4036-AB02-26D19171D5AE}" ProductName="P second"/>
      <Instance Id="Third" ProductCode="1d53cf88-158a-47dc-957a-69c0aad67572"/>
      <Instance Id="Fourth" ProductCode="*" UpgradeCode="E8441024-BBDA-4D08-B8B1-039C269CD374"/>
    </InstanceTransforms>`

const baseCode = "{4014E041-A968-4DE3-B43C-322DF9A19359}"

func instanceTransforms(t *testing.T) map[string]*msidb.Transform {
	t.Helper()
	pkg := mustCompile(t, product(comp+instanceBody, `<ComponentRef Id="C"/>`))
	pkg.SetProductCode(baseCode)
	its, err := pkg.InstanceTransforms(pkg.Summary)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*msidb.Transform{}
	for _, it := range its {
		out[it.Name] = it.Transform
	}
	if len(out) != 3 {
		t.Fatalf("transforms %v, want Second.mst, Third and Fourth", out)
	}
	return out
}

// As WiX v3's binder: ProductCode and the instance property change in
// each; ProductName when given; UpgradeCode when given, with the Upgrade
// rows of the product's upgrade code moved to the new one.
func TestInstanceTransformsAsWiX(t *testing.T) {
	ts := instanceTransforms(t)
	check := func(name string, want ...string) {
		t.Helper()
		if got := strings.Join(ts[name].Describe(), "\n"); got != strings.Join(want, "\n") {
			t.Errorf("%s changes:\n%s\nwant\n%s", name, got, strings.Join(want, "\n"))
		}
	}
	check("Second.mst",
		`Property: update "INSTANCE": Value="Second.mst"`,
		`Property: update "ProductCode": Value="{1F9B1809-273F-4036-AB02-26D19171D5AE}"`,
		`Property: update "ProductName": Value="P second"`)
	check("Third",
		`Property: update "INSTANCE": Value="Third"`,
		`Property: update "ProductCode": Value="{1D53CF88-158A-47DC-957A-69C0AAD67572}"`)
	fourth := ts["Fourth"].Describe()
	if len(fourth) != 7 {
		t.Fatalf("Fourth changes:\n%s\nwant 3 properties and 2 Upgrade rows moved", strings.Join(fourth, "\n"))
	}
	const old, new = "{22EA7650-4AC6-4001-BF29-F4B8775DB1C0}", "{E8441024-BBDA-4D08-B8B1-039C269CD374}"
	joined := strings.Join(fourth, "\n")
	if !strings.Contains(joined, `Property: update "UpgradeCode": Value="`+new+`"`) {
		t.Errorf("Fourth does not change UpgradeCode:\n%s", joined)
	}
	// Each Upgrade row of the product's code is deleted and inserted again
	// under the instance's, the other columns unchanged.
	for _, row := range mustCompile(t, product(comp+instanceBody, `<ComponentRef Id="C"/>`)).Tables.Rows("Upgrade") {
		rest := describeCells(row[1:5])
		del := `Upgrade: delete "` + old + `", ` + rest
		ins := `Upgrade: insert "` + new + `", ` + rest + ", " + describeCells(row[5:])
		for _, w := range []string{del, ins} {
			if !strings.Contains(joined, w) {
				t.Errorf("Fourth lacks %s; has\n%s", w, joined)
			}
		}
	}
}

func describeCells(cells []any) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		if c == nil {
			parts[i] = "NULL"
		} else {
			parts[i] = fmt.Sprintf("%q", fmt.Sprint(c))
		}
	}
	return strings.Join(parts, ", ")
}

// ProductCode="*" is derived from the package's product code and the
// instance Id: the same for the same package, different per instance and
// per package.
func TestInstanceProductCodeDerived(t *testing.T) {
	code := func(ts map[string]*msidb.Transform) string {
		for _, l := range ts["Fourth"].Describe() {
			if v, ok := strings.CutPrefix(l, `Property: update "ProductCode": Value=`); ok {
				return v
			}
		}
		t.Fatal("Fourth does not change ProductCode")
		return ""
	}
	a, b := code(instanceTransforms(t)), code(instanceTransforms(t))
	if a != b || len(a) != 40 || a == `"`+baseCode+`"` {
		t.Errorf("derived codes %s and %s: want one GUID, not the base's", a, b)
	}
	pkg := mustCompile(t, product(comp+instanceBody, `<ComponentRef Id="C"/>`))
	pkg.SetProductCode("{00000000-1111-2222-3333-444444444444}")
	its, err := pkg.InstanceTransforms(pkg.Summary)
	if err != nil {
		t.Fatal(err)
	}
	if c := code(map[string]*msidb.Transform{"Fourth": its[2].Transform}); c == a {
		t.Errorf("two packages derive the same instance code %s", c)
	}
}

func TestNoInstancesNoTransforms(t *testing.T) {
	pkg := mustCompile(t, product(comp, `<ComponentRef Id="C"/>`))
	pkg.SetProductCode(baseCode)
	if its, err := pkg.InstanceTransforms(pkg.Summary); err != nil || len(its) != 0 {
		t.Errorf("transforms %v, err %v; want none", its, err)
	}
}

func TestInstanceTransformsErrors(t *testing.T) {
	prop := `<Property Id="INSTANCE" Value="Default"/>
    `
	for name, c := range map[string]struct {
		body string
		want []string
	}{
		"no property": {prop + `<InstanceTransforms><Instance Id="A" ProductCode="*"/></InstanceTransforms>`,
			[]string{"Product.wxs:13", "InstanceTransforms needs Property"}},
		"property without row": {`<InstanceTransforms Property="NOPE"><Instance Id="A" ProductCode="*"/></InstanceTransforms>`,
			[]string{"Product.wxs:12", `Property "NOPE" has no value`, `<Property Id="NOPE" Value="..."/>`}},
		"duplicate id": {prop + `<InstanceTransforms Property="INSTANCE">
      <Instance Id="A" ProductCode="*"/>
      <Instance Id="a" ProductCode="*"/></InstanceTransforms>`,
			[]string{"Product.wxs:15", `duplicate Instance Id "a"`, "first defined at", "Product.wxs:14"}},
		"bad product code": {prop + `<InstanceTransforms Property="INSTANCE"><Instance Id="A" ProductCode="{not-a-guid}"/></InstanceTransforms>`,
			[]string{"Product.wxs:13", "ProductCode", "is not a GUID"}},
		"no product code": {prop + `<InstanceTransforms Property="INSTANCE"><Instance Id="A"/></InstanceTransforms>`,
			[]string{"Product.wxs:13", "Instance A needs ProductCode"}},
		"bad upgrade code": {prop + `<InstanceTransforms Property="INSTANCE"><Instance Id="A" ProductCode="*" UpgradeCode="*"/></InstanceTransforms>`,
			[]string{"Product.wxs:13", "UpgradeCode", "is not a GUID"}},
		"no id": {prop + `<InstanceTransforms Property="INSTANCE"><Instance ProductCode="*"/></InstanceTransforms>`,
			[]string{"Product.wxs:13", "Instance needs Id"}},
		"long id": {prop + `<InstanceTransforms Property="INSTANCE"><Instance Id="` + strings.Repeat("i", 32) + `" ProductCode="*"/></InstanceTransforms>`,
			[]string{"Product.wxs:13", "is 32 characters", "allows 31"}},
		"empty name": {prop + `<InstanceTransforms Property="INSTANCE"><Instance Id="A" ProductCode="*" ProductName=""/></InstanceTransforms>`,
			[]string{"Product.wxs:13", "ProductName is empty"}},
		"bad attribute": {prop + `<InstanceTransforms Property="INSTANCE"><Instance Id="A" ProductCode="*" Bogus="1"/></InstanceTransforms>`,
			[]string{"Product.wxs:13", "attribute Bogus"}},
		"child": {prop + `<InstanceTransforms Property="INSTANCE"><Property Id="X" Value="1"/></InstanceTransforms>`,
			[]string{"Product.wxs:13", "element Property inside InstanceTransforms"}},
	} {
		_, err := compileSources(t, product(comp+"\n"+c.body, `<ComponentRef Id="C"/>`))
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want it to say %q", name, err, w)
			}
		}
	}
}

func TestInstanceTransformsOnlyUnderProduct(t *testing.T) {
	frag := `<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Fragment>
    <InstanceTransforms Property="INSTANCE"><Instance Id="A" ProductCode="*"/></InstanceTransforms>
  </Fragment>
</Wix>`
	_, err := compileSources(t, product(comp+`<Property Id="INSTANCE" Value="D"/>`, `<ComponentRef Id="C"/>`), frag)
	if err == nil || !strings.Contains(err.Error(), "Files.wxs:4") || !strings.Contains(err.Error(), "directly under Product") {
		t.Errorf("InstanceTransforms in a Fragment: err = %v", err)
	}
}
