package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomsi/gomsi/wix/native"
)

// synopsis is printed after a mistake on the command line; usage for -h.
const synopsis = `usage: wixc [-a x86|x64|arm64] [-d Name=Value]... [-D Name=Value]...
            [-I includeDir]... [-b basePath]... [-loc file.wxl]...
            -o out.msi a.wxs [b.wxs ...]
`

const usage = synopsis + `
Compiles WiX v3 sources into one Windows Installer package (.msi), as
candle and light do together, with gomsi's own compiler.

  -a, -arch, --arch ARCH   x86 (the default), x64 or arm64: the default
                           Package/@Platform
  -d Name=Value, -dName=Value
                           define $(var.Name) (candle); without =Value the
                           value is empty
  -D Name=Value, -DName=Value, --define Name=Value
                           define $(var.Name) (wixl); without =Value the
                           value is 1
  -I DIR, -IDIR, --includedir DIR
                           search DIR for <?include?> files
  -b DIR                   search DIR, after the working directory, for
                           File/@Source, Binary/@SourceFile and
                           Icon/@SourceFile paths (light -b); -b NAME=DIR
                           is a named bind path, for !(bindpath.NAME)
  -loc FILE.wxl            localization strings for !(loc.Name) (light -loc)
  -o, -out, --output FILE  the package to write; it appears only when complete
  -h, --help               show this help
  --version                show the version

A define's value is text: -d X=$(env.HOME) defines X as the characters
$(env.HOME), as candle does. Defining a name twice is an error.
`

// options is a parsed command line.
type options struct {
	help, version bool
	comp          native.Compilation
}

// usageError is a mistake on the command line: wixc prints it with the
// usage and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// flagSpec is one option and its spellings: separate (-o FILE), attached
// (-dName=Value) and --long=value.
type flagSpec struct {
	names    []string // spellings taking the next argument
	attached string   // a prefix taking the rest of the argument, or ""
	long     string   // --long, also as --long=value, or ""
	set      func(o *options, value string) error
}

var flagSpecs = []flagSpec{
	{names: []string{"-a", "-arch"}, long: "--arch", set: setArch},
	{names: []string{"-d"}, attached: "-d", set: func(o *options, v string) error { return o.define("-d", v, "") }},
	{names: []string{"-D"}, attached: "-D", long: "--define", set: func(o *options, v string) error { return o.define("-D", v, "1") }},
	{names: []string{"-I"}, attached: "-I", long: "--includedir", set: func(o *options, v string) error {
		o.comp.IncludeDirs = append(o.comp.IncludeDirs, v)
		return nil
	}},
	{names: []string{"-b"}, set: setBasePath},
	{names: []string{"-loc"}, set: func(o *options, v string) error {
		o.comp.Localizations = append(o.comp.Localizations, v)
		return nil
	}},
	{names: []string{"-o", "-out"}, long: "--output", set: setOut},
}

// parseArgs parses wixc's arguments (without the program name).
func parseArgs(args []string) (options, error) {
	o := options{comp: native.Compilation{Arch: "x86", Defines: map[string]string{}}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			o.comp.Sources = append(o.comp.Sources, args[i+1:]...)
			i = len(args)
			continue
		case arg == "-h" || arg == "--help" || arg == "-help" || arg == "-?":
			o.help = true
			return o, nil
		case arg == "--version" || arg == "-version":
			o.version = true
			return o, nil
		case !strings.HasPrefix(arg, "-") || arg == "-":
			o.comp.Sources = append(o.comp.Sources, arg)
			continue
		}
		spec, value, takesNext := lookupFlag(arg)
		if spec == nil {
			return o, usagef("unknown option %s", arg)
		}
		if takesNext {
			if i+1 >= len(args) {
				return o, usagef("option %s needs a value", arg)
			}
			i++
			value = args[i]
		}
		if err := spec.set(&o, value); err != nil {
			return o, err
		}
	}
	if o.comp.Out == "" {
		return o, usagef("no output: give the package to write with -o out.msi")
	}
	if len(o.comp.Sources) == 0 {
		return o, usagef("no sources: give one or more .wxs files")
	}
	for _, src := range o.comp.Sources {
		if filepath.Clean(src) == filepath.Clean(o.comp.Out) {
			return o, usagef("-o %s would overwrite the source %s", o.comp.Out, src)
		}
	}
	return o, nil
}

// lookupFlag finds the option arg spells: takesNext when its value is the
// next argument, otherwise value is in arg itself.
func lookupFlag(arg string) (spec *flagSpec, value string, takesNext bool) {
	for i := range flagSpecs {
		s := &flagSpecs[i]
		if slices.Contains(s.names, arg) || (s.long != "" && arg == s.long) {
			return s, "", true
		}
		if s.long != "" && strings.HasPrefix(arg, s.long+"=") {
			return s, arg[len(s.long)+1:], false
		}
	}
	for i := range flagSpecs {
		s := &flagSpecs[i]
		if s.attached != "" && strings.HasPrefix(arg, s.attached) && len(arg) > len(s.attached) {
			return s, arg[len(s.attached):], false
		}
	}
	return nil, "", false
}

func setArch(o *options, v string) error {
	if !slices.Contains(native.Arches, v) {
		return usagef("-a %q: want one of %s", v, strings.Join(native.Arches, ", "))
	}
	o.comp.Arch = v
	return nil
}

func setOut(o *options, v string) error {
	if v == "" {
		return usagef("-o needs a file name")
	}
	if o.comp.Out != "" {
		return usagef("-o given twice (%s and %s): wixc writes one package", o.comp.Out, v)
	}
	o.comp.Out = v
	return nil
}

// setBasePath adds a light -b path. As in light, a value holding "=" is
// a named bind path, name=folder, for !(bindpath.name); a name may be given
// several folders, tried in order.
func setBasePath(o *options, v string) error {
	if v == "" {
		return usagef("-b needs a directory")
	}
	if name, dir, ok := strings.Cut(v, "="); ok {
		if name == "" || dir == "" {
			return usagef("-b %s: a named bind path is name=folder", v)
		}
		if o.comp.NamedBindPaths == nil {
			o.comp.NamedBindPaths = map[string][]string{}
		}
		o.comp.NamedBindPaths[name] = append(o.comp.NamedBindPaths[name], dir)
		return nil
	}
	o.comp.BasePaths = append(o.comp.BasePaths, v)
	return nil
}

// define adds Name=Value from flag; a bare Name gets bare's value (candle
// and wixl differ). The value is kept as text, never expanded.
func (o *options) define(flag, def, bare string) error {
	name, value, ok := strings.Cut(def, "=")
	if !ok {
		value = bare
	}
	if err := checkDefineName(name); err != nil {
		return usagef("%s %s: %v", flag, def, err)
	}
	if old, dup := o.comp.Defines[name]; dup {
		return usagef("%s %s: %s is already defined as %q", flag, def, name, old)
	}
	o.comp.Defines[name] = value
	return nil
}

// checkDefineName accepts the names $(var.Name) can refer to.
func checkDefineName(name string) error {
	if name == "" {
		return errors.New("want Name=Value")
	}
	for _, r := range name {
		if !(r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("name %q: use letters, digits, _ and .", name)
		}
	}
	return nil
}
