package memory

import (
	"context"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/loaders"
)

// TestTraversalsAsBefore compares the neighbourhoods and paths of the
// integer adjacency with those of the map walks they replaced
// (traverse_ref_test.go) on the default data: hubs and leaves, every depth,
// small and large limits, each kind of filter.
func TestTraversalsAsBefore(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the default data")
	}
	batch, err := loaders.Default(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := New()
	if err := s.Upsert(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(21, 1))
	ids := append([]string{"apt40", "apt31", "hafnium", "china", "united-states", "ding-xiaoyang", "norway", "nope"}, s.ids...)
	id := func() string {
		if r.IntN(3) == 0 {
			return ids[r.IntN(8)]
		}
		return ids[r.IntN(len(ids))]
	}
	fifty, ninety := 50, 90
	filters := []graph.Filter{{}, {}, {},
		{Kinds: []graph.Kind{graph.ThreatActor, graph.Country}},
		{RelationTypes: []string{"TARGETED", "ATTRIBUTED_TO"}},
		{Window: graph.Window{From: graph.MustDate("2019"), To: graph.MustDate("2021-07")}},
		{KnownAt: graph.MustDate("2020-06")},
		{MinConfidence: &fifty},
		{MinConfidence: &ninety, Kinds: []graph.Kind{graph.Organization}, KnownAt: graph.MustDate("2022")},
	}
	ctx := context.Background()
	truncated, found := 0, 0
	for range 300 {
		q := graph.NeighborhoodQuery{IDs: []string{id()}, Depth: 1 + r.IntN(3), Limit: []int{1, 5, 50, 500, 2000}[r.IntN(5)],
			Filter: filters[r.IntN(len(filters))]}
		if r.IntN(3) == 0 {
			q.IDs = append(q.IDs, id(), q.IDs[0])
		}
		got, err1 := s.Neighborhood(ctx, q)
		want, err2 := s.refNeighborhood(ctx, q)
		if !reflect.DeepEqual(got, want) || (err1 == nil) != (err2 == nil) {
			t.Fatalf("neighbourhood %+v: %d entities %d relations %v, want %d %d %v", q, len(got.Entities), len(got.Relations), got.Truncated,
				len(want.Entities), len(want.Relations), want.Truncated)
		}
		if got.Truncated {
			truncated++
		}
	}
	for range 300 {
		q := graph.PathQuery{From: id(), To: id(), MaxLength: 1 + r.IntN(6), Limit: 1 + r.IntN(5), Filter: filters[r.IntN(len(filters))]}
		got, err1 := s.Paths(ctx, q)
		want, err2 := s.refPaths(ctx, q)
		if !reflect.DeepEqual(got, want) || (err1 == nil) != (err2 == nil) {
			t.Fatalf("paths %+v: %d paths, want %d", q, len(got), len(want))
		}
		if len(got) > 0 {
			found++
		}
	}
	t.Logf("300 neighbourhoods (%d truncated) and 300 path queries (%d with paths) as before", truncated, found)
}
