package wxs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// expand replaces preprocessor variables and functions as WiX v3's
// preprocessor does (PreprocessorCore.PreprocessString,
// src/tools/wix/PreprocessorCore.cs): "$$" is one literal "$", $(loc.X) is
// left for the binder, $(prefix.name) is a variable and
// $(prefix.name(args)) a function, found by counting parentheses, and a "$"
// before anything else stays.
func (p *parser) expand(pos Pos, s string) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		rest := s[i+1:]
		switch {
		case strings.HasPrefix(rest, "$"):
			b.WriteByte('$')
			s = rest[1:]
		case strings.HasPrefix(rest, "(loc."):
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				return "", fmt.Errorf("unterminated variable reference %q", clip("$"+rest))
			}
			b.WriteString("$" + rest[:end+1])
			s = rest[end+1:]
		case strings.HasPrefix(rest, "("):
			end, function := -1, false
			open := 1
			for j := 1; j < len(rest) && end < 0; j++ {
				switch rest[j] {
				case '(':
					open++
					function = true
				case ')':
					open--
				}
				if open == 0 {
					end = j
				}
			}
			if end < 0 {
				return "", fmt.Errorf("unterminated variable reference %q", clip("$"+rest))
			}
			inner := rest[1:end]
			var v string
			var err error
			if function {
				v, err = p.function(pos, inner)
			} else {
				v, err = p.variable(pos, inner)
			}
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			s = rest[end+1:]
		default:
			b.WriteByte('$')
			s = rest
		}
		if b.Len() > maxValueBytes {
			return "", fmt.Errorf("the value grows past %d MiB as variables are replaced", maxValueBytes>>20)
		}
	}
	return b.String(), nil
}

// errNoPrefix is a reference to a variable with an empty prefix, $(.X):
// candle crashes on it outside an <?if?> and takes it as undefined inside.
var errNoPrefix = errors.New("a variable needs a prefix before the dot")

// variable resolves $(ref): WiX v3 wants a prefix (var., env. or sys.).
func (p *parser) variable(pos Pos, ref string) (string, error) {
	prefix, name, ok := strings.Cut(ref, ".")
	switch {
	case !ok || name == "":
		return "", fmt.Errorf("$(%s) is not a variable: WiX v3 wants a prefix and a name, such as $(var.%s), $(env.%s) or $(sys.%s); write $$(%s) for the text itself", clip(ref), clip(ref), clip(ref), clip(ref), clip(ref))
	case prefix == "":
		return "", fmt.Errorf("$(%s): %w", clip(ref), errNoPrefix)
	}
	if v, ok := p.lookup(pos, prefix, name); ok {
		return v, nil
	}
	switch prefix {
	case "var":
		return "", fmt.Errorf("undefined preprocessor variable $(%s): define it (-d%s=value, <?define?>) or fix the name", clip(ref), clip(name))
	case "env":
		return "", fmt.Errorf("environment variable %s in $(%s) is not set", clip(name), clip(ref))
	case "sys":
		return "", fmt.Errorf("$(%s) is not a WiX system variable (CURRENTDIR, SOURCEFILEDIR, SOURCEFILEPATH, BUILDARCH, PLATFORM)", clip(ref))
	}
	return "", fmt.Errorf("$(%s): %s is not a preprocessor variable prefix (var, env, sys), and the native toolset has no preprocessor extensions", clip(ref), prefix)
}

// lookup is WiX v3's GetVariableValue(prefix, name).
func (p *parser) lookup(pos Pos, prefix, name string) (string, bool) {
	switch prefix {
	case "var":
		v, ok := p.vars[name]
		return v, ok
	case "env":
		if p.opts.Getenv != nil {
			if v := p.opts.Getenv(name); v != "" {
				return v, true
			}
		}
		return "", false
	case "sys":
		return p.system(pos, name)
	}
	return "", false
}

// system is a $(sys.X) variable. Directories end with a separator, as
// WiX's do.
func (p *parser) system(pos Pos, name string) (string, bool) {
	sep := string(filepath.Separator)
	switch name {
	case "CURRENTDIR":
		dir, err := os.Getwd()
		if err != nil {
			return "", false
		}
		return dir + sep, true
	case "SOURCEFILEDIR":
		return filepath.Dir(absolute(pos.File)) + sep, true
	case "SOURCEFILEPATH":
		return absolute(pos.File), true
	case "PLATFORM":
		p.warn(pos, "$(sys.PLATFORM) is deprecated: use $(sys.BUILDARCH)")
		return p.arch, true
	case "BUILDARCH":
		return p.arch, true
	}
	return "", false
}

func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// defined is WiX v3's GetVariableValue(name, allowMissingPrefix: true), as
// <?ifdef?> and <?ifndef?> use it: Name, var.Name, env.Name or sys.NAME.
func (p *parser) defined(pos Pos, ref string) (bool, error) {
	if r, ok := strings.CutPrefix(ref, "$("); ok {
		// candle drops the "$(" and keeps the ")", so the name is never
		// defined
		p.warn(pos, "<?ifdef?> and <?ifndef?> take a name: %s tests a variable named %q, which is never defined; write %s", clip(ref), clip(r), clip(strings.TrimSuffix(r, ")")))
		ref = r
	}
	prefix, name, ok := strings.Cut(ref, ".")
	switch {
	case ref == "":
		return false, errors.New("want a variable name")
	case !ok:
		_, found := p.vars[ref]
		return found, nil
	case name == "" || prefix == "":
		return false, fmt.Errorf("%q is not a variable name", clip(ref))
	}
	if _, found := p.lookup(pos, prefix, name); found {
		return true, nil
	}
	_, found := p.vars[ref] // the dot may be part of a plain name
	return found, nil
}

// function is WiX v3's EvaluateFunction: $(prefix.name(arg,...)). WiX's
// one function, fun.AutoVersion, reads the clock; any other is looked up
// as a variable whose name holds parentheses, as $(env.ProgramFiles(x86)).
func (p *parser) function(pos Pos, call string) (string, error) {
	prefix, rest, _ := strings.Cut(call, ".")
	name, args, _ := strings.Cut(rest, "(")
	if prefix == "" || name == "" || !strings.HasSuffix(args, ")") {
		return "", fmt.Errorf("$(%s) is not a preprocessor function: want $(prefix.name(arguments))", clip(call))
	}
	if p.funcDepth >= maxFunctionDepth {
		return "", fmt.Errorf("$(%s): functions nest deeper than %d", clip(call), maxFunctionDepth)
	}
	p.funcDepth++
	defer func() { p.funcDepth-- }()
	for _, arg := range strings.Split(args[:len(args)-1], ",") {
		if _, err := p.expand(pos, strings.TrimSpace(arg)); err != nil {
			return "", err
		}
	}
	if prefix == "fun" && name == "AutoVersion" {
		return "", fmt.Errorf("$(%s) makes a version from the build's clock, which the native toolset does not do so that builds are reproducible: write the version, or define it with -d", clip(call))
	}
	if v, ok := p.lookup(pos, prefix, call[len(prefix)+1:]); ok {
		return v, nil
	}
	return "", fmt.Errorf("undefined preprocessor function or variable $(%s)", clip(call))
}
