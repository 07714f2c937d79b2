package memory_test

import (
	"context"
	"testing"

	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
)

func BenchmarkStore(b *testing.B) {
	batch := storetest.BenchGraph()
	s := memory.New()
	if err := s.Upsert(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
	storetest.Bench(b, s, batch)
}
