package compile

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gomsi/gomsi/wix/native/fileinfo"
	"github.com/gomsi/gomsi/wix/native/wxs"
)

// Assembly is a File marked Assembly=".net" or "win32". Its MsiAssembly
// row is written here; its identity, read from the file by the caller,
// goes into MsiAssemblyName through BindNetAssembly or BindWin32Assembly,
// as WiX v3's binder does it (Binder.cs UpdateFileRow).
type Assembly struct {
	File  *File
	Win32 bool
	// Manifest is the File AssemblyManifest names (set once every file is
	// known); a Win32 assembly's identity comes from it.
	Manifest *File
	// Application is the File AssemblyApplication names: a private
	// assembly; "" installs to the global assembly cache.
	Application string
	// ProcessorArchitecture is File/@ProcessorArchitecture as WiX writes
	// it (MSIL, x86, amd64, ...); the assembly's own overrides it.
	ProcessorArchitecture string

	manifestID string
}

// fileProcessorArchitectures maps File/@ProcessorArchitecture to the value
// WiX v3 writes (Compiler.cs ParseFileElement).
var fileProcessorArchitectures = map[string]string{"msil": "MSIL", "x86": "x86", "x64": "amd64", "arm": "arm", "arm64": "arm64", "ia64": "ia64"}

// fileAssembly handles the attributes of a File that concern assemblies
// and its modules (Assembly, AssemblyApplication, AssemblyManifest,
// ProcessorArchitecture, BindPath, SelfRegCost) and its AssemblyName
// children, as WiX v3's compiler does.
func (c *compiler) fileAssembly(e *wxs.Element, f *File, comp *component) {
	var a *Assembly
	switch v := e.Get("Assembly"); v {
	case "", "no":
	case ".net":
		a = &Assembly{File: f}
	case "win32":
		a = &Assembly{File: f, Win32: true}
	default:
		c.err(e.Errorf("Assembly %q: use .net, win32 or no", v))
	}
	app, manifest := e.Get("AssemblyApplication"), e.Get("AssemblyManifest")
	for _, pair := range [][2]string{{"AssemblyApplication", app}, {"AssemblyManifest", manifest}} {
		attr, id := pair[0], pair[1]
		if id == "" {
			continue
		}
		if !validID(id) {
			c.err(e.Errorf("%s %q is not a valid File identifier", attr, id))
		}
		c.refs = append(c.refs, ref{"File", id, e})
		if a == nil {
			c.err(e.Errorf("%s needs Assembly=\".net\" or Assembly=\"win32\"", attr))
		}
	}
	arch := e.Get("ProcessorArchitecture")
	if arch != "" && fileProcessorArchitectures[arch] == "" {
		c.err(e.Errorf("ProcessorArchitecture %q: use msil, x86, x64, arm, arm64 or ia64", arch))
	}
	if v, ok := e.Attr("BindPath"); ok {
		c.add(e, "BindImage", f.Key, nilIfEmpty(v))
	}
	if cost := c.intAttr(e, "SelfRegCost", 0, 32767); cost != nil {
		c.add(e, "SelfReg", f.Key, cost)
	}
	if a == nil {
		return
	}
	if a.Win32 && manifest == "" {
		c.err(e.Errorf("Assembly=\"win32\" needs AssemblyManifest: the Id of the File holding the assembly's manifest"))
	}
	// A generated GUID's component holds just this file, its key path.
	if e.Get("KeyPath") != "yes" && comp.guid != "*" {
		c.err(e.Errorf("an assembly must be its component's key path: add KeyPath=\"yes\""))
	}
	a.Application, a.manifestID = app, manifest
	a.ProcessorArchitecture = fileProcessorArchitectures[arch]
	if c.t.has("MsiAssembly", comp.id) {
		c.err(e.Errorf("component %s already holds an assembly: give each assembly a component of its own", comp.id))
		return
	}
	attrs := 0
	if a.Win32 {
		attrs = 1
	}
	// Feature_ is the component's feature, filled in by finishAssemblies.
	c.add(e, "MsiAssembly", comp.id, "", nilIfEmpty(manifest), nilIfEmpty(app), attrs)
	c.pkg.Assemblies = append(c.pkg.Assemblies, a)
}

// assemblyName handles an AssemblyName in a File: an authored
// MsiAssemblyName row, whose value the binder replaces when it reads one
// of that name from the assembly.
func (c *compiler) assemblyName(e *wxs.Element, comp *component) {
	c.err(e.CheckAttrs("Id", "Value"))
	id, ok := e.Attr("Id")
	if !ok || id == "" {
		c.err(e.Errorf("Id is required: the name of the assembly name part, such as version"))
		return
	}
	for _, ch := range e.Children {
		if c.known(ch) {
			c.unexpected(ch, "AssemblyName")
		}
	}
	// A missing Value is for the binder to fill from the assembly.
	if e.Get("Value") == "" && !c.t.has("MsiAssembly", comp.id) {
		c.err(e.Errorf("AssemblyName %s needs a Value: only an assembly's values are read from its file (File/@Assembly)", id))
		return
	}
	c.add(e, "MsiAssemblyName", comp.id, id, nilIfEmpty(e.Get("Value")))
}

// finishAssemblies writes each assembly's feature into its MsiAssembly row
// (the linker's ResolveFeatures) and finds Win32 assemblies' manifests.
func (c *compiler) finishAssemblies() {
	for _, a := range c.pkg.Assemblies {
		a.Manifest = c.fileKeys[a.manifestID] // an undefined one is reported with the references
		if feature := c.primaryFeature[a.File.Component]; feature != "" {
			for _, r := range c.t.Rows("MsiAssembly") {
				if r[0] == a.File.Component {
					r[1] = feature
				}
			}
		}
	}
}

// BindNetAssembly adds the MsiAssemblyName rows of a .NET assembly from
// its identity, in WiX v3's order: name, version, culture, publicKeyToken
// (upper case, as WiX writes it) and processorArchitecture, the
// assembly's replacing the File's.
func (p *Package) BindNetAssembly(a *Assembly, id fileinfo.Assembly) error {
	f := a.File
	if id.PublicKeyToken == "" && a.Application == "" {
		return fmt.Errorf("%s: File %s: assembly %s has no strong name, and an assembly without AssemblyApplication goes to the global assembly cache, which takes only strong-named assemblies: sign it or give the File an AssemblyApplication", f.Pos, f.Key, f.Source)
	}
	if a.Application == "" {
		if long := longName(f.FileName); !strings.EqualFold(strings.TrimSuffix(long, filepath.Ext(long)), id.Name) {
			return fmt.Errorf("%s: File %s: installed as %s, but the assembly is named %s: the global assembly cache needs the file named after its assembly; set File/@Name to %s%s", f.Pos, f.Key, long, id.Name, id.Name, filepath.Ext(long))
		}
	}
	names := [][2]string{{"name", id.Name}, {"version", id.Version}, {"culture", id.Culture}}
	if id.PublicKeyToken != "" {
		names = append(names, [2]string{"publicKeyToken", strings.ToUpper(id.PublicKeyToken)})
	}
	arch := id.ProcessorArchitecture
	if arch == "" {
		arch = a.ProcessorArchitecture
	}
	if arch != "" {
		names = append(names, [2]string{"processorArchitecture", arch})
	}
	return p.setAssemblyNames(a, names)
}

// BindWin32Assembly adds the MsiAssemblyName rows of a Win32 assembly from
// its manifest's assemblyIdentity: name, version, type,
// processorArchitecture and publicKeyToken, those the manifest gives.
func (p *Package) BindWin32Assembly(a *Assembly, id fileinfo.Win32Assembly) error {
	return p.setAssemblyNames(a, [][2]string{{"name", id.Name}, {"version", id.Version}, {"type", id.Type},
		{"processorArchitecture", id.ProcessorArchitecture}, {"publicKeyToken", id.PublicKeyToken}})
}

// setAssemblyNames sets MsiAssemblyName rows of a's component, replacing
// the value of an authored row of the same name; empty values are skipped.
// An authored row left without a value is an error.
func (p *Package) setAssemblyNames(a *Assembly, names [][2]string) error {
	comp := a.File.Component
	for _, nv := range names {
		if nv[1] == "" {
			continue
		}
		if p.Tables.has("MsiAssemblyName", comp, nv[0]) {
			for _, r := range p.Tables.Rows("MsiAssemblyName") {
				if r[0] == comp && r[1] == nv[0] {
					r[2] = nv[1]
				}
			}
			continue
		}
		if err := p.Tables.add(a.File.Pos, "MsiAssemblyName", comp, nv[0], nv[1]); err != nil {
			return err
		}
	}
	for _, r := range p.Tables.Rows("MsiAssemblyName") {
		if r[0] == comp && r[2] == nil {
			return fmt.Errorf("%s: File %s: AssemblyName %s has no Value, and the assembly has none of that name: give it a Value", a.File.Pos, a.File.Key, r[1])
		}
	}
	return nil
}

// longName is the long name of a File row's FileName ("short|long").
func longName(fileName string) string {
	if i := strings.IndexByte(fileName, '|'); i >= 0 {
		return fileName[i+1:]
	}
	return fileName
}
