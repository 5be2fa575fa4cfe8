package templates

import (
	"fmt"
	"strings"
	"text/template"
	"text/template/parse"
)

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// escapeXML makes any value safe inside XML text and attribute values.
func escapeXML(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	plain := true
	for _, r := range s {
		switch {
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			return "", fmt.Errorf("value %q holds the character %U, which XML cannot carry", s, r)
		case r == '&', r == '<', r == '>', r == '"', r == '\'':
			plain = false
		}
	}
	if plain { // most values: ids, GUIDs, plain names
		return s, nil
	}
	return xmlEscaper.Replace(s), nil
}

// escapeActions appends "| xml" to every action that prints a value, the way
// html/template rewrites its templates, so that no template (gomsi's or a
// user's) can forget to escape. An action may end in "raw" to print verbatim.
func escapeActions(t *template.Template) {
	if t.Tree == nil {
		return
	}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			if len(n.Pipe.Decl) > 0 || endsWith(n.Pipe, "xml", "raw") {
				return
			}
			id := parse.NewIdentifier("xml").SetTree(t.Tree).SetPos(n.Pos)
			n.Pipe.Cmds = append(n.Pipe.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: n.Pos, Args: []parse.Node{id}})
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(t.Tree.Root)
}

func endsWith(p *parse.PipeNode, names ...string) bool {
	last := p.Cmds[len(p.Cmds)-1]
	if id, ok := last.Args[0].(*parse.IdentifierNode); ok {
		for _, name := range names {
			if id.Ident == name {
				return true
			}
		}
	}
	return false
}
