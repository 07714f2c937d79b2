package storetest

import (
	"fmt"
	"math/rand/v2"

	"github.com/attribution-explorer/attribution/graph"
)

// RandomGraph returns a valid batch of about n entities of every kind and
// 3n relations, with dates of every precision, undated claims, aliases with
// accents and sources with and without dates: the same graph for the same
// seed. The differential test and the benchmarks use it.
func RandomGraph(seed uint64, n int) graph.Batch {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	words := []string{"alpha", "bravo", "Société", "panda", "typhoon", "zircon", "hainan", "maritime",
		"Élodie", "kryptonite", "leviathan", "judgment", "silk", "violet", "ministry", "bureau", "naval", "ørsted"}
	name := func() string {
		s := words[rng.IntN(len(words))]
		for range rng.IntN(3) {
			s += " " + words[rng.IntN(len(words))]
		}
		return s
	}
	date := func() graph.PartialDate {
		y := 2010 + rng.IntN(12)
		switch rng.IntN(4) {
		case 0:
			return graph.PartialDate{}
		case 1:
			return graph.PartialDate{Year: y}
		case 2:
			return graph.PartialDate{Year: y, Month: 1 + rng.IntN(12)}
		}
		return graph.PartialDate{Year: y, Month: 1 + rng.IntN(12), Day: 1 + rng.IntN(28)}
	}
	var b graph.Batch
	nSources := 20 + n/50
	for i := range nSources {
		s := graph.Source{ID: fmt.Sprintf("src-%03d", i), Title: "Report " + name(), Language: "en"}
		if i%7 != 0 {
			s.Published = date()
			if s.Published.IsZero() {
				s.Published = graph.PartialDate{Year: 2015 + rng.IntN(8), Month: 1 + rng.IntN(12)}
			}
		}
		b.Sources = append(b.Sources, s)
	}
	sources := func() []string {
		out := []string{b.Sources[rng.IntN(nSources)].ID}
		if rng.IntN(3) == 0 {
			out = append(out, b.Sources[rng.IntN(nSources)].ID)
		}
		return out
	}
	for i := range n {
		k := graph.Kinds[rng.IntN(len(graph.Kinds))]
		e := graph.Entity{ID: fmt.Sprintf("e-%05d", i), Kind: k, Name: name() + fmt.Sprintf(" %d", i), Sources: sources()}
		for range rng.IntN(3) {
			e.Aliases = append(e.Aliases, name())
		}
		if graph.OnTimeline(k) || rng.IntN(4) == 0 {
			e.Start = date()
			if !e.Start.IsZero() && rng.IntN(3) == 0 {
				e.End = graph.PartialDate{Year: e.Start.Year + 1 + rng.IntN(3)}
			}
		}
		b.Entities = append(b.Entities, e)
	}
	for i := 0; len(b.Relations) < 3*n && i < 30*n; i++ {
		from, to := b.Entities[rng.IntN(n)], b.Entities[rng.IntN(n)]
		if from.ID == to.ID {
			continue
		}
		var allowed []string
		for _, t := range graph.Vocabulary {
			if t.Allows(from.Kind, to.Kind) {
				allowed = append(allowed, t.Name)
			}
		}
		r := graph.Relation{ID: fmt.Sprintf("r-%06d", len(b.Relations)), Type: allowed[rng.IntN(len(allowed))],
			From: from.ID, To: to.ID, Start: date(), Sources: sources()}
		if rng.IntN(2) == 0 {
			c := 5 * rng.IntN(21)
			r.Confidence = &c
		}
		if rng.IntN(4) == 0 {
			r.Role = "role " + words[rng.IntN(len(words))]
		}
		b.Relations = append(b.Relations, r)
	}
	return b
}
