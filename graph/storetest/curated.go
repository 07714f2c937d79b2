package storetest

import (
	"context"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/loaders"
)

// LoadCurated loads the curated dataset (data/) into s and returns s.
func LoadCurated(t testing.TB, s graph.Store) graph.Store {
	t.Helper()
	b, err := loaders.Curated()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Upsert(context.Background(), b); err != nil {
		t.Fatalf("loading data/: %v", err)
	}
	return s
}

// testLoadCuratedTwice: loading data/ a second time changes no count.
func testLoadCuratedTwice(t *testing.T, s graph.Store) {
	before := must(s.Counts(ctx))(t)
	LoadCurated(t, s)
	once := must(s.Counts(ctx))(t)
	LoadCurated(t, s)
	twice := must(s.Counts(ctx))(t)
	if once == before {
		t.Fatal("loading data/ added nothing")
	}
	same(t, "counts after loading data/ twice", twice, once)
}
