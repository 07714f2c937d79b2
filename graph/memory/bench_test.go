package memory_test

import (
	"context"
	"io"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/loaders"
)

func BenchmarkStore(b *testing.B) {
	batch := storetest.BenchGraph()
	s := memory.New()
	if err := s.Upsert(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
	storetest.Bench(b, s, batch)
}

// BenchmarkSearch gives the p50 and p99 of searches (the first 20 hits) on a
// graph of storetest.SearchBenchSize entities, one at a time: exact names,
// prefixes, two words, typos, external ids, and a mix of them.
func BenchmarkSearch(b *testing.B) {
	g := storetest.SearchGraph(99, storetest.SearchBenchSize)
	s := memory.New()
	if err := s.Upsert(context.Background(), graph.Batch{Sources: g.Sources, Entities: g.Entities}); err != nil {
		b.Fatal(err)
	}
	storetest.BenchSearch(b, s, g)
}

// BenchmarkPages gives the p50 and p95 of list and timeline pages, with and
// without their total counts.
func BenchmarkPages(b *testing.B) {
	s := memory.New()
	if err := s.Upsert(context.Background(), storetest.BenchGraph()); err != nil {
		b.Fatal(err)
	}
	storetest.BenchPages(b, s)
}

// BenchmarkAggregates gives the p50 and p95 of the trends view's aggregates
// on the default data.
func BenchmarkAggregates(b *testing.B) {
	storetest.BenchAggregates(b, defaultStore(b))
}

// BenchmarkDefaultTraversals gives the time of the explorer's first graph
// (the neighbourhood of APT40, APT31 and HAFNIUM, depth 2) and of the README's
// path example (Ding Xiaoyang to Norway) on the default data.
func BenchmarkDefaultTraversals(b *testing.B) {
	s := defaultStore(b)
	hood := graph.NeighborhoodQuery{IDs: []string{"apt40", "apt31", "hafnium"}, Depth: 2, Limit: 500}
	paths := graph.PathQuery{From: "ding-xiaoyang", To: "norway", MaxLength: 4, Limit: 3}
	b.Run("Neighborhood", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Neighborhood(context.Background(), hood); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Paths", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Paths(context.Background(), paths); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// defaultStore is a memory store holding the default data.
func defaultStore(b *testing.B) *memory.Store {
	batch, err := loaders.Default(io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	s := memory.New()
	if err := s.Upsert(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
	return s
}
