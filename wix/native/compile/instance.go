package compile

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/gomsi/gomsi/internal/cfb"
	"github.com/gomsi/gomsi/internal/msidb"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Instance is one <Instance> of <InstanceTransforms>: an instance
// transform embedded in the package under its Id, which
// "msiexec /i x.msi TRANSFORMS=:Id MSINEWINSTANCE=1" applies to install
// the product once more beside the others.
type Instance struct {
	ID string
	// Property is InstanceTransforms/@Property: the transform sets it to ID.
	Property string
	// ProductCode is the instance's product code: a GUID, or "*" for one
	// derived from the package's product code and ID.
	ProductCode string
	// ProductName and UpgradeCode replace the package's when not empty.
	ProductName, UpgradeCode string
	Pos                      wxs.Pos
}

// instanceTransforms handles <InstanceTransforms Property="P"> under
// Product, as WiX v3's ParseInstanceTransformsElement does.
func (c *compiler) instanceTransforms(e *wxs.Element, parent *wxs.Element) {
	if parent.Name != "Product" {
		c.err(e.Errorf("InstanceTransforms belongs directly under Product (WiX v3 allows it nowhere else)"))
		return
	}
	c.err(e.CheckAttrs("Property"))
	prop, ok := e.Attr("Property")
	if !ok {
		c.err(e.Errorf("InstanceTransforms needs Property: the property each instance transform sets to its instance Id, e.g. Property=\"INSTANCE\" with <Property Id=\"INSTANCE\" Value=\"Default\"/>"))
		return
	}
	if !validID(prop) {
		c.err(e.Errorf("Property %q is not a valid identifier", prop))
		return
	}
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		if ch.Name != "Instance" {
			c.unexpected(ch, "InstanceTransforms")
			continue
		}
		c.instance(ch, prop)
	}
	// The transforms change the property's row, so it must have one.
	c.instanceProps = append(c.instanceProps, ref{"Property", prop, e})
}

func (c *compiler) instance(e *wxs.Element, prop string) {
	c.err(e.CheckAttrs("Id", "ProductCode", "ProductName", "UpgradeCode"))
	in := Instance{Property: prop, ProductName: e.Get("ProductName"), Pos: e.Pos}
	if name, ok := e.Attr("ProductName"); ok && name == "" {
		c.err(e.Errorf("ProductName is empty; leave it out to keep the package's name"))
	}
	id, ok := e.Attr("Id")
	switch {
	case !ok:
		c.err(e.Errorf("Instance needs Id: the name of its transform in the package (TRANSFORMS=:Id)"))
		return
	case !validID(id):
		c.err(e.Errorf("Id %q is not a valid identifier", id))
		return
	case len(id) > cfb.MaxNameLen:
		c.err(e.Errorf("Id %q is %d characters; the transform's storage name allows %d", id, len(id), cfb.MaxNameLen))
		return
	}
	in.ID = id
	for _, other := range c.pkg.Instances {
		if strings.EqualFold(other.ID, id) {
			// Storage names compare case-insensitively.
			c.err(e.Errorf("duplicate Instance Id %q (first defined at %s)", id, other.Pos))
			return
		}
	}
	code, ok := e.Attr("ProductCode")
	if !ok {
		c.err(e.Errorf("Instance %s needs ProductCode: a GUID for this instance, or \"*\"", id))
		return
	}
	if code != "*" {
		g, err := guid(code)
		if err != nil {
			c.err(e.Errorf("ProductCode: %v; use a GUID or \"*\"", err))
			return
		}
		code = g
	}
	in.ProductCode = code
	if up, ok := e.Attr("UpgradeCode"); ok {
		g, err := guid(up)
		if err != nil {
			c.err(e.Errorf("UpgradeCode: %v", err))
			return
		}
		in.UpgradeCode = g
	}
	for _, ch := range e.Children {
		if c.known(ch) {
			c.unexpected(ch, "Instance")
		}
	}
	c.pkg.Instances = append(c.pkg.Instances, in)
}

// finishInstanceTransforms checks what the transforms will change exists.
func (c *compiler) finishInstanceTransforms() {
	for _, r := range c.instanceProps {
		if v, ok := c.props[r.id]; !ok || v == "" {
			c.err(r.e.Errorf("Property %q has no value in the Property table; each instance transform changes that row, so define it with <Property Id=\"%s\" Value=\"...\"/>", r.id, r.id))
		}
	}
}

// instanceNamespace derives the product codes of instances with
// ProductCode="*": WiX generates a random one, gomsi a reproducible one
// from the package's product code and the instance Id.
var instanceNamespace = uuid.MustParse("6A1E7C2B-5D0C-4F63-9C1E-3B8F3F1C2D40")

// InstanceTransform is a transform to embed under Name.
type InstanceTransform struct {
	Name      string
	Transform *msidb.Transform
}

// InstanceTransforms builds the instance transforms as WiX v3's binder
// does: each changes the Property rows ProductCode, the instance property,
// and ProductName and UpgradeCode when given (moving the Upgrade rows of
// the package's upgrade code to the new one), and carries the summary
// information of a transform built from summary. Call it once the product
// code is final (SetProductCode).
func (p *Package) InstanceTransforms(summary msidb.Summary) ([]InstanceTransform, error) {
	if len(p.Instances) == 0 {
		return nil, nil
	}
	props := map[string]string{}
	for _, row := range p.Tables.Rows("Property") {
		props[row[0].(string)] = row[1].(string)
	}
	baseCode, version, upgradeCode := props["ProductCode"], props["ProductVersion"], props["UpgradeCode"]
	if baseCode == "" || baseCode == "*" {
		return nil, fmt.Errorf("instance transforms: the package's ProductCode is not known yet")
	}
	var out []InstanceTransform
	for _, in := range p.Instances {
		code := in.ProductCode
		if code == "*" {
			code = "{" + strings.ToUpper(uuid.NewSHA1(instanceNamespace, []byte(baseCode+"/"+in.ID)).String()) + "}"
		}
		t := msidb.NewTransform(p.CodePage)
		set := func(name, value string) error {
			if _, ok := props[name]; !ok {
				return t.Insert("Property", name, value)
			}
			return t.Update("Property", []any{name}, map[string]any{"Value": value})
		}
		err := set("ProductCode", code)
		if err == nil {
			err = set(in.Property, in.ID)
		}
		if err == nil && in.ProductName != "" {
			err = set("ProductName", in.ProductName)
		}
		if err == nil && in.UpgradeCode != "" {
			err = set("UpgradeCode", in.UpgradeCode)
			if err == nil {
				err = p.moveUpgradeRows(t, upgradeCode, in.UpgradeCode)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: instance %s: %w", in.Pos, in.ID, err)
		}
		t.Summary = msidb.TransformSummary{
			Title: summary.Title, Subject: summary.Subject, Author: summary.Author,
			Keywords: summary.Keywords, Comments: summary.Comments,
			TargetTemplate: summary.Template, UpdatedTemplate: summary.Template,
			ProductCodes:     msidb.TransformProductCodes(baseCode, version, code, version, upgradeCode),
			InstallerVersion: summary.InstallerVersion,
		}
		out = append(out, InstanceTransform{Name: in.ID, Transform: t})
	}
	return out, nil
}

// moveUpgradeRows replaces the Upgrade rows that find the package's own
// upgrade code with rows for the instance's, so an instance upgrades only
// its own family.
func (p *Package) moveUpgradeRows(t *msidb.Transform, from, to string) error {
	if from == "" {
		return nil
	}
	for _, row := range p.Tables.Rows("Upgrade") {
		if row[0] != from {
			continue
		}
		moved := append([]any{to}, row[1:]...)
		if err := t.Insert("Upgrade", moved...); err != nil {
			return err
		}
		if err := t.Delete("Upgrade", row[:5]...); err != nil {
			return err
		}
	}
	return nil
}
