package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/graph/textmatch"
)

// TestSearchIndex: the inverted index finds what textmatch.Match finds in
// every entity, in textmatch's order, after writes that add and replace
// entities.
func TestSearchIndex(t *testing.T) {
	ctx := context.Background()
	b := storetest.SearchGraph(5, 2000)
	s := New()
	half := graph.Batch{Sources: b.Sources, Entities: b.Entities[:1000]}
	if err := s.Upsert(ctx, half); err != nil {
		t.Fatal(err)
	}
	if err := s.Upsert(ctx, graph.Batch{Sources: b.Sources, Entities: b.Entities}); err != nil {
		t.Fatal(err)
	}
	// Replace some entities: new names, no aliases.
	var changed []graph.Entity
	for i, e := range b.Entities[:300] {
		e.Name, e.Aliases = fmt.Sprintf("Renamed %d zircon", i), nil
		changed = append(changed, e)
	}
	if err := s.Upsert(ctx, graph.Batch{Entities: changed}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	queries := storetest.SearchQueries(rng, b, 400)
	docs := map[string]textmatch.Doc{}
	for id, e := range s.entities {
		docs[id] = textmatch.NewDoc(e.Name, e.SearchLabels())
	}
	nonEmpty := 0
	for _, q := range queries {
		got := must(s.Search(ctx, q))
		want := bruteForce(s, docs, q)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v:\n got %v\nwant %v", q, hitsString(got), hitsString(want))
		}
		if len(got) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < len(queries)/2 {
		t.Fatalf("only %d of %d searches found something", nonEmpty, len(queries))
	}
}

// bruteForce is Search by textmatch.Match on every entity.
func bruteForce(s *Store, docs map[string]textmatch.Doc, sq graph.SearchQuery) []graph.SearchHit {
	q := textmatch.ParseQuery(sq.Text)
	type hit struct {
		graph.SearchHit
		key int
	}
	var hits []hit
	for _, id := range s.ids {
		e := s.entities[id].Entity
		if len(sq.Kinds) > 0 && !slices.Contains(sq.Kinds, e.Kind) {
			continue
		}
		d := docs[id]
		if bits, ok := textmatch.Match(q, d); ok {
			hits = append(hits, hit{graph.SearchHit{Entity: e, Score: textmatch.Tier(bits),
				Matched: textmatch.Matched(q, bits, e.Name, e.SearchLabels())}, textmatch.Key(bits, d.Class)})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return b.key - a.key }) // ids are in order already
	var out []graph.SearchHit
	for _, h := range hits[:min(len(hits), sq.Limit)] {
		out = append(out, h.SearchHit)
	}
	return out
}

func hitsString(hits []graph.SearchHit) string {
	out := ""
	for _, h := range hits {
		out += fmt.Sprintf("%s %.3f %q; ", h.Entity.ID, h.Score, h.Matched)
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
