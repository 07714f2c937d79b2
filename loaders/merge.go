package loaders

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
)

// Merging a dataset into the graph: one entity per real-world thing.
//
// An entity of the added batch is the same as one of the base (the curated
// data and the datasets merged before it) when, within the same kind:
//
//  0. a person decided so (data/decisions.yaml, see Decision; a "different"
//     decision takes its base entity out of the rules' reach);
//  1. they share a STIX id (attribute stix_id),
//  2. or an external id (attribute mitre_attack_id: G0065, S0021, T1566;
//     attribute iso2 for countries: NO, GB),
//  3. or a name (compared folded: case and accents ignored),
//  4. or a name or alias.
//
// Rules 1 and 2 are tried for every added entity before 3 and 4. The first
// rule that finds exactly one base entity decides; a rule that finds
// several merges nothing: the entity is added as it is and the ambiguity
// reported. A merged entity keeps the base's id, name, description and
// dates (the curated data, written by people, comes first; another value
// is kept as an alternative with its sources); it gains the
// added aliases (and name), attributes the base lacks, and sources. Every
// relation of the added batch is rewritten to the merged ids. A source id
// the base already has keeps the base's source.

// Merge rules, as the report names them.
const (
	ruleSTIXID     = "same STIX id"
	ruleExternalID = "same ATT&CK id"
	ruleName       = "same name"
	ruleAlias      = "same name or alias"
	ruleISO        = "same ISO 3166 country code"
	ruleDecision   = "a person's decision"
)

// externalIDKeys are the attributes that identify an entity across datasets.
var externalIDKeys = []struct{ key, rule string }{
	{"stix_id", ruleSTIXID},
	{"mitre_attack_id", ruleExternalID},
	{attrISO2, ruleISO},
}

// MergeReport says how an added batch met the base.
type MergeReport struct {
	Created   map[graph.Kind]int // entities added as new
	Merged    map[string]int     // entities merged into a base entity, per rule
	Ambiguous []string           // "Leviathan (THREAT_ACTOR): same name or alias matches apt40, apt41"
	Renamed   []string           // added entities whose id the graph gives another thing, and their new id
	Combined  []string           // base entities several added entities merged into: "attack-g0059 took misp-apt35, misp-charming-kitten"
	// SourcesKept counts added sources whose id the base already had.
	SourcesKept int
}

func (r MergeReport) String() string {
	var b strings.Builder
	created, merged := 0, 0
	for _, n := range r.Created {
		created += n
	}
	for _, n := range r.Merged {
		merged += n
	}
	fmt.Fprintf(&b, "merge: %d entities created, %d merged into existing ones", created, merged)
	for _, rule := range slices.Sorted(maps.Keys(r.Merged)) {
		fmt.Fprintf(&b, "; %d by %s", r.Merged[rule], rule)
	}
	fmt.Fprintf(&b, "; %d ambiguous; %d renamed; %d base entities took several; %d sources already known\n",
		len(r.Ambiguous), len(r.Renamed), len(r.Combined), r.SourcesKept)
	for _, a := range r.Ambiguous {
		fmt.Fprintf(&b, "  ambiguous: %s\n", a)
	}
	for _, a := range r.Renamed {
		fmt.Fprintf(&b, "  renamed: %s\n", a)
	}
	for _, a := range r.Combined {
		fmt.Fprintf(&b, "  several: %s\n", a)
	}
	return b.String()
}

// Merge returns base with add merged into it, following the rules above.
// Neither argument is changed.
func Merge(base, add graph.Batch, decisions ...Decision) (graph.Batch, MergeReport) {
	rep := MergeReport{Created: map[graph.Kind]int{}, Merged: map[string]int{}}
	out := graph.Batch{
		Sources:   slices.Clone(base.Sources),
		Entities:  slices.Clone(base.Entities),
		Relations: slices.Clone(base.Relations),
	}
	index := newMergeIndex(out.Entities)
	position := make(map[string]int, len(out.Entities))
	for i, e := range out.Entities {
		position[e.ID] = i
	}

	sourceIDs := map[string]bool{}
	for _, s := range out.Sources {
		sourceIDs[s.ID] = true
	}
	for _, s := range add.Sources {
		if sourceIDs[s.ID] {
			rep.SourcesKept++
			continue
		}
		sourceIDs[s.ID] = true
		out.Sources = append(out.Sources, s)
	}

	// Only the base is matched against: two entities of one dataset are
	// never merged for what they share with each other. Several may merge
	// into one base entity (MISP keeps "APT35" and "Charming Kitten" apart,
	// ATT&CK says they are one group): the report lists them, and a
	// "different" decision keeps one out. Decisions and identifiers are
	// tried for every added entity before names are.
	target := make([]int, len(add.Entities))
	rules := make([]string, len(add.Entities))
	ambiguous := make([]string, len(add.Entities))
	apart := make([]map[int]bool, len(add.Entities))
	takenBy := map[int][]string{}
	claim := func(i, t int, rule string) {
		target[i], rules[i] = t, rule
		takenBy[t] = append(takenBy[t], add.Entities[i].ID)
	}
	for i, e := range add.Entities {
		target[i] = -1
		for j := range decisions {
			d := &decisions[j]
			if !d.applies(e) {
				continue
			}
			if p, ok := position[d.Entity]; ok && out.Entities[p].Kind == d.Kind {
				if d.Same {
					claim(i, p, ruleDecision)
				} else {
					if apart[i] == nil {
						apart[i] = map[int]bool{}
					}
					apart[i][p] = true
				}
			}
		}
	}
	for _, byName := range []bool{false, true} {
		for i, e := range add.Entities {
			if target[i] >= 0 || ambiguous[i] != "" {
				continue
			}
			t, rule, why := index.matchRules(e, apart[i], byName)
			switch {
			case why != "":
				ambiguous[i] = why
			case t >= 0:
				claim(i, t, rule)
			}
		}
	}
	for t, by := range takenBy {
		if len(by) > 1 {
			rep.Combined = append(rep.Combined, fmt.Sprintf("%s took %s", out.Entities[t].ID, strings.Join(by, ", ")))
		}
	}
	slices.Sort(rep.Combined)
	rename := map[string]string{}
	ids := make(map[string]bool, len(out.Entities)+len(add.Entities))
	for _, e := range out.Entities {
		ids[e.ID] = true
	}
	for i, e := range add.Entities {
		if target[i] >= 0 {
			out.Entities[target[i]] = absorb(out.Entities[target[i]], e)
			rename[e.ID] = out.Entities[target[i]].ID
			rep.Merged[rules[i]]++
			continue
		}
		if ambiguous[i] != "" {
			rep.Ambiguous = append(rep.Ambiguous, fmt.Sprintf("%s %s (%s): %s", e.ID, e.Name, e.Kind, ambiguous[i]))
		}
		e = cloneEntity(e)
		if ids[e.ID] {
			// Another thing already has this id: the new one gets the next free one.
			id := e.ID
			for n := 2; ids[id]; n++ {
				id = fmt.Sprintf("%s-%d", e.ID, n)
			}
			rep.Renamed = append(rep.Renamed, fmt.Sprintf("%s (%s) is %s: the graph's %s is another thing", e.ID, e.Name, id, e.ID))
			rename[e.ID] = id
			e.ID = id
		}
		ids[e.ID] = true
		out.Entities = append(out.Entities, e)
		rep.Created[e.Kind]++
	}
	for _, r := range add.Relations {
		if id, ok := rename[r.From]; ok {
			r.From = id
		}
		if id, ok := rename[r.To]; ok {
			r.To = id
		}
		r.Sources = slices.Clone(r.Sources)
		out.Relations = append(out.Relations, r)
	}
	return out, rep
}

// absorb merges e into base: base's values first, e's where base has none.
func absorb(base, e graph.Entity) graph.Entity {
	base = cloneEntity(base)
	for _, label := range append([]string{e.Name}, e.Aliases...) {
		if !strings.EqualFold(label, base.Name) && !slices.ContainsFunc(base.Aliases, func(a string) bool { return strings.EqualFold(a, label) }) {
			base.Aliases = append(base.Aliases, label)
		}
	}
	for _, a := range e.Attributes {
		if base.Attr(a.Key) == "" {
			base.Attributes = append(base.Attributes, a)
		}
	}
	// A value the base has is kept; another dataset's different value is
	// kept too, as an alternative citing that dataset's record.
	keep := func(field, value string) {
		if value == "" || slices.ContainsFunc(base.Alternatives, func(a graph.Alternative) bool { return a.Field == field && a.Value == value }) {
			return
		}
		base.Alternatives = append(base.Alternatives, graph.Alternative{Field: field, Value: value, Sources: slices.Clone(e.Sources)})
	}
	switch {
	case base.Description == "":
		base.Description = e.Description
	case e.Description != base.Description:
		keep("description", e.Description)
	}
	switch {
	case base.Start.IsZero() && base.End.IsZero():
		base.Start, base.End = e.Start, e.End
	default:
		if !e.Start.IsZero() && e.Start != base.Start {
			keep("start", e.Start.String())
		}
		if !e.End.IsZero() && e.End != base.End {
			keep("end", e.End.String())
		}
	}
	for _, s := range e.Sources {
		if !slices.Contains(base.Sources, s) {
			base.Sources = append(base.Sources, s)
		}
	}
	base.Normalize()
	return base
}

func cloneEntity(e graph.Entity) graph.Entity {
	e.Alternatives = slices.Clone(e.Alternatives)
	e.Aliases = slices.Clone(e.Aliases)
	e.Attributes = slices.Clone(e.Attributes)
	e.Sources = slices.Clone(e.Sources)
	return e
}

// mergeIndex finds base entities by kind and identifier.
type mergeIndex struct {
	byKey map[string][]int // kind + "\x00" + rule + "\x00" + value -> positions
}

func newMergeIndex(es []graph.Entity) *mergeIndex {
	ix := &mergeIndex{byKey: map[string][]int{}}
	for i, e := range es {
		ix.add(i, e)
	}
	return ix
}

func mergeKey(kind graph.Kind, rule, value string) string {
	return string(kind) + "\x00" + rule + "\x00" + value
}

func (ix *mergeIndex) add(i int, e graph.Entity) {
	put := func(key string) {
		if !slices.Contains(ix.byKey[key], i) {
			ix.byKey[key] = append(ix.byKey[key], i)
		}
	}
	for _, k := range externalIDKeys {
		if v := e.Attr(k.key); v != "" {
			put(mergeKey(e.Kind, k.rule, strings.ToLower(v)))
		}
	}
	if f := textmatch.Fold(e.Name); f != "" {
		put(mergeKey(e.Kind, ruleName, f))
	}
	for _, label := range append([]string{e.Name}, e.Aliases...) {
		if f := textmatch.Fold(label); f != "" {
			put(mergeKey(e.Kind, ruleAlias, f))
		}
	}
}

// match returns the position of the one base entity e is, and by which
// rule; -1 when none; or, when a rule finds several, why it is ambiguous.
// Base entities in apart are never matched.
func (ix *mergeIndex) match(e graph.Entity, apart map[int]bool) (int, string, string) {
	if t, rule, why := ix.matchRules(e, apart, false); t >= 0 || why != "" {
		return t, rule, why
	}
	return ix.matchRules(e, apart, true)
}

// matchRules is match by the identifier rules, or (byName) by the name rule alone.
func (ix *mergeIndex) matchRules(e graph.Entity, apart map[int]bool, byName bool) (int, string, string) {
	candidates := func(rule string, values []string) []int {
		var found []int
		for _, v := range values {
			for _, i := range ix.byKey[mergeKey(e.Kind, rule, v)] {
				if !apart[i] && !slices.Contains(found, i) {
					found = append(found, i)
				}
			}
		}
		return found
	}
	type ruleValues struct {
		rule   string
		values []string
	}
	var rules []ruleValues
	if byName {
		// A name that is one base entity's name, and only an alias of
		// others, is that entity ("Thrip" is ATT&CK's Thrip, not Lotus
		// Blossom, which lists Thrip among its aliases).
		var labels []string
		for _, label := range append([]string{e.Name}, e.Aliases...) {
			if f := textmatch.Fold(label); f != "" {
				labels = append(labels, f)
			}
		}
		if f := textmatch.Fold(e.Name); f != "" {
			rules = append(rules, ruleValues{ruleName, []string{f}})
		}
		rules = append(rules, ruleValues{ruleAlias, labels})
	} else {
		for _, k := range externalIDKeys {
			if v := e.Attr(k.key); v != "" {
				rules = append(rules, ruleValues{k.rule, []string{strings.ToLower(v)}})
			}
		}
	}
	for _, r := range rules {
		switch found := candidates(r.rule, r.values); len(found) {
		case 0:
			continue
		case 1:
			return found[0], r.rule, ""
		default:
			return -1, "", fmt.Sprintf("%s matches %d entities", r.rule, len(found))
		}
	}
	return -1, "", ""
}
