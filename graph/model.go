package graph

import (
	"sort"
	"strings"
)

// Source is a document a claim comes from: a press release, an indictment, an
// advisory, an article.
type Source struct {
	ID        string
	Title     string
	Publisher string
	URL       string
	Published PartialDate
	Language  string // BCP 47: "en", "fr"
}

// Dataset is a published collection of claims merged into the graph (MITRE
// ATT&CK, the MISP galaxy, EuRepoC). It is also a source, of the same id,
// that every claim taken from it cites; sources of its records have ids
// that start with its id and a dot, or are cited beside it.
type Dataset struct {
	ID        string // the id of its source: "mitre-attack-enterprise-18.1"
	Name      string
	Version   string
	Publisher string
	URL       string
	Published PartialDate
	Licence   string
}

// Attribute is a kind-specific fact with no field of its own (ISO code, court ...).
type Attribute struct {
	Key   string
	Value string
}

// Entity is everything in the graph that is not a relation.
type Entity struct {
	ID          string // stable, human-readable slug: "apt40", "ding-xiaoyang"
	Kind        Kind
	Name        string
	Aliases     []string
	Description string
	Start       PartialDate // when it began or happened
	End         PartialDate // when it ended, if it did
	Attributes  []Attribute // sorted by key, keys unique
	Sources     []string    // ids of the sources that support the entity
	// Alternatives are values other datasets give for Description, Start or
	// End, kept with their sources when a merge keeps the first dataset's.
	Alternatives []Alternative
}

// Alternative is a value of one of an entity's fields that another dataset
// gives: no dataset silently overwrites another's value.
type Alternative struct {
	Field   string   // "description", "start" or "end"
	Value   string   // a date in ParseDate's form for start and end
	Sources []string // ids; at least one
}

// AlternativeFields are the fields an Alternative may name.
var AlternativeFields = []string{"description", "start", "end"}

// Attr returns the value of the attribute key, or "".
func (e *Entity) Attr(key string) string {
	for _, a := range e.Attributes {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// ExternalIDKeys are the attributes that identify an entity in other
// datasets (ATT&CK's G0065, S0021, T1566; the CVE ids of a vulnerability);
// search finds entities by them. A value may hold several ids, separated by
// commas ("CVE-2021-26855, CVE-2021-27065").
var ExternalIDKeys = []string{"mitre_attack_id", "cves"}

// SearchLabels are the labels search matches besides the name: the aliases,
// then the external ids, one label per id.
func (e *Entity) SearchLabels() []string {
	labels := e.Aliases
	for _, k := range ExternalIDKeys {
		for _, v := range strings.Split(e.Attr(k), ",") {
			if v = strings.TrimSpace(v); v != "" {
				labels = append(labels[:len(labels):len(labels)], v)
			}
		}
	}
	return labels
}

// Relation is a directed, typed, dated and sourced claim between two entities.
// Two sources that disagree are two relations, not one.
type Relation struct {
	ID          string
	Type        string // from Vocabulary
	From, To    string // entity ids
	Role        string // refines the type: "officer", "supervisor" ...
	Start, End  PartialDate
	Confidence  *int // 0-100 as in STIX 2.1; nil when the source gives none
	Description string
	Sources     []string // ids; at least one
}

// Other returns the id of the end of r that is not id.
func (r *Relation) Other(id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

// SearchHit is an entity found by a search, with the label that matched.
type SearchHit struct {
	Entity  Entity
	Score   float64
	Matched string
}

// Subgraph is a set of entities and the relations among them.
type Subgraph struct {
	Entities  []Entity   // sorted by id
	Relations []Relation // sorted by id
	Truncated bool       // a limit cut the result
}

// Path joins two entities: Relations[i] joins Entities[i] and Entities[i+1],
// in either direction.
type Path struct {
	Entities  []Entity
	Relations []Relation
}

// TimelineItem is one dated thing: an entity of a TimelineKinds kind with a
// start date, or a relation with a start date.
type TimelineItem struct {
	ID       string // "entity:<id>" or "relation:<id>"
	Date     PartialDate
	End      PartialDate
	Title    string
	Entity   *Entity
	Relation *Relation
}

// Sources returns the source ids of the item.
func (t *TimelineItem) Sources() []string {
	if t.Entity != nil {
		return t.Entity.Sources
	}
	return t.Relation.Sources
}

// SortTimeline orders items as every store returns them: by the first day
// their date covers, coarser precision first on the same day, then by id.
func SortTimeline(items []TimelineItem) {
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Date.First() != b.Date.First() {
			return a.Date.First() < b.Date.First()
		}
		if a.Date.Precision() != b.Date.Precision() {
			return a.Date.Precision() < b.Date.Precision()
		}
		return a.ID < b.ID
	})
}

// RelationTitle is how a relation reads on the timeline: "APT40 TARGETED Norway".
func RelationTitle(fromName, relType, toName string) string {
	return fromName + " " + relType + " " + toName
}

// Batch is what loaders write: sources, entities and relations, applied as one.
type Batch struct {
	Sources   []Source
	Entities  []Entity
	Relations []Relation
}

// Counts is the size of a store's graph.
type Counts struct {
	Entities, Relations, Sources int
}

// Admit adds ids, in order, to the set in until it holds limit entities,
// and returns those it added; truncated says some did not fit. Neighbourhoods
// grow level by level through it, so every store cuts them alike.
func Admit(in map[string]bool, ids []string, limit int) (added []string, truncated bool) {
	for _, id := range ids {
		if in[id] {
			continue
		}
		if len(in) == limit {
			return added, true
		}
		in[id] = true
		added = append(added, id)
	}
	return added, false
}

// OnTimeline reports whether dated entities of kind k are timeline items.
func OnTimeline(k Kind) bool { return k.onTimeline() }
