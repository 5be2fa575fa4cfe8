package compile

import (
	"fmt"
	"sort"
	"strings"
)

// sequenceTables are the sequence tables in the order they are written.
var sequenceTables = []string{"InstallExecuteSequence", "InstallUISequence", "AdminExecuteSequence", "AdminUISequence", "AdvtExecuteSequence"}

// finishSequences writes the sequence tables as WiX v3's linker does
// (Linker.cs SequenceActions): the required standard actions, those the
// tables with rows need, the authored ones (which override), minus the
// suppressed; then actions scheduled Before or After another are numbered
// around their absolute anchors.
func (c *compiler) finishSequences() {
	needed := map[string]bool{}
	for table, actions := range tableActions {
		if c.t.Len(table) > 0 || (table == "File" && len(c.pkg.Files) > 0) {
			for _, a := range actions {
				needed[a] = true
			}
		}
	}
	for _, r := range c.t.Rows("Upgrade") {
		if r[4].(int)&upgMigrateFeatures != 0 {
			needed["E/MigrateFeatureStates"], needed["U/MigrateFeatureStates"] = true, true
		}
	}
	for _, table := range sequenceTables {
		authored := c.seq.tables[table]
		all := map[string]*scheduled{}
		order := append([]string(nil), c.seq.order[table]...)
		add := func(name string) {
			if all[name] == nil && (authored[name] == nil || authored[name].suppress) {
				st, _ := standardIn(table, name)
				all[name] = &scheduled{name: name, seq: st.seq, condition: st.condition, e: c.product}
				order = append(order, name)
			}
		}
		for _, name := range requiredActions[table] {
			add(name)
		}
		initial := sequenceInitial[table]
		for _, name := range sortedKeys(needed) {
			if strings.HasPrefix(name, initial+"/") {
				add(strings.TrimPrefix(name, initial+"/"))
			}
		}
		for name, a := range authored {
			if a.suppress {
				delete(all, name)
				continue
			}
			if a.seq == 0 && a.after == "" && a.before == "" {
				st, ok := standardIn(table, name)
				if !ok {
					c.err(a.e.Errorf("%s is not a standard action of %s: give it a Sequence", name, table))
					continue
				}
				a.seq = st.seq
			}
			all[name] = a
		}
		var kept []string
		for _, name := range order {
			if all[name] != nil {
				kept = append(kept, name)
			}
		}
		// An anchor missing from the sequence is added when it is a
		// standard action of the table (Linker.cs SequenceActionRow).
		for i := 0; i < len(kept); i++ {
			a := all[kept[i]]
			target := a.after + a.before
			// WiX adds it back even when suppressed.
			if target == "" || all[target] != nil {
				continue
			}
			if _, ok := standardIn(table, target); ok {
				add(target)
				kept = append(kept, target)
			}
		}
		c.err(number(table, all, kept))
		names := make([]string, 0, len(all))
		for name := range all {
			names = append(names, name)
		}
		sort.Slice(names, func(i, j int) bool {
			if all[names[i]].seq != all[names[j]].seq {
				return all[names[i]].seq < all[names[j]].seq
			}
			return names[i] < names[j]
		})
		for _, name := range names {
			a := all[name]
			c.add(a.e, table, name, nilIfEmpty(a.condition), a.seq)
		}
	}
}

// number gives the relative actions numbers as WiX v3 does (Linker.cs
// SequenceActions, "schedule the relatively scheduled actions"): each
// absolute action, in number order, has a tree of actions Before and After
// it; the tree is flattened in order (an action's own Before actions, the
// action, its After actions) and the actions before the anchor take the
// numbers just below it, those after the numbers just above. A number
// another action has is an error (WiX detects it only at the neighbouring
// absolute actions and writes duplicates otherwise), as is an action
// relative to an OnExit action, to a missing one or in a cycle.
func number(table string, all map[string]*scheduled, order []string) error {
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
	var errs []string
	used := map[int]string{}
	var anchors []*scheduled
	for _, name := range order {
		if a := all[name]; a.after == "" && a.before == "" {
			anchors = append(anchors, a)
			if a.seq > 0 {
				used[a.seq] = name
			}
		}
	}
	sort.SliceStable(anchors, func(i, j int) bool { return anchors[i].seq < anchors[j].seq })
	placed := map[string]bool{}
	var flatten func(a *scheduled, out *[]*scheduled)
	flatten = func(a *scheduled, out *[]*scheduled) {
		placed[a.name] = true
		for _, b := range before[a.name] {
			flatten(b, out)
		}
		*out = append(*out, a)
		for _, n := range after[a.name] {
			flatten(n, out)
		}
	}
	take := func(a, anchor *scheduled, seq int) {
		rel := "After " + a.after
		if a.before != "" {
			rel = "Before " + a.before
		}
		if other, taken := used[seq]; taken {
			errs = append(errs, fmt.Sprintf("%s: %s in %s %s would take sequence %d, which %s has: give it a Sequence (the actions around %s at %d need the numbers next to it)",
				a.e.Pos, a.name, table, rel, seq, other, anchor.name, anchor.seq))
		} else if seq < 1 || seq > 32767 {
			errs = append(errs, fmt.Sprintf("%s: %s in %s %s would take sequence %d, outside 1 to 32767: give it a Sequence", a.e.Pos, a.name, table, rel, seq))
		}
		a.seq = seq
		used[seq] = a.name
	}
	for _, anchor := range anchors {
		placed[anchor.name] = true
		var prev, next []*scheduled
		for _, b := range before[anchor.name] {
			flatten(b, &prev)
		}
		for _, n := range after[anchor.name] {
			flatten(n, &next)
		}
		if anchor.seq < 0 {
			for _, a := range append(prev, next...) {
				errs = append(errs, fmt.Sprintf("%s: %s in %s is scheduled relative to %s, which runs on exit (OnExit): give it a Sequence", a.e.Pos, a.name, table, anchor.name))
			}
			continue
		}
		for i := len(prev) - 1; i >= 0; i-- {
			take(prev[i], anchor, anchor.seq-(len(prev)-i))
		}
		for i, a := range next {
			take(a, anchor, anchor.seq+1+i)
		}
	}
	for _, name := range order {
		a := all[name]
		target := a.after + a.before
		if target != "" && all[target] == nil {
			errs = append(errs, fmt.Sprintf("%s: %s in %s is scheduled relative to %s, which is not in that sequence (neither authored there nor one of its standard actions)", a.e.Pos, a.name, table, target))
			placed[name] = true
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
		// Follow the anchors until one repeats (a cycle) or is placed.
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
			placed[a.name] = true // reported, or leading into a reported cycle
		}
	}
	return errs
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
