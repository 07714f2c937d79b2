package schema_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// queryStore records the list and timeline queries the API makes.
type queryStore struct {
	graph.Store
	lists     []graph.ListQuery
	timelines []graph.TimelineQuery
}

func (s *queryStore) List(ctx context.Context, q graph.ListQuery) (graph.EntityPage, error) {
	s.lists = append(s.lists, q)
	return s.Store.List(ctx, q)
}

func (s *queryStore) Timeline(ctx context.Context, q graph.TimelineQuery) (graph.TimelinePage, error) {
	s.timelines = append(s.timelines, q)
	return s.Store.Timeline(ctx, q)
}

// TestTotalCountOnlyWhenAsked: the store counts a connection's items only
// when the query selects totalCount, directly or in a fragment.
func TestTotalCountOnlyWhenAsked(t *testing.T) {
	store := &queryStore{Store: curated(t)}
	sc := newSchema(t, store)
	for _, c := range []struct {
		query string
		count bool
	}{
		{`{ timeline(first: 2) { edges { node { id } } } }`, false},
		{`{ timeline(first: 2) { totalCount } }`, true},
		{`{ timeline(first: 2) { ...T } } fragment T on TimelineConnection { pageInfo { hasNextPage } totalCount }`, true},
		{`{ timeline(first: 2) { ... on TimelineConnection { totalCount } } }`, true},
		{`{ entities(first: 2) { edges { node { id } } pageInfo { endCursor } } }`, false},
		{`{ entities(first: 2) { totalCount edges { node { id } } } }`, true},
		{`{ entities(first: 2) { ...E } } fragment E on EntityConnection { totalCount }`, true},
	} {
		store.lists, store.timelines = nil, nil
		d := query(t, sc, c.query, nil)
		var got []bool
		for _, q := range store.lists {
			got = append(got, q.Count)
		}
		for _, q := range store.timelines {
			got = append(got, q.Count)
		}
		if len(got) != 1 || got[0] != c.count {
			t.Errorf("%s: counts %v, want [%v]", c.query, got, c.count)
		}
		if c.count {
			var total any
			if tl, ok := d["timeline"]; ok {
				total = at(tl, "totalCount")
			} else {
				total = at(d, "entities", "totalCount")
			}
			if s := fmt.Sprint(total); s == "0" || s == "<nil>" {
				t.Errorf("%s: totalCount %v", c.query, total)
			}
		}
	}
}

// TestTimelineCursors: paging through the timeline with endCursor gives
// the whole timeline; the cursors carry the key the store seeks from, and
// a cursor of a bare position (as they were) still works.
func TestTimelineCursors(t *testing.T) {
	store := &queryStore{Store: curated(t)}
	sc := newSchema(t, store)
	all := query(t, sc, `{ timeline(first: 60) { totalCount edges { node { id } } } }`, nil)
	var want []any
	for _, e := range list(at(all, "timeline", "edges")) {
		want = append(want, at(e, "node", "id"))
	}
	if len(want) < 20 {
		t.Fatalf("only %d items", len(want))
	}
	var got []any
	after := any(nil)
	for len(got) < len(want) {
		store.timelines = nil
		d := query(t, sc, `query($after: String) { timeline(first: 7, after: $after) {
			edges { node { id } } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after})
		for _, e := range list(at(d, "timeline", "edges")) {
			got = append(got, at(e, "node", "id"))
		}
		if after != nil && store.timelines[0].After == nil {
			t.Fatalf("the cursor carried no key: %+v", store.timelines[0])
		}
		if at(d, "timeline", "pageInfo", "hasNextPage") != true {
			break
		}
		after = at(d, "timeline", "pageInfo", "endCursor")
	}
	if fmt.Sprint(got) != fmt.Sprint(want[:len(got)]) || len(got) < 20 {
		t.Fatalf("paged %v\nwant %v", got, want)
	}
	// base64("t:3"): a cursor of a bare position.
	d := query(t, sc, `{ timeline(first: 1, after: "dDoz") { edges { node { id } } } }`, nil)
	if at(d, "timeline", "edges", 0, "node", "id") != want[3] {
		t.Fatalf("after a bare position: %v, want %v", d, want[3])
	}
}
