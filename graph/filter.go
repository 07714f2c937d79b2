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
// dated.
func KnownFrom(sourceIDs []string, published func(id string) PartialDate) int {
	known := 0
	for _, id := range sourceIDs {
		if d := published(id); !d.IsZero() && (known == 0 || PublicFrom(d) < known) {
			known = PublicFrom(d)
		}
	}
	return known
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
