package neo4j_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/neo4j"
	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
	"github.com/attribution-explorer/attribution/graph/storetest"
)

// TestDifferential loads one random graph into both stores and asks both the
// same few hundred random questions, some at the edges of the limits: the
// answers must be identical. Then both get the same invalid questions: both
// must refuse them, with the same message.
func TestDifferential(t *testing.T) {
	ctx := context.Background()
	const n = 3000
	b := storetest.SearchGraph(42, n) // RandomGraph, with external ids and aliases of digits and punctuation
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

	var questions []question
	for i := range 80 {
		q := graph.SearchQuery{Text: words[rng.IntN(len(words))], Kinds: kinds(2), Limit: 1 + rng.IntN(100)}
		questions = append(questions, question{fmt.Sprintf("search %d %+v", i, q), func(s graph.Store) (any, error) { return s.Search(ctx, q) }})
	}
	// Searches as users type them: exact names and aliases however spelt,
	// prefixes, words, typos, external ids; and broad ones with the largest
	// page, whose last hits tie with many others (the Neo4j store then asks
	// for them apart).
	searches := storetest.SearchQueries(rand.New(rand.NewPCG(13, 17)), b, 300)
	for _, text := range []string{"a", "p", "pan", "typhon", "zircn", "silk", "mari", "apt", "t1", "cve 20", "g0"} {
		searches = append(searches, graph.SearchQuery{Text: text, Limit: graph.MaxSearch},
			graph.SearchQuery{Text: text, Limit: 7, Kinds: []graph.Kind{graph.ThreatActor, graph.Technique, graph.Vulnerability}})
	}
	groupsBefore := neo4j.SearchGroups.Load()
	for i, q := range searches {
		questions = append(questions, question{fmt.Sprintf("search %d %+v", 80+i, q), func(s graph.Store) (any, error) { return s.Search(ctx, q) }})
		// The same without a window past the page: Neo4j asks for the hits
		// that tie with the last apart whenever the page ends in a tie.
		questions = append(questions, question{fmt.Sprintf("search without a window %d %+v", 80+i, q), func(s graph.Store) (any, error) {
			defer func(w int) { *neo4j.SearchWindow = w }(*neo4j.SearchWindow)
			*neo4j.SearchWindow = 0
			return s.Search(ctx, q)
		}})
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

	for i := range 20 {
		ids := pick(allIDs(b), 60)
		if rng.IntN(2) == 0 {
			ids = append(ids, "missing", ids[0])
		}
		questions = append(questions, question{fmt.Sprintf("entities %d %v", i, ids), func(s graph.Store) (any, error) { return s.Entities(ctx, ids) }})
	}
	for i := range 10 {
		ids := []string{b.Sources[rng.IntN(len(b.Sources))].ID, "missing", b.Sources[rng.IntN(len(b.Sources))].ID}
		questions = append(questions, question{fmt.Sprintf("sources %d %v", i, ids), func(s graph.Store) (any, error) { return s.Sources(ctx, ids) }})
	}
	valid := len(questions)
	questions = append(questions, edgeQuestions(ctx, b)...)
	edges := len(questions) - valid
	questions = append(questions, invalidQuestions(ctx, rng, b)...)

	failures, nonEmpty, refused := 0, 0, 0
	fail := func(format string, args ...any) {
		failures++
		if failures <= 5 {
			t.Errorf(format, args...)
		}
	}
	for i, q := range questions {
		want, err1 := q.ask(mem)
		got, err2 := q.ask(neo)
		invalid := i >= valid+edges
		switch {
		case err1 != nil || err2 != nil:
			// Both stores must refuse the invalid questions, and only them, as
			// invalid input and with the same words.
			if !invalid || !graph.IsInvalid(err1) || !graph.IsInvalid(err2) || err1.Error() != err2.Error() {
				fail("%s:\nneo4j  error %v\nmemory error %v", q.name, err2, err1)
			}
			refused++
		case invalid:
			t.Fatalf("%s: the question is meant to be invalid, but both stores answered it", q.name)
		case !reflect.DeepEqual(got, want):
			fail("%s:\nneo4j  %.1500v\nmemory %.1500v", q.name, got, want)
		case size(want) > 0:
			nonEmpty++
		}
	}
	if failures > 0 {
		t.Fatalf("%d of %d questions got different answers or errors", failures, len(questions))
	}
	if groups := neo4j.SearchGroups.Load() - groupsBefore; groups < 100 {
		t.Fatalf("only %d searches asked for a group of hits apart: the questions test too little of search", groups)
	}
	if nonEmpty < valid*2/5 {
		t.Fatalf("only %d of %d answers are not empty: the questions test too little", nonEmpty, valid)
	}
	t.Logf("%d questions (%d with a non-empty answer, %d at the edges of the limits, %d invalid) on a graph of %d entities and %d relations: "+
		"identical answers, and identical errors for the %d refused", len(questions), nonEmpty, edges, len(questions)-valid-edges,
		len(b.Entities), len(b.Relations), refused)
}

type question struct {
	name string
	ask  func(graph.Store) (any, error)
}

func allIDs(b graph.Batch) []string {
	ids := make([]string, len(b.Entities))
	for i, e := range b.Entities {
		ids[i] = e.ID
	}
	return ids
}

// edgeQuestions ask for what the limits still allow: every bound at its
// largest or smallest valid value, a search without words.
func edgeQuestions(ctx context.Context, b graph.Batch) []question {
	ids := allIDs(b)
	d := graph.MustDate
	full := func(n int) *int { return &n }
	var qs []question
	add := func(name string, ask func(graph.Store) (any, error)) { qs = append(qs, question{"edge: " + name, ask}) }
	add("1000 entities", func(s graph.Store) (any, error) { return s.Entities(ctx, ids[:graph.MaxIDs]) })
	add("search of 200 characters", func(s graph.Store) (any, error) {
		return s.Search(ctx, graph.SearchQuery{Text: strings.Repeat("alp ", 50), Limit: graph.MaxSearch})
	})
	add("search without words", func(s graph.Store) (any, error) { return s.Search(ctx, graph.SearchQuery{Text: "-- ...", Limit: 10}) })
	add("largest list page", func(s graph.Store) (any, error) { return s.List(ctx, graph.ListQuery{Limit: graph.MaxPage}) })
	add("list after the last id", func(s graph.Store) (any, error) { return s.List(ctx, graph.ListQuery{After: "zzz", Limit: 3}) })
	add("list after an unknown id", func(s graph.Store) (any, error) { return s.List(ctx, graph.ListQuery{After: "e-01500x", Limit: 3}) })
	add("relations of 1000 entities", func(s graph.Store) (any, error) {
		return s.Relations(ctx, ids[:graph.MaxIDs], graph.RelationQuery{Direction: graph.Both, Limit: graph.MaxRelations})
	})
	add("deepest neighbourhood", func(s graph.Store) (any, error) {
		return s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: ids[:2], Depth: graph.MaxDepth, Limit: graph.MaxNodes})
	})
	add("neighbourhood of one node", func(s graph.Store) (any, error) {
		return s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: ids[:3], Depth: graph.MaxDepth, Limit: 1})
	})
	add("neighbourhood, confidence 100 and a one-day window", func(s graph.Store) (any, error) {
		return s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: ids[:20], Depth: 2, Limit: 500,
			Filter: graph.Filter{MinConfidence: full(100), Window: graph.Window{From: d("2015-06"), To: d("2015-06-01")}}})
	})
	add("longest paths", func(s graph.Store) (any, error) {
		return s.Paths(ctx, graph.PathQuery{From: ids[0], To: ids[1], MaxLength: graph.MaxPathLength, Limit: graph.MaxPaths})
	})
	add("paths, confidence 0", func(s graph.Store) (any, error) {
		return s.Paths(ctx, graph.PathQuery{From: ids[2], To: ids[3], MaxLength: graph.MaxPathLength, Limit: graph.MaxPaths,
			Filter: graph.Filter{MinConfidence: full(0)}})
	})
	add("farthest timeline page", func(s graph.Store) (any, error) {
		return s.Timeline(ctx, graph.TimelineQuery{Offset: graph.MaxOffset, Limit: graph.MaxPage})
	})
	add("largest timeline page", func(s graph.Store) (any, error) {
		return s.Timeline(ctx, graph.TimelineQuery{Entities: ids[:graph.MaxIDs], Limit: graph.MaxPage, MinConfidence: full(0)})
	})
	add("timeline, confidence 100, a window of one day", func(s graph.Store) (any, error) {
		return s.Timeline(ctx, graph.TimelineQuery{Window: graph.Window{From: d("2016"), To: d("2016-01-01")}, MinConfidence: full(100), Limit: 50})
	})
	return qs
}

// invalidQuestions break one to three arguments of otherwise sound
// questions, so that the stores must agree on which problem they report.
func invalidQuestions(ctx context.Context, rng *rand.Rand, b graph.Batch) []question {
	ids := allIDs(b)
	d := graph.MustDate
	oneOf := func(xs ...int) int { return xs[rng.IntN(len(xs))] }
	tooMany := func() []string { return ids[:graph.MaxIDs+1] }
	// breaks applies 1 to 3 of the breakages, at least one of them.
	breaks := func(bs ...func()) {
		for _, i := range rng.Perm(len(bs))[:1+rng.IntN(min(3, len(bs)))] {
			bs[i]()
		}
	}
	badKinds := func(ks []graph.Kind) []graph.Kind {
		return append(ks, graph.Kind([]string{"BOGUS", "threat_actor", ""}[rng.IntN(3)]))
	}
	badConfidence := func() *int { c := oneOf(-1, 101, -1000, math.MaxInt); return &c }
	reversed := func() graph.Window {
		return []graph.Window{{From: d("2021-07"), To: d("2021-06-30")}, {From: d("2020"), To: d("2019-12")},
			{From: d("2015-03-02"), To: d("2015-03-01")}}[rng.IntN(3)]
	}
	breakFilter := func(f *graph.Filter) []func() {
		return []func(){
			func() { f.Kinds = badKinds(f.Kinds) },
			func() { f.RelationTypes = append(f.RelationTypes, []string{"LIKES", "targeted", ""}[rng.IntN(3)]) },
			func() { f.MinConfidence = badConfidence() },
			func() { f.Window = reversed() },
		}
	}
	var qs []question
	add := func(name string, q any, ask func(graph.Store) (any, error)) {
		qs = append(qs, question{fmt.Sprintf("invalid %s %d %+v", name, len(qs), q), ask})
	}
	for range 20 {
		q := graph.SearchQuery{Text: "alp", Limit: 10}
		breaks(
			func() {
				q.Text = []string{"", "   ", "\t\n", strings.Repeat("x", 201), strings.Repeat("alp ", 60)}[rng.IntN(5)]
			},
			func() { q.Kinds = append(q.Kinds, "BOGUS") },
			func() { q.Limit = oneOf(0, -1, graph.MaxSearch+1, math.MinInt) },
		)
		add("search", q, func(s graph.Store) (any, error) { return s.Search(ctx, q) })
	}
	for range 10 {
		q := graph.ListQuery{After: ids[rng.IntN(len(ids))], Limit: 10}
		breaks(
			func() { q.Kinds = append(q.Kinds, graph.Event, "event") },
			func() { q.Limit = oneOf(0, -5, graph.MaxPage+1) },
		)
		add("list", q, func(s graph.Store) (any, error) { return s.List(ctx, q) })
	}
	for range 20 {
		rids, q := ids[:2], graph.RelationQuery{Direction: graph.Both, Limit: 10}
		breaks(
			func() { rids = tooMany() },
			func() { q.Direction = graph.Direction([]string{"", "out", "UP", "BOTH "}[rng.IntN(4)]) },
			func() { q.Limit = oneOf(0, -1, graph.MaxRelations+1) },
		)
		add(fmt.Sprintf("relations of %d ids", len(rids)), q, func(s graph.Store) (any, error) { return s.Relations(ctx, rids, q) })
	}
	for range 30 {
		q := graph.NeighborhoodQuery{IDs: ids[:1], Depth: 2, Limit: 100}
		breaks(append(breakFilter(&q.Filter),
			func() { q.IDs = [][]string{nil, {}, tooMany()}[rng.IntN(3)] },
			func() { q.Depth = oneOf(-1, graph.MaxDepth+1, math.MaxInt) },
			func() { q.Limit = oneOf(0, -1, graph.MaxNodes+1) },
		)...)
		add("neighborhood", q, func(s graph.Store) (any, error) { return s.Neighborhood(ctx, q) })
	}
	for range 30 {
		q := graph.PathQuery{From: ids[0], To: ids[1], MaxLength: 3, Limit: 5}
		if rng.IntN(4) == 0 {
			q.To = q.From
		}
		breaks(append(breakFilter(&q.Filter),
			func() { q.MaxLength = oneOf(0, -1, graph.MaxPathLength+1) },
			func() { q.Limit = oneOf(0, -1, graph.MaxPaths+1) },
		)...)
		add("paths", q, func(s graph.Store) (any, error) { return s.Paths(ctx, q) })
	}
	for range 30 {
		q := graph.TimelineQuery{Limit: 20}
		breaks(
			func() { q.Entities = tooMany() },
			func() { q.Kinds = badKinds(q.Kinds) },
			func() { q.MinConfidence = badConfidence() },
			func() { q.Window = reversed() },
			func() { q.Offset = oneOf(-1, math.MinInt, graph.MaxOffset+1, math.MaxInt) },
			func() { q.Limit = oneOf(0, -1, graph.MaxPage+1) },
		)
		add("timeline", q, func(s graph.Store) (any, error) { return s.Timeline(ctx, q) })
	}
	add("entities", len(tooMany()), func(s graph.Store) (any, error) { return s.Entities(ctx, tooMany()) })
	add("sources", len(tooMany()), func(s graph.Store) (any, error) { return s.Sources(ctx, tooMany()) })
	return qs
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
	case []graph.Entity:
		return len(a)
	case []graph.Source:
		return len(a)
	}
	panic(fmt.Sprintf("unknown answer %T", answer))
}
