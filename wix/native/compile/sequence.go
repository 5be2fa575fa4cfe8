package compile

import (
	"strconv"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// scheduled is an action authored in (or added to) a sequence.
type scheduled struct {
	name, condition string
	seq             int
	before, after   string
	suppress        bool
	custom          bool
	e               *wxs.Element
}

type sequences struct {
	tables map[string]map[string]*scheduled
	order  map[string][]string // authoring order per table
}

func newSequences() *sequences {
	return &sequences{tables: map[string]map[string]*scheduled{}, order: map[string][]string{}}
}

func (s *sequences) put(table string, a *scheduled) error {
	m := s.tables[table]
	if m == nil {
		m = map[string]*scheduled{}
		s.tables[table] = m
	}
	if first := m[a.name]; first != nil {
		return a.e.Errorf("action %s is scheduled twice in %s (first at %s)", a.name, table, first.e.Pos)
	}
	m[a.name] = a
	s.order[table] = append(s.order[table], a.name)
	return nil
}

func sequenceTable(element string) string {
	if element == "AdvertiseExecuteSequence" {
		return "AdvtExecuteSequence"
	}
	return element
}

// sequence handles <InstallExecuteSequence> and its siblings as WiX v3
// does (Compiler.cs ParseSequenceElement): Custom actions and the special
// standard actions take Sequence, Before, After or OnExit; the other
// standard actions take Sequence (or none, keeping their suggested number)
// and Suppress.
func (c *compiler) sequence(e *wxs.Element) {
	c.err(e.CheckAttrs())
	table := sequenceTable(e.Name)
	for _, ch := range e.Children {
		if !c.known(ch) {
			continue
		}
		a := &scheduled{name: ch.Name, condition: ch.Text, e: ch}
		switch {
		case ch.Name == "Custom":
			c.err(ch.CheckAttrs("Action", "After", "Before", "Sequence", "OnExit"))
			a.name, a.custom = ch.Get("Action"), true
			if a.name == "" {
				c.err(ch.Errorf("Action is required: the Id of a CustomAction"))
				continue
			}
			c.refs = append(c.refs, ref{"CustomAction", a.name, ch})
		case relativeStandardActions[ch.Name]:
			c.err(ch.CheckAttrs("After", "Before", "Sequence", "Suppress", "Overridable", "OnExit"))
		case isStandardAction(ch.Name):
			// WiX v3 moves these only by number (UnexpectedAttribute for After/Before).
			c.err(ch.CheckAttrs("Sequence", "Suppress", "Overridable"))
		default:
			c.unexpected(ch, e.Name)
			continue
		}
		a.suppress = yes(ch, "Suppress")
		c.schedule(ch, a)
		c.err(c.seq.put(table, a))
	}
}

// exitSequences are the numbers OnExit gives: the dialogs or actions run
// when the installation ends so.
var exitSequences = map[string]int{"success": -1, "cancel": -2, "error": -3, "suspend": -4}

// schedule reads Sequence, After, Before and OnExit: at most one of them,
// and one is needed unless a standard action keeps its suggested number
// (or is suppressed).
func (c *compiler) schedule(e *wxs.Element, a *scheduled) {
	a.after, a.before = e.Get("After"), e.Get("Before")
	n := 0
	if v := e.Get("Sequence"); v != "" {
		seq, err := strconv.Atoi(v)
		if err != nil || seq < 1 || seq > 32767 {
			c.err(e.Errorf("Sequence %q: want a number from 1 to 32767", v))
		}
		a.seq = seq
		n++
	}
	if v := e.Get("OnExit"); v != "" {
		seq, ok := exitSequences[v]
		if !ok {
			c.err(e.Errorf("OnExit %q: use success, cancel, error or suspend", v))
		}
		a.seq = seq
		n++
	}
	if a.after != "" {
		n++
	}
	if a.before != "" {
		n++
	}
	switch {
	case n > 1:
		c.err(e.Errorf("give only one of Sequence, OnExit, After and Before"))
	case n > 0 && a.suppress:
		c.err(e.Errorf("Suppress=\"yes\" cannot go with Sequence, OnExit, After or Before"))
	case n == 0 && !a.suppress && (a.custom || specialActions[a.name]):
		c.err(e.Errorf("%s needs Sequence, After or Before", a.name))
	}
	if a.after == a.name || a.before == a.name {
		c.err(e.Errorf("%s is scheduled relative to itself", a.name))
	}
}
