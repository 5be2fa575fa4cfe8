package compile

import (
	"strconv"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

func (c *compiler) productElement(e *wxs.Element) {
	c.err(e.CheckAttrs("Id", "Name", "Language", "Version", "Manufacturer", "UpgradeCode", "Codepage"))
	name, version, lang := e.Get("Name"), e.Get("Version"), e.Get("Language")
	if name == "" || version == "" || lang == "" {
		c.err(e.Errorf("Name, Version and Language are required"))
	}
	if !validVersion(version) {
		c.err(e.Errorf("Version %q is not a product version (major.minor.build, each at most 255.255.65535)", version))
	}
	if e.Get("Codepage") != "" {
		if n, ok := c.codePage(e, "Codepage"); ok {
			c.pkg.CodePage = n
		}
	}
	// A .wxl's Codepage wins, as in light (Binder.cs: output.Codepage =
	// Localizer.Codepage); the database writer refuses one it cannot encode.
	if loc := c.opts.Localization; loc != nil && loc.Codepage != -1 {
		c.pkg.CodePage = loc.Codepage
	}
	// WiX v3 requires Product/@Id (Compiler.cs:13031) and
	// leaves "*" in the Property row for the binder to replace; so does this
	// compiler, for the caller (Package.SetProductCode).
	code, hasID := e.Attr("Id")
	switch {
	case !hasID || code == "":
		c.err(e.Errorf("Id is required: give the ProductCode as a GUID, or Id=\"*\" to derive it from the package's content"))
	case code == "*":
	default:
		g, err := guid(code)
		if err != nil {
			c.err(e.Errorf("Id: %v", err))
		}
		code = g
	}
	c.pkg.ProductCode = code
	c.setProp(e, "ProductCode", code)
	c.setProp(e, "ProductName", name)
	c.setProp(e, "ProductVersion", version)
	c.setProp(e, "ProductLanguage", lang)
	if m := e.Get("Manufacturer"); m != "" {
		c.setProp(e, "Manufacturer", m)
	}
	if uc := e.Get("UpgradeCode"); uc != "" {
		g, err := guid(uc)
		if err != nil {
			c.err(e.Errorf("UpgradeCode: %v", err))
		}
		c.setProp(e, "UpgradeCode", g)
	}
	var pkg *wxs.Element
	for _, ch := range e.Children {
		if ch.Name == "Package" && ch.Space == wxs.Namespace {
			if pkg != nil {
				c.err(ch.Errorf("a second Package element"))
			}
			pkg = ch
			continue
		}
		if !c.known(ch) {
			continue
		}
		c.element(ch, scope{}, e)
	}
	if pkg == nil {
		c.err(e.Errorf("a Package element is required"))
		return
	}
	c.packageElement(pkg, e)
}

func (c *compiler) packageElement(e *wxs.Element, product *wxs.Element) {
	c.err(e.CheckAttrs("Id", "Keywords", "Description", "Comments", "Manufacturer", "InstallerVersion",
		"Compressed", "InstallScope", "InstallPrivileges", "Platform", "Languages", "SummaryCodepage",
		"AdminImage", "ShortNames", "ReadOnly"))
	s := &c.pkg.Summary
	s.Title = "Installation Database"
	s.Subject = product.Get("Name")
	if d := e.Get("Description"); d != "" {
		s.Subject = d
	}
	s.Author = product.Get("Manufacturer")
	if m := e.Get("Manufacturer"); m != "" {
		s.Author = m
	}
	s.Keywords = "Installer"
	if k := e.Get("Keywords"); k != "" {
		s.Keywords = k
	}
	s.Comments = "This installer database contains the logic and data required to install " + product.Get("Name") + "."
	if cm, ok := e.Attr("Comments"); ok {
		s.Comments = cm
	}
	if id := e.Get("Id"); id != "" && id != "*" {
		g, err := guid(id)
		if err != nil {
			c.err(e.Errorf("Id: %v", err))
		}
		s.PackageCode = g // otherwise derived from the content when written
	}
	platform := c.opts.Platform
	if p := e.Get("Platform"); p != "" {
		platform = p
	}
	var tmpl string
	switch platform {
	case "x86", "intel", "":
		tmpl = "Intel"
	case "x64":
		tmpl = "x64"
	case "arm64":
		tmpl = "Arm64"
	default:
		c.err(e.Errorf("Platform %q is not supported: use x86, x64 or arm64", platform))
	}
	langs := product.Get("Language")
	if l := e.Get("Languages"); l != "" {
		langs = l
	}
	s.Template = tmpl + ";" + langs
	s.InstallerVersion = 200
	if v := e.Get("InstallerVersion"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			c.err(e.Errorf("InstallerVersion %q is not a number", v))
		}
		s.InstallerVersion = n
	}
	if tmpl == "Arm64" && s.InstallerVersion < 500 {
		c.err(e.Errorf("arm64 packages need InstallerVersion 500 or more, not %d", s.InstallerVersion))
	}
	if yes(e, "ShortNames") {
		s.WordCount |= 1
	}
	if yes(e, "Compressed") {
		s.WordCount |= 2
	}
	if yes(e, "AdminImage") {
		s.WordCount |= 4
	}
	s.Security = 2
	switch e.Get("ReadOnly") {
	case "no":
		s.Security = 0
	case "yes":
		s.Security = 4
	}
	if e.Get("SummaryCodepage") != "" {
		// The summary information is written in the database's code page
		// (1252 for a neutral one); WiX keeps the two apart.
		n, ok := c.codePage(e, "SummaryCodepage")
		db := c.pkg.CodePage
		if db == 0 {
			db = 1252
		}
		if ok && n != db && !(n == 0 && db == 1252) {
			c.err(e.Errorf("SummaryCodepage %d differs from the database code page %d (Product/@Codepage): the native toolset writes the summary information in the database code page; make them equal", n, db))
		}
	}
	switch e.Get("InstallScope") {
	case "perMachine":
		c.setProp(e, "ALLUSERS", "1")
	case "perUser", "":
		if e.Get("InstallScope") == "perUser" {
			s.WordCount |= 8
		}
	default:
		c.err(e.Errorf("InstallScope %q: use perMachine or perUser", e.Get("InstallScope")))
	}
	if e.Get("InstallPrivileges") == "limited" {
		s.WordCount |= 8
	}
	s.CreatingApp = c.opts.CreatingApp
	c.pkg.compressed = yes(e, "Compressed")
}

func yes(e *wxs.Element, name string) bool { return e.Get(name) == "yes" }

// yesNo reads a yes/no attribute with a default, recording bad values.
func (c *compiler) yesNo(e *wxs.Element, name string, def bool) bool {
	switch v, _ := e.Attr(name); v {
	case "":
		return def
	case "yes":
		return true
	case "no":
		return false
	default:
		c.err(e.Errorf("%s=%q: use yes or no", name, v))
		return def
	}
}
