package storetest

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// BenchPages measures pages of lists and of the timeline on store (which
// holds BenchGraph), with and without their total counts, as p50 and p95 in ms:
// what a page costs should be what its size costs.
func BenchPages(b *testing.B, store graph.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	kind := func() []graph.Kind { return []graph.Kind{graph.Kinds[rng.IntN(len(graph.Kinds))]} }
	window := func() graph.Window {
		y := 2010 + rng.IntN(10)
		return graph.Window{From: graph.PartialDate{Year: y}, To: graph.PartialDate{Year: y + 2}}
	}
	// secondPage reads the page after the first one of q.
	secondPage := func(q graph.TimelineQuery) error {
		p, err := store.Timeline(ctx, q)
		if err != nil || len(p.Items) == 0 {
			return err
		}
		key := p.Items[len(p.Items)-1].Key()
		q.After, q.Offset = &key, len(p.Items)
		_, err = store.Timeline(ctx, q)
		return err
	}
	cases := []benchCase{
		{"ListKind50", func() error { _, err := store.List(ctx, graph.ListQuery{Kinds: kind(), Limit: 50}); return err }},
		{"ListKind50Count", func() error {
			_, err := store.List(ctx, graph.ListQuery{Kinds: kind(), Limit: 50, Count: true})
			return err
		}},
		{"TimelineWindow100", func() error {
			_, err := store.Timeline(ctx, graph.TimelineQuery{Window: window(), Limit: 100})
			return err
		}},
		{"TimelineWindow100Count", func() error {
			_, err := store.Timeline(ctx, graph.TimelineQuery{Window: window(), Limit: 100, Count: true})
			return err
		}},
		{"TimelineTwoPages100", func() error { return secondPage(graph.TimelineQuery{Window: window(), Limit: 100}) }},
		{"TimelineAll100", func() error { _, err := store.Timeline(ctx, graph.TimelineQuery{Limit: 100}); return err }},
	}
	benchLatencies(b, cases)
}
