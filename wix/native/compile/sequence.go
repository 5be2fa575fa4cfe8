package compile

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gomsi/gomsi/wix/native/wxs"
)

// standardActionNames are the standard actions that may be authored inside
// sequence elements to move, condition or suppress them.
const standardActionNames = `AppSearch CostFinalize CostInitialize CreateFolders CreateShortcuts
	ExecuteAction FileCost FindRelatedProducts ForceReboot InstallAdminPackage InstallExecute
	InstallExecuteAgain InstallFiles InstallFinalize InstallInitialize InstallValidate LaunchConditions
	MigrateFeatureStates ProcessComponents PublishFeatures PublishProduct RegisterProduct RegisterUser
	RemoveEnvironmentStrings RemoveExistingProducts RemoveFiles RemoveFolders RemoveRegistryValues
	RemoveShortcuts ResolveSource ScheduleReboot UnpublishFeatures ValidateProductID
	WriteEnvironmentStrings WriteRegistryValues`

var standardActions = set(standardActionNames)

// std is a standard action in a standard sequence: added when one of the
// tables it works on has rows (or always when needs is empty).
type std struct {
	name  string
	seq   int
	needs string // "|"-separated tables
}

// standardSequences are the sequences WiX v3 (and wixl) write, with the
// standard sequence numbers.
var standardSequences = map[string][]std{
	"InstallExecuteSequence": {
		{"FindRelatedProducts", 25, "Upgrade"}, {"AppSearch", 50, "AppSearch"},
		{"LaunchConditions", 100, "LaunchCondition"}, {"ValidateProductID", 700, ""},
		{"CostInitialize", 800, ""}, {"FileCost", 900, ""}, {"CostFinalize", 1000, ""},
		{"MigrateFeatureStates", 1200, "Upgrade"}, {"InstallValidate", 1400, ""},
		{"InstallInitialize", 1500, ""}, {"ProcessComponents", 1600, ""},
		{"UnpublishFeatures", 1800, ""}, {"RemoveRegistryValues", 2600, "Registry"},
		{"RemoveShortcuts", 3200, "Shortcut"}, {"RemoveEnvironmentStrings", 3300, "Environment"},
		{"RemoveFiles", 3500, "File|RemoveFile"}, {"RemoveFolders", 3600, "CreateFolder|RemoveFile"},
		{"CreateFolders", 3700, "CreateFolder"}, {"InstallFiles", 4000, "File"},
		{"CreateShortcuts", 4500, "Shortcut"}, {"WriteRegistryValues", 5000, "Registry"},
		{"WriteEnvironmentStrings", 5200, "Environment"}, {"RegisterUser", 6000, ""},
		{"RegisterProduct", 6100, ""}, {"PublishFeatures", 6300, ""}, {"PublishProduct", 6400, ""},
		{"InstallFinalize", 6600, ""},
	},
	"InstallUISequence": {
		{"FindRelatedProducts", 25, "Upgrade"}, {"AppSearch", 50, "AppSearch"},
		{"LaunchConditions", 100, "LaunchCondition"}, {"ValidateProductID", 700, ""},
		{"CostInitialize", 800, ""}, {"FileCost", 900, ""}, {"CostFinalize", 1000, ""},
		{"MigrateFeatureStates", 1200, "Upgrade"}, {"ExecuteAction", 1300, ""},
	},
	"AdminUISequence": {
		{"CostInitialize", 800, ""}, {"FileCost", 900, ""}, {"CostFinalize", 1000, ""},
		{"ExecuteAction", 1300, ""},
	},
	"AdminExecuteSequence": {
		{"CostInitialize", 800, ""}, {"FileCost", 900, ""}, {"CostFinalize", 1000, ""},
		{"InstallValidate", 1400, ""}, {"InstallInitialize", 1500, ""},
		{"InstallAdminPackage", 3900, ""}, {"InstallFiles", 4000, "File"}, {"InstallFinalize", 6600, ""},
	},
	"AdvtExecuteSequence": {
		{"CostInitialize", 800, ""}, {"CostFinalize", 1000, ""}, {"InstallValidate", 1400, ""},
		{"InstallInitialize", 1500, ""}, {"CreateShortcuts", 4500, "Shortcut"},
		{"PublishFeatures", 6300, ""}, {"PublishProduct", 6400, ""}, {"InstallFinalize", 6600, ""},
	},
}

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

// sequence handles <InstallExecuteSequence> and its siblings.
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
			if ch.Get("OnExit") != "" {
				c.err(ch.Errorf("OnExit is not supported by the native toolset; use GOMSI_TOOLSET=wix3 or wix4"))
			}
			c.refs = append(c.refs, ref{"CustomAction", a.name, ch})
		case standardActions[ch.Name]:
			c.err(ch.CheckAttrs("After", "Before", "Sequence", "Suppress", "Overridable"))
			a.suppress = yes(ch, "Suppress")
		default:
			c.unexpected(ch, e.Name)
			continue
		}
		c.schedule(ch, a)
		c.err(c.seq.put(table, a))
	}
}

// schedule reads Sequence, After and Before: exactly one of them (or none
// for a standard action keeping its standard number).
func (c *compiler) schedule(e *wxs.Element, a *scheduled) {
	a.after, a.before = e.Get("After"), e.Get("Before")
	n := 0
	if v := e.Get("Sequence"); v != "" {
		seq, err := strconv.Atoi(v)
		if err != nil || seq < -4 || seq > 32767 {
			c.err(e.Errorf("Sequence %q: want a number up to 32767", v))
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
	if n > 1 {
		c.err(e.Errorf("give only one of Sequence, After and Before"))
	}
	if n == 0 && a.custom {
		c.err(e.Errorf("a custom action needs Sequence, After or Before"))
	}
}

// finishSequences adds the standard actions whose tables have rows, places
// relative actions next to their anchors and writes the sequence tables.
func (c *compiler) finishSequences() {
	for _, table := range []string{"InstallExecuteSequence", "InstallUISequence", "AdminExecuteSequence", "AdminUISequence", "AdvtExecuteSequence"} {
		authored := c.seq.tables[table]
		all := map[string]*scheduled{}
		for _, st := range standardSequences[table] {
			if a := authored[st.name]; a != nil {
				if a.seq == 0 && a.after == "" && a.before == "" {
					a.seq = st.seq
				}
				continue
			}
			if c.tablesHaveRows(st.needs) {
				all[st.name] = &scheduled{name: st.name, seq: st.seq, e: c.product}
			}
		}
		for name, a := range authored {
			all[name] = a
		}
		c.err(place(table, all, c.seq.order[table]))
		for _, name := range c.seq.order[table] {
			if a := all[name]; a.seq == 0 && !a.suppress && a.after == "" && a.before == "" {
				c.err(a.e.Errorf("%s is not a standard action of %s: give it a Sequence, After or Before", name, table))
				a.suppress = true
			}
		}
		var names []string
		for name, a := range all {
			if !a.suppress {
				names = append(names, name)
			}
		}
		sort.Slice(names, func(i, j int) bool { return all[names[i]].seq < all[names[j]].seq })
		for _, name := range names {
			a := all[name]
			var cond any
			if a.condition != "" {
				cond = a.condition
			}
			c.add(a.e, table, name, cond, a.seq)
		}
	}
}

func (c *compiler) tablesHaveRows(needs string) bool {
	if needs == "" {
		return true
	}
	for _, t := range strings.Split(needs, "|") {
		if c.t.Len(t) > 0 || (t == "File" && len(c.pkg.Files) > 0) {
			return true
		}
	}
	return false
}

// place gives relative actions numbers: the actions After an anchor take
// the numbers just above it in authoring order (each followed by its own
// After actions), those Before it the numbers just below. A number that
// collides with another action is an error: give the action a Sequence.
func place(table string, all map[string]*scheduled, order []string) error {
	after := map[string][]*scheduled{}
	before := map[string][]*scheduled{}
	for _, name := range order {
		a := all[name]
		switch {
		case a.after != "":
			after[a.after] = append(after[a.after], a)
		case a.before != "":
			before[a.before] = append(before[a.before], a)
		}
	}
	used := map[int]string{}
	for name, a := range all {
		if a.after == "" && a.before == "" && !a.suppress {
			used[a.seq] = name
		}
	}
	var errs []string
	placed := map[string]bool{}
	// visit numbers the actions relative to anchor and returns the highest
	// number its After chain took. Each action has one anchor, so the
	// actions reached from the absolute ones form trees, each visited once.
	var visit func(anchor *scheduled) int
	visit = func(anchor *scheduled) int {
		placed[anchor.name] = true
		next, highest := anchor.seq, anchor.seq
		for _, a := range after[anchor.name] {
			next++
			if other, taken := used[next]; taken {
				errs = append(errs, fmt.Sprintf("%s: %s in %s After %s would take sequence %d, which %s has: give it a Sequence", a.e.Pos, a.name, table, anchor.name, next, other))
			}
			a.seq = next
			used[next] = a.name
			next = visit(a)
			highest = max(highest, next)
		}
		prev := anchor.seq
		list := before[anchor.name]
		for i := len(list) - 1; i >= 0; i-- {
			a := list[i]
			prev--
			if other, taken := used[prev]; taken || prev < 1 {
				errs = append(errs, fmt.Sprintf("%s: %s in %s Before %s would take sequence %d, which %s has: give it a Sequence", a.e.Pos, a.name, table, anchor.name, prev, other))
			}
			a.seq = prev
			used[prev] = a.name
			visit(a)
		}
		return highest
	}
	var anchors []*scheduled
	for _, a := range all {
		if a.after == "" && a.before == "" {
			anchors = append(anchors, a)
		}
	}
	sort.Slice(anchors, func(i, j int) bool { return anchors[i].seq < anchors[j].seq })
	for _, a := range anchors {
		visit(a)
	}
	for _, name := range order {
		a := all[name]
		target := a.after + a.before
		if target != "" && all[target] == nil {
			errs = append(errs, fmt.Sprintf("%s: %s in %s is scheduled relative to %s, which is not in that sequence", a.e.Pos, a.name, table, target))
		}
	}
	errs = append(errs, cycles(table, all, order, placed)...)
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// cycles reports the actions left unplaced because their Before/After
// anchors lead back to themselves (WiX v3: ActionCircularDependency,
// Linker.cs:2774-2777), each cycle once, naming every action in it.
func cycles(table string, all map[string]*scheduled, order []string, placed map[string]bool) []string {
	var errs []string
	for _, name := range order {
		if placed[name] {
			continue
		}
		// Follow the anchors until one repeats (a cycle) or is missing.
		index := map[string]int{}
		var chain []*scheduled
		for a := all[name]; a != nil && !placed[a.name]; a = all[a.after+a.before] {
			if i, seen := index[a.name]; seen {
				var parts []string
				for _, b := range chain[i:] {
					rel, target := "After", b.after
					if b.before != "" {
						rel, target = "Before", b.before
					}
					parts = append(parts, fmt.Sprintf("%s %s %s (%s)", b.name, rel, target, b.e.Pos))
				}
				errs = append(errs, fmt.Sprintf("%s: %s in %s is scheduled in a cycle: %s; give one of them a Sequence or another anchor", chain[i].e.Pos, chain[i].name, table, strings.Join(parts, ", ")))
				break
			}
			index[a.name] = len(chain)
			chain = append(chain, a)
		}
		for _, a := range chain {
			placed[a.name] = true // reported (or anchored to a missing action, reported above)
		}
	}
	return errs
}
