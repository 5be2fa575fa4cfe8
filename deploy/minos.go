package deploy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gomsi/gomsi/internal/msidb"
)

// The registry value a build-number property is searched in: unlike
// VersionNT, which Windows Installer reports as 603 on Windows 10, no
// compatibility shim changes it.
const (
	buildKey   = `SOFTWARE\Microsoft\Windows NT\CurrentVersion`
	buildValue = "CurrentBuildNumber"
	firstWin10 = 10240
)

// servicePackBuilds maps VersionNT and a service pack level to the build
// number of that release (Windows 7 SP1, Vista SP2 / Server 2008 SP2).
var servicePackBuilds = map[[2]int]int{{601, 1}: 7601, {600, 2}: 6002}

// minimumOS reads the oldest Windows the package's launch conditions let
// through, as winget's MinimumOSVersion (major.minor.build.0). It reads
// comparisons of VersionNT, ServicePackLevel and of a property that
// AppSearch fills from the registry's CurrentBuildNumber, joined by AND,
// OR and parentheses; a condition that tests VersionNT in another way is
// an error, since guessing would let winget offer Go to a Windows that
// refuses it.
func minimumOS(db *msidb.Reader) (string, error) {
	buildProps, err := buildProperties(db)
	if err != nil {
		return "", err
	}
	rows, err := db.Rows("LaunchCondition")
	if err != nil {
		return "", err
	}
	var best []int
	for _, r := range rows {
		cond := r.Str("Condition")
		v, err := parseOSCondition(cond, buildProps)
		if err != nil {
			return "", fmt.Errorf("launch condition %q: %v: gomsi cannot tell the oldest Windows it allows", cond, err)
		}
		if v != nil && (best == nil || compareVersions(v, best) > 0) {
			best = v
		}
	}
	if best == nil {
		return "", nil
	}
	parts := make([]string, len(best))
	for i, n := range best {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, "."), nil
}

// buildProperties lists the properties AppSearch sets from CurrentBuildNumber.
func buildProperties(db *msidb.Reader) (map[string]bool, error) {
	locators, err := db.Rows("RegLocator")
	if err != nil {
		return nil, err
	}
	signatures := map[string]bool{}
	for _, l := range locators {
		if root, _ := l.Int("Root"); root == 2 && strings.EqualFold(l.Str("Key"), buildKey) && strings.EqualFold(l.Str("Name"), buildValue) {
			signatures[l.Str("Signature_")] = true
		}
	}
	searches, err := db.Rows("AppSearch")
	if err != nil {
		return nil, err
	}
	props := map[string]bool{}
	for _, s := range searches {
		if signatures[s.Str("Signature_")] {
			props[s.Str("Property")] = true
		}
	}
	return props, nil
}

// osTerm is what one alternative of a condition requires.
type osTerm struct {
	versionNT, servicePack, build int
	installed                     bool // only the Installed property: maintenance of an installed product
	other                         bool // tests something else, which may hold on any Windows
}

func (t osTerm) constrained() bool { return t.versionNT > 0 || t.build > 0 }

// version is the oldest Windows the term allows, nil for any.
func (t osTerm) version() ([]int, error) {
	switch {
	case t.build >= firstWin10:
		return []int{10, 0, t.build, 0}, nil
	case t.versionNT == 0:
		return nil, nil
	}
	build := t.build
	if t.servicePack > 0 {
		b, ok := servicePackBuilds[[2]int{t.versionNT, t.servicePack}]
		if !ok {
			return nil, fmt.Errorf("service pack %d of VersionNT %d is not one gomsi knows the build of", t.servicePack, t.versionNT)
		}
		build = max(build, b)
	}
	return []int{t.versionNT / 100, t.versionNT % 100, build, 0}, nil
}

// parseOSCondition returns the oldest Windows a condition allows, nil when
// it allows any (or tests no Windows version).
func parseOSCondition(cond string, buildProps map[string]bool) ([]int, error) {
	p := &condParser{toks: tokenize(cond), buildProps: buildProps}
	alts, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	var best []int
	for _, a := range alts {
		if a.installed {
			continue
		}
		if !a.constrained() {
			return nil, nil // this alternative lets any Windows through
		}
		v, err := a.version()
		if err != nil {
			return nil, err
		}
		if best == nil || compareVersions(v, best) < 0 {
			best = v
		}
	}
	return best, nil
}

type condParser struct {
	toks       []string
	pos        int
	buildProps map[string]bool
}

func (p *condParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *condParser) next() string {
	t := p.peek()
	p.pos++
	return t
}

// or returns the alternatives of a disjunction.
func (p *condParser) or() ([]osTerm, error) {
	var alts []osTerm
	for {
		a, err := p.and()
		if err != nil {
			return nil, err
		}
		alts = append(alts, a...)
		if !strings.EqualFold(p.peek(), "OR") {
			return alts, nil
		}
		p.next()
	}
}

// and returns the alternatives of a conjunction: every combination of its
// factors' alternatives, each requiring what all its parts require.
func (p *condParser) and() ([]osTerm, error) {
	alts := []osTerm{{installed: true}}
	for {
		f, err := p.factor()
		if err != nil {
			return nil, err
		}
		var out []osTerm
		for _, a := range alts {
			for _, b := range f {
				out = append(out, osTerm{
					versionNT: max(a.versionNT, b.versionNT), servicePack: max(a.servicePack, b.servicePack), build: max(a.build, b.build),
					installed: a.installed && b.installed, other: a.other || b.other,
				})
			}
		}
		alts = out
		if !strings.EqualFold(p.peek(), "AND") {
			return alts, nil
		}
		p.next()
	}
}

func (p *condParser) factor() ([]osTerm, error) {
	tok := p.next()
	switch {
	case tok == "(":
		alts, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("a parenthesis is not closed")
		}
		return alts, nil
	case strings.EqualFold(tok, "NOT"):
		start := p.pos
		if _, err := p.factor(); err != nil {
			return nil, err
		}
		for _, t := range p.toks[start:p.pos] {
			if p.isOSName(t) {
				return nil, fmt.Errorf("NOT of a Windows version test")
			}
		}
		return []osTerm{{other: true}}, nil
	case tok == "":
		return nil, fmt.Errorf("the condition ends early")
	}
	op := p.peek()
	if !isComparison(op) {
		if tok == "Installed" {
			return []osTerm{{installed: true}}, nil
		}
		if p.isOSName(tok) {
			return nil, fmt.Errorf("%s is not compared with a number", tok)
		}
		return []osTerm{{other: true}}, nil
	}
	p.next()
	val := p.next()
	if !p.isOSName(tok) {
		return []osTerm{{other: true}}, nil
	}
	n, err := strconv.Atoi(val)
	if err != nil {
		return nil, fmt.Errorf("%s is compared with %q, not a number", tok, val)
	}
	switch op {
	case ">=":
	case ">":
		n++
	case "=":
		if tok != "VersionNT" {
			return nil, fmt.Errorf("%s = %d allows only one release", tok, n)
		}
	default:
		return nil, fmt.Errorf("%s %s %d sets an upper limit", tok, op, n)
	}
	switch {
	case tok == "VersionNT":
		return []osTerm{{versionNT: n}}, nil
	case tok == "ServicePackLevel":
		return []osTerm{{servicePack: n}}, nil
	default:
		return []osTerm{{build: n}}, nil
	}
}

func (p *condParser) isOSName(tok string) bool {
	return tok == "VersionNT" || tok == "VersionNT64" || tok == "WindowsBuild" || tok == "ServicePackLevel" || p.buildProps[tok]
}

func isComparison(op string) bool {
	switch op {
	case ">=", "<=", ">", "<", "=", "<>":
		return true
	}
	return false
}

// tokenize splits a condition into names, numbers, quoted strings,
// parentheses and comparison operators.
func tokenize(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '"':
			end := len(s)
			if j := strings.IndexByte(s[i+1:], '"'); j >= 0 {
				end = i + j + 2
			}
			toks = append(toks, s[i:end])
			i = end
		case strings.ContainsRune("<>=~", rune(c)):
			j := i + 1
			for j < len(s) && strings.ContainsRune("<>=~", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			j := i + 1
			for j < len(s) && !strings.ContainsRune(" \t()<>=~\"", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

func compareVersions(a, b []int) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return len(a) - len(b)
}
