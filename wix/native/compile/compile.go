// Package compile turns WiX v3 source, read by package wxs, into the rows of
// a Windows Installer database: the front end of gomsi's native toolset.
//
// It knows the elements gomsi's templates use and a little more (the list is
// nativeElements); anything else is an error naming the element, its line and the
// toolsets that can build it, never silently dropped. Files are described but
// not read: measuring them and packing cabinets is the caller's job, so this
// package stays pure and fast to test.
package compile

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Options are the facts of the job that the source does not hold.
type Options struct {
	// Platform is the default Package/@Platform: x86, x64 or arm64 (candle -arch).
	Platform string
	// CreatingApp goes into the summary information.
	CreatingApp string
	// ResolveFile finds the file a File/@Source, Binary/@SourceFile or
	// Icon/@SourceFile names (light's -b bind paths); nil resolves relative
	// paths against the directory of the source file, as wixl does.
	ResolveFile func(path string) (string, error)
	// Localization is the .wxl strings the sources were read with; its
	// Codepage, when set, is the database's (see product.go).
	Localization *wxs.Localization
}

// maxErrors bounds the errors reported at once.
const maxErrors = 20

// Compile compiles the WiX v3 sources (each a parsed <Wix> root).
func Compile(sources []*wxs.Element, opts Options) (*Package, error) {
	c := newCompiler(opts)
	for _, root := range sources {
		c.checkBindPaths(root)
		c.root(root)
	}
	if len(c.errs) == 0 {
		c.finish()
	}
	if len(c.errs) > 0 {
		if len(c.errs) > maxErrors {
			n := len(c.errs)
			c.errs = append(c.errs[:maxErrors], fmt.Errorf("and %d more errors", n-maxErrors))
		}
		return nil, errors.Join(c.errs...)
	}
	return c.pkg, nil
}

type compiler struct {
	opts    Options
	pkg     *Package
	t       *Tables
	errs    []error
	product *wxs.Element

	dirs           map[string]*directory
	dirOrder       []string
	dirRefs        []ref
	components     map[string]*component
	compOrder      []string
	groups         map[string]*group
	groupOrder     []string
	features       map[string]*feature
	featOrder      []string
	refs           []ref // references to check once everything is defined
	props          map[string]string
	secure         map[string]bool
	seq            *sequences
	upgrades       bool
	displayN       int
	advertised     []advertisedShortcut
	primaryFeature map[string]string // component -> the feature its advertised data names
	featureOf      []ref             // Components with a Feature attribute: kind is the feature's id
	fileKeys       map[string]*File
	names          shortNames
	propOrder      []string
	propPos        map[string]wxs.Pos
	declared       map[string]bool
	lists          map[string][]string
	instanceProps  []ref // InstanceTransforms/@Property: must have a row

	// groupExpansions counts groups expanded into features: tests check
	// that it grows with the groups, not with the paths to them.
	groupExpansions int
}

// ref is a reference to an identifier defined somewhere in the sources.
type ref struct {
	kind, id string
	e        *wxs.Element
}

func newCompiler(opts Options) *compiler {
	return &compiler{
		opts:           opts,
		pkg:            &Package{CodePage: 1252},
		t:              newTables(),
		dirs:           map[string]*directory{},
		components:     map[string]*component{},
		groups:         map[string]*group{},
		features:       map[string]*feature{},
		props:          map[string]string{},
		secure:         map[string]bool{},
		seq:            newSequences(),
		primaryFeature: map[string]string{},
		fileKeys:       map[string]*File{},
		propPos:        map[string]wxs.Pos{},
		declared:       map[string]bool{},
		lists:          map[string][]string{},
	}
}

func (c *compiler) err(err error) {
	if err != nil {
		c.errs = append(c.errs, err)
	}
}

func (c *compiler) add(e *wxs.Element, table string, values ...any) {
	c.err(c.t.add(e.Pos, table, values...))
}

// root handles a <Wix> element: one Product in all the sources, and
// fragments, all of which are compiled (gomsi's sources reference every one).
func (c *compiler) root(root *wxs.Element) {
	if root.Name != "Wix" || root.Space != wxs.Namespace {
		if root.Space == "http://wixtoolset.org/schemas/v4/wxs" {
			c.err(root.Errorf("WiX v4 source: the native toolset reads WiX v3 source (namespace %s); WiX v4 (wix build) compiles v4 source", wxs.Namespace))
			return
		}
		c.err(root.Errorf("not a WiX v3 source: the root must be <Wix xmlns=%q>", wxs.Namespace))
		return
	}
	c.err(root.CheckAttrs("RequiredVersion"))
	for _, e := range root.Children {
		if !c.known(e) {
			continue
		}
		switch e.Name {
		case "Product":
			if c.product != nil {
				c.err(e.Errorf("a second Product (the first is at %s)", c.product.Pos))
				continue
			}
			c.product = e
			c.productElement(e)
		case "Fragment":
			c.err(e.CheckAttrs("Id"))
			c.children(e, scope{})
		default:
			c.unexpected(e, "Wix")
		}
	}
}

// scope is where an element sits: the directory, component and feature
// around it.
type scope struct {
	dir     string
	comp    *component
	feature *feature
	file    *File
	group   *group
	// createFolder is set in a CreateFolder: a Shortcut there targets its
	// folder and needs a Directory, as in a File.
	createFolder bool
}

// children compiles the content of Product, Fragment, Directory and the like.
func (c *compiler) children(parent *wxs.Element, s scope) {
	for _, e := range parent.Children {
		if !c.known(e) {
			continue
		}
		c.element(e, s, parent)
	}
}

func (c *compiler) element(e *wxs.Element, s scope, parent *wxs.Element) {
	switch e.Name {
	case "Directory":
		c.directory(e, s)
	case "DirectoryRef":
		c.directoryRef(e, s)
	case "Component":
		c.component(e, s)
	case "ComponentGroup":
		c.componentGroup(e, s)
	case "Feature":
		c.feature(e, s)
	case "FeatureRef":
		c.err(e.CheckAttrs("Id"))
		c.refs = append(c.refs, ref{"Feature", e.Get("Id"), e})
		c.children(e, scope{feature: c.features[e.Get("Id")]})
	case "Property":
		c.property(e)
	case "CustomAction":
		c.customAction(e)
	case "SetProperty":
		c.setProperty(e)
	case "SetDirectory":
		c.setDirectory(e)
	case "InstallExecuteSequence", "InstallUISequence", "AdminExecuteSequence", "AdminUISequence", "AdvertiseExecuteSequence":
		c.sequence(e)
	case "Condition":
		c.launchCondition(e)
	case "MajorUpgrade":
		c.majorUpgrade(e)
	case "Upgrade":
		c.upgrade(e)
	case "Media":
		c.media(e)
	case "MediaTemplate":
		c.mediaTemplate(e)
	case "Icon":
		c.icon(e)
	case "Binary":
		c.binary(e)
	case "WixVariable":
		c.wixVariable(e, parent)
	case "CustomTable":
		c.customTable(e)
	case "InstanceTransforms":
		c.instanceTransforms(e, parent)
	case "PropertyRef", "CustomActionRef":
		c.err(e.CheckAttrs("Id"))
		kind := strings.TrimSuffix(e.Name, "Ref")
		c.refs = append(c.refs, ref{kind, e.Get("Id"), e})
	default:
		c.unexpected(e, parent.Name)
	}
}

// sourceDir returns the directory of the source file holding e, against which
// relative Source paths are resolved (as wixl does).
func sourceDir(e *wxs.Element) string { return filepath.Dir(e.Pos.File) }

// resolvePath finds the file attribute attr of e names; an error naming the
// element is recorded when Options.ResolveFile cannot find it.
func (c *compiler) resolvePath(e *wxs.Element, attr, p string) string {
	if name, _, ok := wxs.BindPathRef(p); ok && c.opts.ResolveFile == nil {
		c.err(e.Errorf("%s: !(bindpath.%s) needs the named bind paths", attr, name))
		return p
	}
	if c.opts.ResolveFile != nil {
		path, err := c.opts.ResolveFile(p)
		if err != nil {
			c.err(e.Errorf("%s: %v", attr, err))
		}
		return path
	}
	p = filepath.FromSlash(strings.ReplaceAll(p, `\`, "/"))
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(sourceDir(e), p)
}

// finish resolves references and adds the rows that depend on everything.
func (c *compiler) finish() {
	if c.product == nil {
		c.err(errors.New("no <Product> element in the sources: the native toolset builds .msi packages from a Product"))
		return
	}
	c.finishDirectories()
	c.finishComponents()
	c.finishFeatures()
	c.finishAdvertisedShortcuts()
	c.finishAssemblies()
	for _, r := range c.refs {
		switch {
		case c.defined(r.kind, r.id):
		case r.kind == "CustomAction" && strings.HasPrefix(r.id, "Wix"):
			// WixBroadcastEnvironmentChange and friends live in WiX's
			// extension libraries, which the native toolset does not have.
			c.err(r.e.NotNativef("custom action %s comes from a WiX extension library (such as WixUtilExtension), which the native toolset does not have", r.id))
		case r.kind == "DrLocator":
			c.err(r.e.Errorf("no DirectorySearch with Id, parent and Path %q is defined in any source (a DirectorySearchRef must name all three as the DirectorySearch has them)", strings.ReplaceAll(r.id, "/", ", ")))
		default:
			c.err(r.e.Errorf("%s %q is not defined in any source", r.kind, r.id))
		}
	}
	c.finishProperties()
	c.finishInstanceTransforms()
	c.finishSequences()
	sort.SliceStable(c.pkg.Files, func(i, j int) bool { return c.pkg.Files[i].DiskID < c.pkg.Files[j].DiskID })
	c.pkg.Tables = c.t
}

func (c *compiler) defined(kind, id string) bool {
	switch kind {
	case "Directory":
		return c.dirs[id] != nil
	case "Component":
		return c.components[id] != nil
	case "ComponentGroup":
		return c.groups[id] != nil
	case "Feature":
		return c.features[id] != nil
	case "Property":
		_, ok := c.props[id]
		return ok || c.declared[id]
	case "CustomAction":
		return c.t.has("CustomAction", id)
	case "Icon":
		return c.t.has("Icon", id)
	case "Binary":
		return c.t.has("Binary", id)
	case "File":
		return c.fileKeys[id] != nil
	case "RegLocator", "DrLocator":
		return c.t.has(kind, id) // a DrLocator id is "signature/parent/path", its key
	}
	return false
}
