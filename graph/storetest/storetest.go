// Package storetest is the one contract suite every graph.Store must pass:
// storetest.Run(t, newStore). Each case states a behaviour the API relies on,
// on the same fixture, so that the stores cannot drift apart.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// NewStore returns an empty store; the suite closes it.
type NewStore func(t *testing.T) graph.Store

// Case is one behaviour of the contract, checked on a store holding Fixture.
type Case struct {
	Name string
	Fn   func(*testing.T, graph.Store)
}

// Cases are the contract, in the order Run runs them.
var Cases = []Case{
	{"Entities", testEntities},
	{"Sources", testSources},
	{"Search", testSearch},
	{"List", testList},
	{"ListAfterUnknownID", testListAfterUnknownID},
	{"Relations", testRelations},
	{"Neighborhood", testNeighborhood},
	{"NeighborhoodEdgeLimit", testNeighborhoodEdgeLimit},
	{"NeighborhoodFilters", testNeighborhoodFilters},
	{"KnownAtPrecision", testKnownAtPrecision},
	{"Paths", testPaths},
	{"Timeline", testTimeline},
	{"TimelinePrecisionOrder", testTimelinePrecisionOrder},
	{"TimelineStartsInside", testTimelineStartsInside},
	{"TimelinePages", testTimelinePages},
	{"ListPages", testListPages},
	{"Limits", testLimits},
	{"InvalidInputs", testInvalidInputs},
	{"Upsert", testUpsert},
	{"UpsertSizes", testUpsertSizes},
	{"LoadCuratedTwice", testLoadCuratedTwice},
}

// Run runs every case against stores made by newStore, each loaded with Fixture.
func Run(t *testing.T, newStore NewStore) {
	for _, c := range Cases {
		t.Run(c.Name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { s.Close() })
			if err := s.Upsert(context.Background(), Fixture()); err != nil {
				t.Fatalf("loading the fixture: %v", err)
			}
			c.Fn(t, s)
		})
	}
}

// upsert writes an extra batch for one case; the batch may cite the
// fixture's entities and sources.
func upsert(t *testing.T, s graph.Store, b graph.Batch) {
	t.Helper()
	if err := s.Upsert(ctx, b); err != nil {
		t.Fatalf("writing the case's batch: %v", err)
	}
}

var ctx = context.Background()

func entityIDs(es []graph.Entity) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func relationIDs(rs []graph.Relation) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}

// must(call(...))(t) returns the call's value, failing t on an error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("%s: got error %v, want ErrInvalid", what, err)
	}
}

func testEntities(t *testing.T, s graph.Store) {
	got := must(s.Entities(ctx, []string{"org-m", "nope", "actor-a", "org-m"}))(t)
	same(t, "ids in asked order, unknown left out, each once", entityIDs(got), []string{"org-m", "actor-a"})
	a := got[1]
	same(t, "aliases", a.Aliases, []string{"Zircon Panda", "Société Hack"})
	same(t, "kind", a.Kind, graph.ThreatActor)
	same(t, "alternatives, sources sorted", a.Alternatives, []graph.Alternative{
		{Field: "description", Value: "Another dataset's \"words\"", Sources: []string{"s-mid", "s-new"}},
		{Field: "start", Value: "2009-05", Sources: []string{"s-new"}}})
	same(t, "no alternatives", got[0].Alternatives, []graph.Alternative(nil))
	same(t, "attributes", got[0].Attributes, []graph.Attribute{{Key: "orgType", Value: "AGENCY"}})
	c := must(s.Entities(ctx, []string{"camp"}))(t)[0]
	same(t, "dates", []string{c.Start.String(), c.End.String()}, []string{"2011", "2018"})
	same(t, "sources", c.Sources, []string{"s-new"})
	same(t, "no ids", entityIDs(must(s.Entities(ctx, nil))(t)), []string{})
}

func testSources(t *testing.T, s graph.Store) {
	got := must(s.Sources(ctx, []string{"s-mid", "x", "s-nodate"}))(t)
	same(t, "sources", got, []graph.Source{
		{ID: "s-mid", Title: "March advisory", Publisher: "Agency", Published: graph.MustDate("2021-03-02"), Language: "en", URL: "https://example.org/advisory"},
		{ID: "s-nodate", Title: "Undated note", Language: "en"},
	})
}

func hitIDs(hits []graph.SearchHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Entity.ID)
	}
	return out
}

func testList(t *testing.T, s graph.Store) {
	var all []string
	after := ""
	for pages := 0; ; pages++ {
		p := must(s.List(ctx, graph.ListQuery{After: after, Limit: 4, Count: true}))(t)
		same(t, "total", p.Total, 14)
		all = append(all, entityIDs(p.Entities)...)
		if !p.HasNext {
			same(t, "pages", pages, 3)
			break
		}
		after = p.Entities[len(p.Entities)-1].ID
	}
	same(t, "all ids in order", strings.Join(all, ","),
		"actor-a,actor-b,camp,country-f,country-n,event-1,event-2,event-3,event-4,indict,malware-x,org-m,person-p,sector-s")
	p := must(s.List(ctx, graph.ListQuery{Kinds: []graph.Kind{graph.Event}, Limit: 2, Count: true}))(t)
	same(t, "kinds", []any{entityIDs(p.Entities), p.Total, p.HasNext}, []any{[]string{"event-1", "event-2"}, 4, true})
	p = must(s.List(ctx, graph.ListQuery{Kinds: []graph.Kind{graph.Vulnerability}, Limit: 2, Count: true}))(t)
	same(t, "empty kind", []any{entityIDs(p.Entities), p.Total, p.HasNext}, []any{[]string{}, 0, false})
}

// testListAfterUnknownID: the cursor is a place in id order, not an id that
// must exist: a page after an unknown id starts at the first id above it.
func testListAfterUnknownID(t *testing.T, s graph.Store) {
	for _, c := range []struct {
		after string
		kinds []graph.Kind
		want  []string
		next  bool
		total int
	}{
		{"country-g", nil, []string{"country-n", "event-1"}, true, 14}, // between country-f and country-n
		{"missing", nil, []string{"org-m", "person-p"}, true, 14},
		{"a", nil, []string{"actor-a", "actor-b"}, true, 14}, // before every id
		{"event", []graph.Kind{graph.Event}, []string{"event-1", "event-2"}, true, 4},
		{"event-35", []graph.Kind{graph.Event}, []string{"event-4"}, false, 4},
		{"sector-t", nil, []string{}, false, 14}, // after every id
		{"zzz", []graph.Kind{graph.Event}, []string{}, false, 4},
	} {
		p := must(s.List(ctx, graph.ListQuery{After: c.after, Kinds: c.kinds, Limit: 2, Count: true}))(t)
		same(t, fmt.Sprintf("after %q %v", c.after, c.kinds), []any{entityIDs(p.Entities), p.HasNext, p.Total},
			[]any{c.want, c.next, c.total})
	}
}

func testRelations(t *testing.T, s graph.Store) {
	rel := func(ids []string, dir graph.Direction, types []string, limit int) map[string][]string {
		m := must(s.Relations(ctx, ids, graph.RelationQuery{Direction: dir, Types: types, Limit: limit}))(t)
		out := map[string][]string{}
		for id, rs := range m {
			out[id] = relationIDs(rs)
		}
		return out
	}
	same(t, "both", rel([]string{"person-p", "nope"}, graph.Both, nil, 100),
		map[string][]string{"person-p": {"r02", "r05", "r13", "r14"}})
	same(t, "out", rel([]string{"person-p"}, graph.Out, nil, 100), map[string][]string{"person-p": {"r02", "r13", "r14"}})
	same(t, "in", rel([]string{"person-p", "org-m"}, graph.In, nil, 100),
		map[string][]string{"person-p": {"r05"}, "org-m": {"r01", "r06", "r13", "r14"}})
	same(t, "types and limit", rel([]string{"org-m"}, graph.Both, []string{"WORKS_FOR", "ACCUSES"}, 2),
		map[string][]string{"org-m": {"r06", "r13"}})
	got := must(s.Relations(ctx, []string{"person-p"}, graph.RelationQuery{Direction: graph.Out, Types: []string{"WORKS_FOR"}, Limit: 1}))(t)
	r := got["person-p"][0]
	same(t, "relation fields", []any{r.Type, r.From, r.To, r.Role, r.Start.String(), r.Confidence == nil, r.Sources},
		[]any{"WORKS_FOR", "person-p", "org-m", "officer", "2015", true, []string{"s-new"}})
	c := must(s.Relations(ctx, []string{"event-3"}, graph.RelationQuery{Direction: graph.Out, Limit: 5}))(t)["event-3"][0]
	same(t, "confidence and sources", []any{*c.Confidence, c.Sources, c.Start.String()}, []any{90, []string{"s-nodate", "s-old"}, "2017-04-14"})
}

func neighborhood(t *testing.T, s graph.Store, ids []string, depth, limit int, f graph.Filter) graph.Subgraph {
	t.Helper()
	return must(s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: ids, Depth: depth, Limit: limit, Filter: f}))(t)
}

func testNeighborhood(t *testing.T, s graph.Store) {
	g := neighborhood(t, s, []string{"actor-a"}, 0, 10, graph.Filter{})
	same(t, "depth 0", []any{entityIDs(g.Entities), relationIDs(g.Relations), g.Truncated}, []any{[]string{"actor-a"}, []string{}, false})
	g = neighborhood(t, s, []string{"actor-a"}, 1, 100, graph.Filter{})
	same(t, "depth 1 nodes", entityIDs(g.Entities), []string{"actor-a", "camp", "country-f", "event-2", "malware-x", "org-m", "person-p"})
	same(t, "depth 1 edges: every kept edge among the nodes", relationIDs(g.Relations),
		[]string{"r01", "r02", "r04", "r08", "r10", "r11", "r13", "r14"})
	g = neighborhood(t, s, []string{"actor-a"}, 2, 100, graph.Filter{})
	same(t, "depth 2 nodes", entityIDs(g.Entities), []string{"actor-a", "actor-b", "camp", "country-f", "country-n",
		"event-1", "event-2", "event-3", "indict", "malware-x", "org-m", "person-p", "sector-s"})
	same(t, "not truncated", g.Truncated, false)
	g = neighborhood(t, s, []string{"actor-a"}, 2, 4, graph.Filter{})
	same(t, "limit keeps the first level in id order", entityIDs(g.Entities), []string{"actor-a", "camp", "country-f", "event-2"})
	same(t, "truncated", g.Truncated, true)
	g = neighborhood(t, s, []string{"org-m", "country-n", "nope"}, 1, 100, graph.Filter{})
	same(t, "several seeds", entityIDs(g.Entities), []string{"actor-a", "camp", "country-n", "event-1", "org-m", "person-p"})
	g = neighborhood(t, s, []string{"nope"}, 2, 100, graph.Filter{})
	same(t, "unknown id", []any{len(g.Entities), len(g.Relations)}, []any{0, 0})
	g = neighborhood(t, s, []string{"actor-a"}, 1, 1, graph.Filter{})
	same(t, "a limit of one node keeps the seed alone", []any{entityIDs(g.Entities), relationIDs(g.Relations), g.Truncated},
		[]any{[]string{"actor-a"}, []string{}, true})
}

// testNeighborhoodEdgeLimit: a neighbourhood limited to n nodes holds at
// most graph.EdgesPerNode × n relations, the first in id order, and says so
// when it drops some. Parallel claims between person-p and org-m (which
// already share r13 and r14) bring a two-node neighbourhood to the cap.
func testNeighborhoodEdgeLimit(t *testing.T, s graph.Store) {
	claims := func(from, to int) graph.Batch {
		var b graph.Batch
		for i := from; i <= to; i++ {
			b.Relations = append(b.Relations, graph.Relation{ID: fmt.Sprintf("r20-%02d", i), Type: "WORKS_FOR",
				From: "person-p", To: "org-m", Role: fmt.Sprintf("claim %d", i), Sources: []string{"s-mid"}})
		}
		return b
	}
	maxEdges := graph.EdgesPerNode * 2 // of a neighbourhood of 2 nodes
	want := []string{"r13", "r14"}
	for i := 1; i <= maxEdges-2; i++ {
		want = append(want, fmt.Sprintf("r20-%02d", i))
	}
	pair := []string{"person-p", "org-m"}

	upsert(t, s, claims(1, maxEdges-2))
	g := neighborhood(t, s, pair, 0, 2, graph.Filter{})
	same(t, "exactly at the cap: every relation, not truncated", []any{entityIDs(g.Entities), relationIDs(g.Relations), g.Truncated},
		[]any{[]string{"org-m", "person-p"}, want, false})

	upsert(t, s, claims(maxEdges-1, maxEdges-1))
	g = neighborhood(t, s, pair, 0, 2, graph.Filter{})
	same(t, "one over the cap: the first in id order, truncated", []any{entityIDs(g.Entities), relationIDs(g.Relations), g.Truncated},
		[]any{[]string{"org-m", "person-p"}, want, true})
	g = neighborhood(t, s, []string{"person-p"}, 1, 2, graph.Filter{RelationTypes: []string{"WORKS_FOR"}})
	same(t, "reached by expanding", []any{entityIDs(g.Entities), relationIDs(g.Relations), g.Truncated},
		[]any{[]string{"org-m", "person-p"}, want, true})

	g = neighborhood(t, s, pair, 0, 3, graph.Filter{})
	same(t, "the cap follows the node limit, not the nodes found", []any{len(g.Relations), g.Truncated}, []any{maxEdges + 1, false})
	g = neighborhood(t, s, pair, 0, 2, graph.Filter{Window: graph.Window{From: graph.MustDate("2016")}})
	same(t, "relations the filter drops do not count", []any{relationIDs(g.Relations)[0], len(g.Relations), g.Truncated},
		[]any{"r14", maxEdges, false})
}

func testNeighborhoodFilters(t *testing.T, s graph.Store) {
	g := neighborhood(t, s, []string{"actor-a"}, 1, 100, graph.Filter{Kinds: []graph.Kind{graph.Organization, graph.Person}})
	same(t, "kinds (the seed stays)", entityIDs(g.Entities), []string{"actor-a", "org-m", "person-p"})
	same(t, "kinds edges", relationIDs(g.Relations), []string{"r01", "r02", "r13", "r14"})
	g = neighborhood(t, s, []string{"actor-a"}, 1, 100, graph.Filter{RelationTypes: []string{"USES", "TARGETED"}})
	same(t, "relation types", entityIDs(g.Entities), []string{"actor-a", "country-f", "malware-x"})
	g = neighborhood(t, s, []string{"actor-a"}, 2, 100, graph.Filter{KnownAt: graph.MustDate("2020-01-01")})
	same(t, "known at 2020: only what s-old said", entityIDs(g.Entities), []string{"actor-a", "event-3", "malware-x", "org-m"})
	same(t, "known at 2020 edges (r15 has an undated source too)", relationIDs(g.Relations), []string{"r01", "r10", "r15"})
	g = neighborhood(t, s, []string{"actor-a"}, 1, 100, graph.Filter{KnownAt: graph.MustDate("2021-07-18")})
	same(t, "a source of month precision is not certainly public before its month's last day", entityIDs(g.Entities),
		[]string{"actor-a", "country-f", "malware-x", "org-m"})
	g = neighborhood(t, s, []string{"actor-a"}, 1, 100, graph.Filter{KnownAt: graph.MustDate("2021-07-31")})
	same(t, "a source of month precision counts from its month's last day", entityIDs(g.Entities),
		[]string{"actor-a", "camp", "country-f", "event-2", "malware-x", "org-m", "person-p"})
	g = neighborhood(t, s, []string{"camp"}, 1, 100, graph.Filter{Window: graph.Window{From: graph.MustDate("2019"), To: graph.MustDate("2021")}})
	same(t, "window: dated relations outside it go, undated ones stay, dated entities must overlap",
		entityIDs(g.Entities), []string{"actor-a", "camp"})
	g = neighborhood(t, s, []string{"camp"}, 1, 100, graph.Filter{Window: graph.Window{From: graph.MustDate("2018-12")}})
	same(t, "open-ended window", entityIDs(g.Entities), []string{"actor-a", "camp", "country-n", "sector-s"})
	g = neighborhood(t, s, []string{"actor-a"}, 1, 100, graph.Filter{MinConfidence: conf(60)})
	same(t, "min confidence drops relations without one", entityIDs(g.Entities), []string{"actor-a", "org-m"})
}

func paths(t *testing.T, s graph.Store, from, to string, maxLen, limit int, f graph.Filter) []string {
	t.Helper()
	ps := must(s.Paths(ctx, graph.PathQuery{From: from, To: to, MaxLength: maxLen, Limit: limit, Filter: f}))(t)
	out := []string{}
	for _, p := range ps {
		if len(p.Entities) != len(p.Relations)+1 {
			t.Fatalf("path with %d entities and %d relations", len(p.Entities), len(p.Relations))
		}
		parts := []string{p.Entities[0].ID}
		for i, r := range p.Relations {
			a, b := p.Entities[i].ID, p.Entities[i+1].ID
			if !(r.From == a && r.To == b || r.From == b && r.To == a) {
				t.Errorf("relation %s does not join %s and %s", r.ID, a, b)
			}
			if len(r.Sources) == 0 {
				t.Errorf("relation %s has no sources", r.ID)
			}
			parts = append(parts, r.ID, b)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

func testPaths(t *testing.T, s graph.Store) {
	same(t, "shortest", paths(t, s, "person-p", "country-n", 4, 3, graph.Filter{}),
		[]string{"person-p r02 actor-a r04 camp r03 country-n"})
	same(t, "too long", paths(t, s, "person-p", "country-n", 2, 3, graph.Filter{}), []string{})
	same(t, "parallel claims are distinct paths, by relation id", paths(t, s, "person-p", "org-m", 4, 3, graph.Filter{}),
		[]string{"person-p r13 org-m", "person-p r14 org-m"})
	same(t, "first", paths(t, s, "person-p", "org-m", 4, 1, graph.Filter{}), []string{"person-p r13 org-m"})
	same(t, "relation types", paths(t, s, "person-p", "org-m", 4, 3, graph.Filter{RelationTypes: []string{"MEMBER_OF", "OPERATES_FOR", "CHARGES"}}),
		[]string{"person-p r02 actor-a r01 org-m"})
	same(t, "all shortest, ordered hop by hop", paths(t, s, "org-m", "camp", 4, 5, graph.Filter{}),
		[]string{"org-m r01 actor-a r04 camp"})
	same(t, "two of equal length", paths(t, s, "indict", "org-m", 4, 5, graph.Filter{}),
		[]string{"indict r05 person-p r13 org-m", "indict r05 person-p r14 org-m"})
	same(t, "inner entities pass the kind filter", paths(t, s, "person-p", "country-n", 4, 3, graph.Filter{Kinds: []graph.Kind{graph.Person, graph.Campaign}}),
		[]string{})
	same(t, "known at", paths(t, s, "person-p", "org-m", 4, 3, graph.Filter{KnownAt: graph.MustDate("2021-07-19")}),
		[]string{"person-p r13 org-m"})
	same(t, "known at, both", paths(t, s, "person-p", "org-m", 4, 3, graph.Filter{KnownAt: graph.MustDate("2021-07-31")}),
		[]string{"person-p r13 org-m", "person-p r14 org-m"})
	same(t, "unknown id", paths(t, s, "person-p", "nope", 4, 3, graph.Filter{}), []string{})
	same(t, "same entity", paths(t, s, "org-m", "org-m", 4, 3, graph.Filter{}), []string{"org-m"})
}

// timeline returns the items of a page as "id@date", and the page. It asks
// for the total count, and checks that the same page without the count, and
// the same page after the key of the item before it, hold the same items.
func timeline(t *testing.T, s graph.Store, q graph.TimelineQuery) ([]string, graph.TimelinePage) {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 100
	}
	q.Count = true
	p := must(s.Timeline(ctx, q))(t)
	out := itemIDs(t, p.Items)
	q.Count = false
	uncounted := must(s.Timeline(ctx, q))(t)
	same(t, fmt.Sprintf("%+v without the count", q), []any{itemIDs(t, uncounted.Items), uncounted.HasNext, uncounted.Total},
		[]any{out, p.HasNext, 0})
	if q.After == nil && q.Offset > 0 && q.Offset <= graph.MaxPage {
		before := q
		before.Offset, before.Limit = 0, q.Offset
		if prev := must(s.Timeline(ctx, before))(t).Items; len(prev) == q.Offset {
			key := prev[len(prev)-1].Key()
			q.After = &key
			keyed := must(s.Timeline(ctx, q))(t)
			same(t, fmt.Sprintf("%+v after the key of the item before the page", q), []any{itemIDs(t, keyed.Items), keyed.HasNext},
				[]any{out, p.HasNext})
		}
	}
	return out, p
}

func itemIDs(t *testing.T, items []graph.TimelineItem) []string {
	t.Helper()
	out := []string{}
	for _, it := range items {
		out = append(out, it.ID+"@"+it.Date.String())
		if (it.Entity == nil) == (it.Relation == nil) {
			t.Errorf("%s: exactly one of entity and relation must be set", it.ID)
		}
	}
	return out
}

func testTimeline(t *testing.T, s graph.Store) {
	all, p := timeline(t, s, graph.TimelineQuery{})
	same(t, "every dated item in order", all, []string{
		"entity:camp@2011", "relation:r03@2011", "relation:r09@2011", "relation:r13@2015",
		"entity:event-3@2017-04", "relation:r15@2017-04-14", "relation:r08@2020",
		"entity:event-4@2021", "entity:indict@2021-05", "entity:event-2@2021-07", "entity:event-1@2021-07-19"})
	same(t, "total", p.Total, 11)
	same(t, "titles", []string{p.Items[1].Title, p.Items[10].Title}, []string{"Campaign C TARGETED Norway", "Joint attribution"})
	july, _ := timeline(t, s, graph.TimelineQuery{Window: graph.Window{From: graph.MustDate("2021-07"), To: graph.MustDate("2021-07")}})
	same(t, "July 2021 (a year-long item overlaps it too)", july, []string{"entity:event-4@2021", "entity:event-2@2021-07", "entity:event-1@2021-07-19"})
	day, _ := timeline(t, s, graph.TimelineQuery{Window: graph.Window{From: graph.MustDate("2014-06-01"), To: graph.MustDate("2016")}})
	same(t, "a span overlaps", day, []string{"entity:camp@2011", "relation:r03@2011", "relation:r09@2011", "relation:r13@2015"})
	touch, _ := timeline(t, s, graph.TimelineQuery{Entities: []string{"actor-b", "country-f"}})
	same(t, "items that are or touch", touch, []string{"relation:r08@2020", "entity:event-1@2021-07-19"})
	kinds, _ := timeline(t, s, graph.TimelineQuery{Kinds: []graph.Kind{graph.Indictment, graph.Country}})
	same(t, "kinds", kinds, []string{"relation:r03@2011", "relation:r08@2020", "entity:indict@2021-05"})
	conf60, _ := timeline(t, s, graph.TimelineQuery{MinConfidence: conf(60), Kinds: []graph.Kind{graph.Malware, graph.Country}})
	same(t, "min confidence", conf60, []string{"relation:r15@2017-04-14"})
	known, _ := timeline(t, s, graph.TimelineQuery{KnownAt: graph.MustDate("2021-01-01")})
	same(t, "known at", known, []string{"entity:event-3@2017-04", "relation:r15@2017-04-14"})
	page, p := timeline(t, s, graph.TimelineQuery{Offset: 9, Limit: 1})
	same(t, "paging", []any{page, p.HasNext, p.Total}, []any{[]string{"entity:event-2@2021-07"}, true, 11})
	page, p = timeline(t, s, graph.TimelineQuery{Offset: 10, Limit: 5})
	same(t, "last page", []any{len(page), p.HasNext}, []any{1, false})
	page, _ = timeline(t, s, graph.TimelineQuery{Offset: 50, Limit: 5})
	same(t, "past the end", page, []string{})
}

func testLimits(t *testing.T, s graph.Store) {
	_, err := s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: []string{"actor-a"}, Depth: graph.MaxDepth + 1, Limit: 10})
	wantInvalid(t, "depth", err)
	_, err = s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: []string{"actor-a"}, Depth: 1, Limit: graph.MaxNodes + 1})
	wantInvalid(t, "node limit", err)
	_, err = s.Paths(ctx, graph.PathQuery{From: "a", To: "b", MaxLength: graph.MaxPathLength + 1, Limit: 1})
	wantInvalid(t, "path length", err)
	_, err = s.Search(ctx, graph.SearchQuery{Text: "a", Limit: graph.MaxSearch + 1})
	wantInvalid(t, "search limit", err)
	_, err = s.List(ctx, graph.ListQuery{Limit: 0})
	wantInvalid(t, "page size", err)
	_, err = s.Timeline(ctx, graph.TimelineQuery{Limit: 10, Kinds: []graph.Kind{"BOGUS"}})
	wantInvalid(t, "kind", err)
	_, err = s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: []string{"actor-a"}, Depth: 1, Limit: 10, Filter: graph.Filter{RelationTypes: []string{"LIKES"}}})
	wantInvalid(t, "relation type", err)
	_, err = s.Entities(ctx, make([]string, graph.MaxIDs+1))
	wantInvalid(t, "ids", err)
	// The search limit counts characters, not bytes.
	if _, err := s.Search(ctx, graph.SearchQuery{Text: strings.Repeat("é", 200), Limit: 5}); err != nil {
		t.Errorf("200 accented characters: %v", err)
	}
	// The largest offset overflowed offset+limit in Cypher: an internal error.
	for _, offset := range []int{graph.MaxOffset + 1, math.MaxInt} {
		_, err = s.Timeline(ctx, graph.TimelineQuery{Offset: offset, Limit: 10})
		wantInvalid(t, "timeline offset", err)
	}
	if page, err := s.Timeline(ctx, graph.TimelineQuery{Offset: graph.MaxOffset, Limit: graph.MaxPage}); err != nil || len(page.Items) != 0 || page.HasNext {
		t.Errorf("the farthest timeline page: %v items, next %v, error %v", len(page.Items), page.HasNext, err)
	}
}

func testUpsert(t *testing.T, s graph.Store) {
	before := must(s.Counts(ctx))(t)
	same(t, "counts", before, graph.Counts{Entities: 14, Relations: 15, Sources: 5})
	if err := s.Upsert(ctx, Fixture()); err != nil {
		t.Fatal(err)
	}
	same(t, "loading twice changes nothing", must(s.Counts(ctx))(t), before)

	bad := graph.Batch{
		Entities:  []graph.Entity{{ID: "new-one", Kind: graph.Person, Name: "New", Sources: []string{"s-new"}}},
		Relations: []graph.Relation{{ID: "bad", Type: "WORKS_FOR", From: "new-one", To: "ghost", Sources: []string{"s-new"}}},
	}
	err := s.Upsert(ctx, bad)
	wantInvalid(t, "dangling relation", err)
	if err != nil && !strings.Contains(err.Error(), "ghost") {
		t.Errorf("the error should name the unknown entity: %v", err)
	}
	same(t, "a failed batch writes nothing", must(s.Counts(ctx))(t), before)
	same(t, "nothing of it", len(must(s.Entities(ctx, []string{"new-one"}))(t)), 0)

	// A relation that changes an end moves; an entity that changes is replaced whole.
	move := graph.Batch{
		Entities:  []graph.Entity{{ID: "country-n", Kind: graph.Country, Name: "Kingdom of Norway", Aliases: []string{"Norge"}, Sources: []string{"s-mid"}}},
		Relations: []graph.Relation{{ID: "r03", Type: "TARGETED", From: "actor-b", To: "country-n", Sources: []string{"s-mid"}}},
	}
	if err := s.Upsert(ctx, move); err != nil {
		t.Fatal(err)
	}
	same(t, "counts after update", must(s.Counts(ctx))(t), before)
	rels := must(s.Relations(ctx, []string{"camp", "actor-b"}, graph.RelationQuery{Direction: graph.Out, Limit: 10}))(t)
	same(t, "camp lost r03", relationIDs(rels["camp"]), []string{"r09"})
	same(t, "actor-b gained r03", relationIDs(rels["actor-b"]), []string{"r03", "r12"})
	n := must(s.Entities(ctx, []string{"country-n"}))(t)[0]
	same(t, "entity replaced", []any{n.Name, n.Aliases, len(n.Attributes)}, []any{"Kingdom of Norway", []string{"Norge"}, 0})
	same(t, "search sees the update", hitIDs(must(s.Search(ctx, graph.SearchQuery{Text: "norge", Limit: 5}))(t)), []string{"country-n"})
	g := neighborhood(t, s, []string{"country-n", "actor-b"}, 1, 10, graph.Filter{KnownAt: graph.MustDate("2021-04")})
	same(t, "known-from follows the new sources", relationIDs(g.Relations), []string{"r03"})
}

// testUpsertSizes: values over graph's size limits are refused whole, each
// problem naming the item, its id and the field (issue #23: a 1-MB name
// made a 96-MB answer).
func testUpsertSizes(t *testing.T, s graph.Store) {
	before := must(s.Counts(ctx))(t)
	huge := strings.Repeat("x", 1<<20)
	many := make([]string, graph.MaxAliases+1)
	for i := range many {
		many[i] = fmt.Sprintf("alias %d", i)
	}
	for _, c := range []struct {
		batch graph.Batch
		want  string
	}{
		{graph.Batch{Entities: []graph.Entity{{ID: "big", Kind: graph.Person, Name: huge, Sources: []string{"s-mid"}}}},
			`entity #1: name: "big": 1048576 characters long; the limit is 500`},
		{graph.Batch{Entities: []graph.Entity{{ID: "big", Kind: graph.Person, Name: "Big", Aliases: []string{"ok", huge[:201]}, Sources: []string{"s-mid"}}}},
			`entity #1: aliases: "big": 201 characters long; the limit is 200`},
		{graph.Batch{Entities: []graph.Entity{{ID: "big", Kind: graph.Person, Name: "Big", Aliases: many, Sources: []string{"s-mid"}}}},
			`entity #1: aliases: "big": 201 of them; the limit is 200`},
		{graph.Batch{Entities: []graph.Entity{{ID: "big", Kind: graph.Person, Name: "Big", Description: huge, Sources: []string{"s-mid"}}}},
			`entity #1: description: "big": 1048576 bytes long; the limit is 20000`},
		{graph.Batch{Relations: []graph.Relation{{ID: "big-rel", Type: "TARGETED", From: "actor-b", To: "country-n", Description: huge, Sources: []string{"s-mid"}}}},
			`relation #1: description: "big-rel": 1048576 bytes long`},
		{graph.Batch{Sources: []graph.Source{{ID: "big-src", Title: huge}}}, `source #1: title: "big-src": 1048576 characters long`},
	} {
		err := s.Upsert(ctx, c.batch)
		wantInvalid(t, c.want, err)
		if err != nil && (!strings.Contains(err.Error(), c.want) || len(err.Error()) > 2000) {
			t.Errorf("got %.300s; want %q", err, c.want)
		}
	}
	same(t, "nothing written", must(s.Counts(ctx))(t), before)
	// At the limits, accepted.
	ok := graph.Batch{Entities: []graph.Entity{{ID: "at-limits", Kind: graph.Person, Name: strings.Repeat("é", graph.MaxNameChars),
		Aliases: many[:graph.MaxAliases], Description: huge[:graph.MaxDescriptionBytes], Sources: []string{"s-mid"}}}}
	if err := s.Upsert(ctx, ok); err != nil {
		t.Fatal(err)
	}
	same(t, "at the limits", must(s.Counts(ctx))(t).Entities, before.Entities+1)
}
