package neo4j_test

import (
	"context"
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
