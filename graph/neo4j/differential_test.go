package neo4j_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
	"github.com/attribution-explorer/attribution/graph/storetest"
)

// TestDifferential loads one random graph into both stores and asks both the
// same few hundred random questions: the answers must be identical.
func TestDifferential(t *testing.T) {
	ctx := context.Background()
	const n = 3000
	b := storetest.RandomGraph(42, n)
	mem, neo := memory.New(), neo4jtest.Open(t)
	for _, s := range []graph.Store{mem, neo} {
		if err := s.Upsert(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	id := func() string {
		if rng.IntN(20) == 0 {
			return "missing"
		}
		return b.Entities[rng.IntN(n)].ID
	}
	pick := func(all []string, max int) []string {
		var out []string
		for range rng.IntN(max + 1) {
			out = append(out, all[rng.IntN(len(all))])
		}
		return out
	}
	var kindNames, typeNames []string
	for _, k := range graph.Kinds {
		kindNames = append(kindNames, string(k))
	}
	for _, v := range graph.Vocabulary {
		typeNames = append(typeNames, v.Name)
	}
	kinds := func(max int) []graph.Kind {
		var out []graph.Kind
		for _, k := range pick(kindNames, max) {
			out = append(out, graph.Kind(k))
		}
		return out
	}
	date := func() graph.PartialDate {
		switch rng.IntN(4) {
		case 0:
			return graph.PartialDate{}
		case 1:
			return graph.PartialDate{Year: 2010 + rng.IntN(13)}
		case 2:
			return graph.PartialDate{Year: 2010 + rng.IntN(13), Month: 1 + rng.IntN(12)}
		}
		return graph.PartialDate{Year: 2010 + rng.IntN(13), Month: 1 + rng.IntN(12), Day: 1 + rng.IntN(28)}
	}
	window := func() graph.Window {
		w := graph.Window{From: date(), To: date()}
		if !w.From.IsZero() && !w.To.IsZero() && w.To.Last() < w.From.First() {
			w.From, w.To = w.To, w.From
		}
		if !w.From.IsZero() && !w.To.IsZero() && w.To.Last() < w.From.First() {
			w.To = graph.PartialDate{}
		}
		return w
	}
	confidence := func() *int {
		if rng.IntN(3) > 0 {
			return nil
		}
		c := 10 * rng.IntN(11)
		return &c
	}
	filter := func() graph.Filter {
		f := graph.Filter{MinConfidence: confidence(), KnownAt: date()}
		if rng.IntN(2) == 0 {
			f.Kinds = kinds(4)
		}
		if rng.IntN(2) == 0 {
			f.RelationTypes = pick(typeNames, 6)
		}
		if rng.IntN(2) == 0 {
			f.Window = window()
		}
		return f
	}
	words := []string{"alp", "Bravo", "societe", "pan", "typh", "zircon hai", "mari", "elodie", "kry", "lev", "ju", "silk violet", "MIN", "bur", "nav", "ørs", "x"}

	type question struct {
		name string
		ask  func(graph.Store) (any, error)
	}
	var questions []question
	for i := range 80 {
		q := graph.SearchQuery{Text: words[rng.IntN(len(words))], Kinds: kinds(2), Limit: 1 + rng.IntN(100)}
		questions = append(questions, question{fmt.Sprintf("search %d %+v", i, q), func(s graph.Store) (any, error) { return s.Search(ctx, q) }})
	}
	for i := range 40 {
		q := graph.ListQuery{Kinds: kinds(3), Limit: 1 + rng.IntN(50)}
		if rng.IntN(2) == 0 {
			q.After = id()
		}
		questions = append(questions, question{fmt.Sprintf("list %d %+v", i, q), func(s graph.Store) (any, error) { return s.List(ctx, q) }})
	}
	for i := range 60 {
		ids := []string{id(), id(), id()}[:1+rng.IntN(3)]
		q := graph.RelationQuery{Direction: []graph.Direction{graph.Out, graph.In, graph.Both}[rng.IntN(3)], Types: pick(typeNames, 3), Limit: 1 + rng.IntN(10)}
		questions = append(questions, question{fmt.Sprintf("relations %d %v %+v", i, ids, q), func(s graph.Store) (any, error) { return s.Relations(ctx, ids, q) }})
	}
	for i := range 100 {
		q := graph.NeighborhoodQuery{IDs: []string{id(), id()}[:1+rng.IntN(2)], Depth: rng.IntN(4),
			Limit: []int{3, 20, 200, 5000}[rng.IntN(4)], Filter: filter()}
		questions = append(questions, question{fmt.Sprintf("neighborhood %d %+v", i, q), func(s graph.Store) (any, error) { return s.Neighborhood(ctx, q) }})
	}
	for i := range 100 {
		q := graph.PathQuery{From: id(), To: id(), MaxLength: 1 + rng.IntN(5), Limit: 1 + rng.IntN(20)}
		if rng.IntN(3) == 0 {
			q.Filter = filter()
		}
		questions = append(questions, question{fmt.Sprintf("paths %d %+v", i, q), func(s graph.Store) (any, error) { return s.Paths(ctx, q) }})
	}
	for i := range 100 {
		q := graph.TimelineQuery{Kinds: kinds(3), Window: window(), MinConfidence: confidence(), KnownAt: date(),
			Offset: rng.IntN(3) * 20, Limit: 1 + rng.IntN(100)}
		if rng.IntN(2) == 0 {
			q.Entities = []string{id(), id()}
		}
		questions = append(questions, question{fmt.Sprintf("timeline %d %+v", i, q), func(s graph.Store) (any, error) { return s.Timeline(ctx, q) }})
	}

	failures, nonEmpty := 0, 0
	for _, q := range questions {
		want, err1 := q.ask(mem)
		got, err2 := q.ask(neo)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: memory error %v, neo4j error %v", q.name, err1, err2)
		}
		if !reflect.DeepEqual(got, want) {
			failures++
			if failures <= 5 {
				t.Errorf("%s:\nneo4j  %.1500v\nmemory %.1500v", q.name, got, want)
			}
		}
		if size(want) > 0 {
			nonEmpty++
		}
	}
	if failures > 0 {
		t.Fatalf("%d of %d answers differ", failures, len(questions))
	}
	if nonEmpty < len(questions)*2/5 {
		t.Fatalf("only %d of %d answers are not empty: the questions test too little", nonEmpty, len(questions))
	}
	t.Logf("%d questions (%d with a non-empty answer) on a graph of %d entities and %d relations: identical answers",
		len(questions), nonEmpty, len(b.Entities), len(b.Relations))
}

// size is how many things an answer holds.
func size(answer any) int {
	switch a := answer.(type) {
	case []graph.SearchHit:
		return len(a)
	case graph.EntityPage:
		return len(a.Entities)
	case map[string][]graph.Relation:
		return len(a)
	case graph.Subgraph:
		return len(a.Relations)
	case []graph.Path:
		return len(a)
	case graph.TimelinePage:
		return len(a.Items)
	}
	panic(fmt.Sprintf("unknown answer %T", answer))
}
