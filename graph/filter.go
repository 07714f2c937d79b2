package graph

import (
	"slices"
	"strings"
)

// This file holds the rules every store applies, written once. The memory
// store calls them; the Neo4j store expresses the same rules in Cypher, and
// storetest checks that both agree.

// KnownFrom is the first day on which a claim with these sources was
// certainly public: the earliest of their PublicFrom days, or 0 when none is
// dated. A public act, and what it says, is known from its own date as
// well (EntityKnownFrom, RelationKnownFrom).
func KnownFrom(sourceIDs []string, published func(id string) PartialDate) int {
	known := 0
	for _, id := range sourceIDs {
		if d := published(id); !d.IsZero() && (known == 0 || PublicFrom(d) < known) {
			known = PublicFrom(d)
		}
	}
	return known
}

// A public act is known from its own date. An attribution, a statement,
// an advisory, a political response, an indictment's unsealing or a
// sanction is a public act: the day it was made is the day it became
// known, whatever the date of the sources that report it (EuRepoC's
// release of 2023, an article undated here). Without this rule, an
// attribution made in 2018 and recorded by a dataset published in 2023
// would count as unknown until 2023. Its limits: the act's date is taken
// at its last day, as a source's is ("2018" counts from 31 December 2018,
// "2018-06" from 30 June); an indictment is known from its "unsealed"
// attribute when it has one, else from its own date (a sealed indictment
// dated by its filing, without "unsealed", would count too early); an
// incident is not a public act (an intrusion is not known when it
// happens), nor is anything the act does not itself say.

// PublicActEventTypes are the event types of EVENTs that are public acts.
var PublicActEventTypes = []string{"ATTRIBUTION", "STATEMENT", "ADVISORY", "POLITICAL_RESPONSE", "LEGAL_ACTION", "COMMITMENT", "DISCLOSURE"}

// PublicActRelationTypes are the relations out of a public act that are
// what the act itself says (who made it, whom it names, what it is about,
// whom it charges): they are known from the act's date too.
var PublicActRelationTypes = []string{"ISSUED_BY", "ACCUSES", "CONCERNS", "CHARGES"}

// UnsealedKey is the attribute of an INDICTMENT that dates its unsealing.
const UnsealedKey = "unsealed"

// ActKnownFrom is the day from which e is known by its own date, when it
// is a public act: the last day of its date (of its "unsealed" attribute
// for an indictment that has one). It is 0 for anything else, or an
// undated act.
func ActKnownFrom(e *Entity) int {
	switch {
	case e.Kind == Indictment:
		if d, err := ParseDate(e.Attr(UnsealedKey)); err == nil && !d.IsZero() {
			return PublicFrom(d)
		}
	case e.Kind == Event && slices.Contains(PublicActEventTypes, e.Attr(EventTypeKey)):
	default:
		return 0
	}
	if e.Start.IsZero() {
		return 0
	}
	return PublicFrom(e.Start)
}

// EntityKnownFrom is the day an entity is known from: the earlier of
// KnownFrom of its sources and ActKnownFrom.
func EntityKnownFrom(e *Entity, published func(id string) PartialDate) int {
	return Earlier(KnownFrom(e.Sources, published), ActKnownFrom(e))
}

// RelationKnownFrom is the day a relation is known from: the earlier of
// KnownFrom of its sources and, for what a public act says
// (PublicActRelationTypes out of it), the act's ActKnownFrom (actKnown).
func RelationKnownFrom(r *Relation, actKnown int, published func(id string) PartialDate) int {
	known := KnownFrom(r.Sources, published)
	if slices.Contains(PublicActRelationTypes, r.Type) {
		known = Earlier(known, actKnown)
	}
	return known
}

// Earlier is the earlier of two known-from days, 0 being unknown.
func Earlier(a, b int) int {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}

// PublicFrom is the day from which a source published on d was certainly
// public: the last day d covers. A source dated "2021-07" may have come out
// on 31 July, so with known-at 2021-07-20 it does not count yet; "2021"
// counts from 31 December. Nothing is shown before it could be known.
func PublicFrom(d PartialDate) int { return d.Last() }

// PublicBy reports whether a source published on d was certainly public by
// the date at (by at's last day, when at is a month or a year). A zero at
// keeps everything; an undated source is never certainly public.
func PublicBy(d, at PartialDate) bool {
	return at.IsZero() || (!d.IsZero() && PublicFrom(d) <= at.Last())
}

// KnownBy reports whether a claim known from day knownFrom (see KnownFrom)
// was public by the date at, or by its last day when at is a month or a
// year. A zero at keeps everything.
func KnownBy(knownFrom int, at PartialDate) bool {
	return at.IsZero() || (knownFrom != 0 && knownFrom <= at.Last())
}

// KeepsEntity reports whether the filter keeps an entity first public on knownFrom.
func (f *Filter) KeepsEntity(e *Entity, knownFrom int) bool {
	if len(f.Kinds) > 0 && !kindIn(e.Kind, f.Kinds) {
		return false
	}
	return f.Window.Overlaps(e.Start, e.End) && KnownBy(knownFrom, f.KnownAt)
}

// KeepsRelation reports whether the filter keeps a relation first public on knownFrom.
func (f *Filter) KeepsRelation(r *Relation, knownFrom int) bool {
	if len(f.RelationTypes) > 0 && !slices.Contains(f.RelationTypes, r.Type) {
		return false
	}
	if !KeepsConfidence(r.Confidence, f.MinConfidence) {
		return false
	}
	return f.Window.Overlaps(r.Start, r.End) && KnownBy(knownFrom, f.KnownAt)
}

// KeepsConfidence: with a minimum, a relation needs a confidence at least that high.
func KeepsConfidence(c, min *int) bool {
	return min == nil || (c != nil && *c >= *min)
}

// ComparePaths orders paths of equal length: hop by hop, by the next entity's
// id, then by the relation's id.
func ComparePaths(a, b *Path) int {
	if len(a.Relations) != len(b.Relations) {
		return len(a.Relations) - len(b.Relations)
	}
	for i := range a.Relations {
		if c := strings.Compare(a.Entities[i+1].ID, b.Entities[i+1].ID); c != 0 {
			return c
		}
		if c := strings.Compare(a.Relations[i].ID, b.Relations[i].ID); c != 0 {
			return c
		}
	}
	return 0
}
