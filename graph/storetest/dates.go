package storetest

import (
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// testKnownAtPrecision: knownAt with sources and dates of month and year
// precision, as graph.KnownFrom and graph.KnownBy define it today (and a
// public act, the indictment, known from its own date): a claim is
// known from the first day its earliest source covers ("2021-07" from 1 July
// 2021, "2021" from 1 January 2021), and knownAt keeps what was known by the
// last day it covers ("2021-07" keeps what was known by 31 July 2021).
//
// Known from, in the fixture and the batch below: event-3 and r15 2019-05-01
// (s-old); r16 and event-5 2021-01-01 (s-year, dated "2021"); r08 and event-4
// 2021-03-02 (s-mid); event-2, r11 and r14 2021-07-01 (s-fr, dated "2021-07");
// everything else 2021-07-19 (s-new).
func testKnownAtPrecision(t *testing.T, s graph.Store) {
	d := graph.MustDate
	upsert(t, s, graph.Batch{
		Sources: []graph.Source{{ID: "s-year", Title: "Annual report", Publisher: "Lab", Published: d("2021"), Language: "en"}},
		Entities: []graph.Entity{{ID: "event-5", Kind: graph.Event, Name: "Year-sourced leak", Start: d("2020-03"),
			Sources: []string{"s-year"}}},
		Relations: []graph.Relation{{ID: "r16", Type: "TARGETED", From: "actor-b", To: "org-m", Start: d("2020"),
			Sources: []string{"s-year"}}},
	})

	// A source is certainly public from the last day its date covers: "2021"
	// from 31 December, "2021-07" from 31 July (s-old "2019-05", s-mid
	// 2021-03-02, s-new 2021-07-19, s-fr "2021-07", s-year "2021").
	old := []string{"entity:event-3@2017-04", "relation:r15@2017-04-14"}
	// A public act is known from its own date as well (graph.ActKnownFrom):
	// the indictment, dated "2021-05" and without an "unsealed" date, from
	// 31 May, though its source is of 19 July.
	may := []string{"entity:event-3@2017-04", "relation:r15@2017-04-14", "relation:r08@2020", "entity:event-4@2021"}
	mid := []string{"entity:event-3@2017-04", "relation:r15@2017-04-14", "relation:r08@2020", "entity:event-4@2021",
		"entity:indict@2021-05"}
	july19 := []string{"entity:camp@2011", "relation:r03@2011", "relation:r09@2011", "relation:r13@2015",
		"entity:event-3@2017-04", "relation:r15@2017-04-14", "relation:r08@2020",
		"entity:event-4@2021", "entity:indict@2021-05", "entity:event-1@2021-07-19"}
	july31 := []string{"entity:camp@2011", "relation:r03@2011", "relation:r09@2011", "relation:r13@2015",
		"entity:event-3@2017-04", "relation:r15@2017-04-14", "relation:r08@2020",
		"entity:event-4@2021", "entity:indict@2021-05", "entity:event-2@2021-07", "entity:event-1@2021-07-19"}
	all := []string{"entity:camp@2011", "relation:r03@2011", "relation:r09@2011", "relation:r13@2015",
		"entity:event-3@2017-04", "relation:r15@2017-04-14", "relation:r08@2020", "relation:r16@2020",
		"entity:event-5@2020-03", "entity:event-4@2021", "entity:indict@2021-05", "entity:event-2@2021-07",
		"entity:event-1@2021-07-19"}
	for _, c := range []struct {
		knownAt string
		want    []string
	}{
		{"2020-12-31", old},
		{"2021-01-01", old}, // a source dated "2021" is not yet certainly public
		{"2021-05-30", may},
		{"2021-05-31", mid},
		{"2021-06-30", mid},
		{"2021-07-01", mid}, // nor one dated "2021-07"
		{"2021-07-18", mid},
		{"2021-07-19", july19},
		{"2021-07-30", july19},
		{"2021-07-31", july31}, // "2021-07" counts from its last day
		{"2021-12-30", july31},
		{"2021-12-31", all}, // and "2021" from 31 December
		{"2020-12", old},    // knownAt of month precision: what was known by its last day
		{"2021-01", old},
		{"2021-05", mid},
		{"2021-06", mid},
		{"2021-07", july31},
		{"2020", old}, // knownAt of year precision: what was known by 31 December
		{"2021", all},
	} {
		got, p := timeline(t, s, graph.TimelineQuery{KnownAt: d(c.knownAt)})
		same(t, "timeline known at "+c.knownAt, []any{got, p.Total}, []any{c.want, len(c.want)})
	}

	for _, c := range []struct {
		seed, knownAt   string
		entities, edges []string
	}{
		{"actor-b", "2020-12-31", []string{"actor-b"}, []string{}},
		{"actor-b", "2021-01-01", []string{"actor-b"}, []string{}},
		{"actor-b", "2020", []string{"actor-b"}, []string{}},
		{"actor-b", "2021-06", []string{"actor-b"}, []string{}},
		{"actor-b", "2021", []string{"actor-b", "event-1", "org-m"}, []string{"r06", "r07", "r16"}}, // r12's only source is undated
		{"person-p", "2021-05-30", []string{"person-p"}, []string{}},
		// the indictment and whom it CHARGES: known from its own date
		{"person-p", "2021-05-31", []string{"indict", "person-p"}, []string{"r05"}},
		{"person-p", "2021-07-01", []string{"indict", "person-p"}, []string{"r05"}},
		{"person-p", "2021-07-30", []string{"actor-a", "indict", "org-m", "person-p"}, []string{"r01", "r02", "r05", "r13"}},
		{"person-p", "2021-07", []string{"actor-a", "indict", "org-m", "person-p"}, []string{"r01", "r02", "r05", "r13", "r14"}},
	} {
		g := neighborhood(t, s, []string{c.seed}, 1, 100, graph.Filter{KnownAt: d(c.knownAt)})
		same(t, "neighbourhood of "+c.seed+" known at "+c.knownAt, []any{entityIDs(g.Entities), relationIDs(g.Relations)},
			[]any{c.entities, c.edges})
	}

	for _, c := range []struct {
		knownAt string
		want    []string
	}{
		{"2021-06-30", []string{}},
		{"2021-07-01", []string{}},
		{"2021-07-19", []string{"person-p r13 org-m"}},
		{"2021-07", []string{"person-p r13 org-m", "person-p r14 org-m"}},
		{"2021", []string{"person-p r13 org-m", "person-p r14 org-m"}},
	} {
		same(t, "paths known at "+c.knownAt, paths(t, s, "person-p", "org-m", 1, 5, graph.Filter{KnownAt: d(c.knownAt)}), c.want)
	}
	same(t, "path through a claim known from a year-precision source", paths(t, s, "actor-b", "org-m", 3, 5,
		graph.Filter{KnownAt: d("2021-12-31")}), []string{"actor-b r16 org-m"})
	same(t, "not known the day before: the path goes round", paths(t, s, "actor-b", "org-m", 3, 5,
		graph.Filter{KnownAt: d("2021-12-30")}), []string{"actor-b r07 event-1 r06 org-m"})
}

// testTimelinePrecisionOrder: items whose dates begin on the same day come
// coarser precision first (a year, then a month, then a day), then by id
// (graph.SortTimeline); here the ids alone would give the opposite order.
func testTimelinePrecisionOrder(t *testing.T, s graph.Store) {
	d := graph.MustDate
	upsert(t, s, graph.Batch{
		Entities: []graph.Entity{{ID: "event-0", Kind: graph.Event, Name: "New Year's Day leak", Start: d("2021-01-01"),
			Sources: []string{"s-mid"}}},
		Relations: []graph.Relation{{ID: "r17", Type: "CONCERNS", From: "event-4", To: "actor-b", Start: d("2021-01"),
			Sources: []string{"s-mid"}}},
	})
	// All three begin on 2021-01-01: event-4 is "2021", r17 "2021-01", event-0 "2021-01-01".
	january := graph.Window{From: d("2021-01"), To: d("2021-01")}
	got, p := timeline(t, s, graph.TimelineQuery{Window: january})
	same(t, "same first day: year, month, day", []any{got, p.Total},
		[]any{[]string{"entity:event-4@2021", "relation:r17@2021-01", "entity:event-0@2021-01-01"}, 3})
	got, p = timeline(t, s, graph.TimelineQuery{Window: january, Offset: 1, Limit: 1})
	same(t, "paging cuts in that order", []any{got, p.HasNext}, []any{[]string{"relation:r17@2021-01"}, true})
	all, _ := timeline(t, s, graph.TimelineQuery{})
	same(t, "the whole timeline", all, []string{
		"entity:camp@2011", "relation:r03@2011", "relation:r09@2011", "relation:r13@2015",
		"entity:event-3@2017-04", "relation:r15@2017-04-14", "relation:r08@2020",
		"entity:event-4@2021", "relation:r17@2021-01", "entity:event-0@2021-01-01",
		"entity:indict@2021-05", "entity:event-2@2021-07", "entity:event-1@2021-07-19"})
	touch, _ := timeline(t, s, graph.TimelineQuery{Entities: []string{"actor-b"}, Window: january})
	same(t, "an entity touched by a relation", touch, []string{"entity:event-4@2021", "relation:r17@2021-01"})
}

// testTimelineStartsInside: StartsInside leaves out what only overlaps the
// window (a year-long item in a window of July; a campaign of 2011 that
// runs on), keeps the order, counts and pages alike (issue #20).
func testTimelineStartsInside(t *testing.T, s graph.Store) {
	d := graph.MustDate
	july := graph.Window{From: d("2021-07"), To: d("2021-07")}
	got, p := timeline(t, s, graph.TimelineQuery{Window: july, StartsInside: true})
	same(t, "July 2021 without the year-long item", []any{got, p.Total}, []any{[]string{"entity:event-2@2021-07", "entity:event-1@2021-07-19"}, 2})
	got, p = timeline(t, s, graph.TimelineQuery{Window: july, StartsInside: true, Offset: 1, Limit: 1})
	same(t, "paged", []any{got, p.HasNext}, []any{[]string{"entity:event-1@2021-07-19"}, false})
	span := graph.Window{From: d("2014-06-01"), To: d("2016")}
	got, _ = timeline(t, s, graph.TimelineQuery{Window: span, StartsInside: true})
	same(t, "what began before the window is left out", got, []string{"relation:r13@2015"})
	got, _ = timeline(t, s, graph.TimelineQuery{Window: graph.Window{From: d("2021")}, StartsInside: true, Entities: []string{"actor-b", "country-f"}})
	same(t, "items that are or touch, from 2021", got, []string{"entity:event-1@2021-07-19"})
	all, _ := timeline(t, s, graph.TimelineQuery{StartsInside: true})
	same(t, "no window: every item", len(all), 11)
}
