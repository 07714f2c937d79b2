package neo4j_test

import (
	"context"
	"io"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/loaders"
)

// BenchmarkLoadCurated is the time to load data/ into an empty Neo4j.
func BenchmarkLoadCurated(b *testing.B) {
	batch, err := loaders.Curated()
	if err != nil {
		b.Fatal(err)
	}
	benchLoad(b, batch)
}

// BenchmarkLoadRandom is the time to load a random graph of
// storetest.BenchGraphSize entities and three times as many relations.
func BenchmarkLoadRandom(b *testing.B) { benchLoad(b, storetest.BenchGraph()) }

func benchLoad(b *testing.B, batch graph.Batch) {
	ctx := context.Background()
	s := neo4jtest.Open(b)
	for b.Loop() {
		b.StopTimer()
		if err := neo4jtest.Empty(ctx, neo4jtest.Config()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.Upsert(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStore gives the p50 and p95 of each Store method on Neo4j.
func BenchmarkStore(b *testing.B) {
	s := neo4jtest.Open(b)
	batch := storetest.BenchGraph()
	if err := s.Upsert(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
	storetest.Bench(b, s, batch)
}

// BenchmarkSearch gives the p50 and p99 of searches (the first 20 hits) on a
// graph of storetest.SearchBenchSize entities, one at a time: exact names,
// prefixes, two words, typos, external ids, and a mix of them. The graph has
// no relations: search does not read them.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	s := neo4jtest.Open(b)
	g := storetest.SearchGraph(99, storetest.SearchBenchSize)
	for i := 0; i < len(g.Entities); i += 10_000 {
		batch := graph.Batch{Entities: g.Entities[i:min(i+10_000, len(g.Entities))]}
		if i == 0 {
			batch.Sources = g.Sources
		}
		if err := s.Upsert(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	storetest.BenchSearch(b, s, g)
}

// BenchmarkPages gives the p50 and p95 of list and timeline pages on Neo4j,
// with and without their total counts.
func BenchmarkPages(b *testing.B) {
	s := neo4jtest.Open(b)
	if err := s.Upsert(context.Background(), storetest.BenchGraph()); err != nil {
		b.Fatal(err)
	}
	storetest.BenchPages(b, s)
}

// BenchmarkAggregates gives the p50 and p95 of the trends view's aggregates
// on the default data in Neo4j.
func BenchmarkAggregates(b *testing.B) {
	batch, err := loaders.Default(io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	s := neo4jtest.Open(b)
	if err := s.Upsert(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
	storetest.BenchAggregates(b, s)
}
