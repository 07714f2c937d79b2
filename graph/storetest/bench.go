package storetest

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph"
)

// Bench measures each Store method on store, which holds batch: b.N calls of
// each with varied arguments, reported as p50 and p95 latencies in ms.
func Bench(b *testing.B, store graph.Store, batch graph.Batch) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	id := func() string { return batch.Entities[rng.IntN(len(batch.Entities))].ID }
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = id()
		}
		return out
	}
	word := func() string {
		e := batch.Entities[rng.IntN(len(batch.Entities))]
		tokens := []rune(e.Name)
		return string(tokens[:min(4, len(tokens))])
	}
	methods := []benchCase{
		{"Entities50", func() error { _, err := store.Entities(ctx, ids(50)); return err }},
		{"Sources", func() error {
			_, err := store.Sources(ctx, []string{batch.Sources[rng.IntN(len(batch.Sources))].ID})
			return err
		}},
		{"Search", func() error {
			_, err := store.Search(ctx, graph.SearchQuery{Text: word(), Limit: 20})
			return err
		}},
		{"List50", func() error { _, err := store.List(ctx, graph.ListQuery{After: id(), Limit: 50}); return err }},
		{"Relations50", func() error {
			_, err := store.Relations(ctx, ids(50), graph.RelationQuery{Direction: graph.Both, Limit: 100})
			return err
		}},
		{"NeighborhoodDepth2", func() error {
			_, err := store.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: ids(1), Depth: 2, Limit: 500})
			return err
		}},
		{"Paths", func() error {
			_, err := store.Paths(ctx, graph.PathQuery{From: id(), To: id(), MaxLength: 4, Limit: 3})
			return err
		}},
		{"Timeline100", func() error {
			_, err := store.Timeline(ctx, graph.TimelineQuery{Limit: 100, Window: graph.Window{From: graph.MustDate("2015"), To: graph.MustDate("2018")}})
			return err
		}},
		{"TimelineKnownAt", func() error {
			_, err := store.Timeline(ctx, graph.TimelineQuery{Entities: ids(1), Limit: 100, KnownAt: graph.MustDate("2019-06")})
			return err
		}},
	}
	benchLatencies(b, methods)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchCase is one call a benchmark times.
type benchCase struct {
	name string
	call func() error
}

// benchLatencies runs each case b.N times as a sub-benchmark and reports
// the p50 and p95 of its latencies in ms.
func benchLatencies(b *testing.B, cases []benchCase) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if err := c.call(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*95/100]), "p95-ms")
		})
	}
}

// BenchGraphSize is the size of the random graph the benchmarks use.
const BenchGraphSize = 5000

// BenchGraph is the graph the benchmarks query.
func BenchGraph() graph.Batch { return RandomGraph(99, BenchGraphSize) }
