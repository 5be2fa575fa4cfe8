// Package tmplfuncs is the one function map of every template gomsi runs
// (the WiX source templates and the release notes): sprig's functions, less
// every one that reads the environment, the network, the clock or random
// numbers, or whose result depends on the OS gomsi runs on. A template sees
// only the data gomsi hands it, so that it can never copy a token or a
// password into a package or a release, and the same data always renders
// the same text.
package tmplfuncs

import (
	"fmt"
	"sort"
	"text/template"
	"text/template/parse"

	"github.com/Masterminds/sprig/v3"
)

// refused maps every sprig function a template may not call to the reason.
// sprig's HermeticTxtFuncMap already drops env, expandenv, getHostByName,
// now, date*, rand*, randBytes and uuidv4; the rest are listed here because
// they also read the clock (ago, durationRound of a time, the certificates'
// validity), the local time zone (toDate), random numbers (shuffle,
// randInt, bcrypt and htpasswd salts, generated keys, encryptAES's IV) or
// the OS's path rules (os*).
var refused = map[string]string{}

func init() {
	for reason, names := range map[string][]string{
		"templates cannot read the environment, which may hold secrets such as GITHUB_TOKEN or GOMSI_SIGN_PASSWORD": {
			"env", "expandenv"},
		"templates cannot use the network": {"getHostByName"},
		"templates cannot read the clock or the local time zone, so that the same data always renders the same text": {
			"now", "date", "date_in_zone", "dateInZone", "date_modify", "dateModify", "htmlDate", "htmlDateInZone",
			"ago", "toDate", "mustToDate", "durationRound"},
		"templates cannot use random numbers, so that the same data always renders the same text": {
			"randAlphaNum", "randAlpha", "randAscii", "randNumeric", "randBytes", "randInt", "uuidv4", "shuffle",
			"bcrypt", "htpasswd", "encryptAES", "genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert",
			"genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey"},
		"templates cannot depend on the OS gomsi runs on (use base, dir, clean, ext and isAbs, which use /)": {
			"osBase", "osClean", "osDir", "osExt", "osIsAbs"},
	} {
		for _, name := range names {
			refused[name] = reason
		}
	}
}

// Map returns the functions a template may call. The refused ones are in it
// too, as functions that fail, so that a template calling one parses and
// Check can name the function and the reason; none of them ever runs.
func Map() template.FuncMap {
	m := sprig.HermeticTxtFuncMap()
	for name := range refused {
		name := name
		m[name] = func(...any) (string, error) { return "", refusal(name) }
	}
	return m
}

func refusal(name string) error {
	return fmt.Errorf("function %s is not available: %s", name, refused[name])
}

// Refused lists the names of the functions Map refuses, sorted.
func Refused() []string {
	names := make([]string, 0, len(refused))
	for n := range refused {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Check returns an error naming the first call of a refused function in
// any template of set, with its template, line and column, and the reason.
// Loaders call it after parsing, so that such a template is refused before
// anything renders.
func Check(set *template.Template) error {
	for _, t := range set.Templates() {
		if t.Tree == nil || t.Tree.Root == nil {
			continue
		}
		if n := findRefused(t.Tree.Root); n != nil {
			loc, _ := t.Tree.ErrorContext(n)
			return fmt.Errorf("%s: %w", loc, refusal(n.Ident))
		}
	}
	return nil
}

// findRefused walks a parse tree for an identifier (a function call) that
// names a refused function.
func findRefused(n parse.Node) *parse.IdentifierNode {
	var found *parse.IdentifierNode
	var walk func(parse.Node)
	walkPipe := func(p *parse.PipeNode) {
		if p != nil {
			walk(p)
		}
	}
	walk = func(n parse.Node) {
		if found != nil || n == nil {
			return
		}
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walkPipe(n.Pipe)
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.IdentifierNode:
			if _, ok := refused[n.Ident]; ok {
				found = n
			}
		case *parse.IfNode:
			walkPipe(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walkPipe(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walkPipe(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walkPipe(n.Pipe)
		}
	}
	walk(n)
	return found
}
