package memory

// The traversals as they were before the integer adjacency (traverse.go),
// kept as the reference the new ones are compared with (traverse_test.go).

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
)

// keptNeighbours calls fn for every relation of id the filter keeps whose
// other end the filter keeps too, in relation id order.
func (s *Store) refKeptNeighbours(id string, f *graph.Filter, keepEnd func(string) bool, fn func(r *relation, other string)) {
	for _, r := range s.links[id] {
		if !f.KeepsRelation(&r.Relation, r.known) {
			continue
		}
		other := r.Other(id)
		if keepEnd(other) {
			fn(r, other)
		}
	}
}

func (s *Store) refKeepsEntity(f *graph.Filter) func(string) bool {
	return func(id string) bool {
		e := s.entities[id]
		return f.KeepsEntity(&e.Entity, e.known)
	}
}

func (s *Store) refNeighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	if err := q.Check(); err != nil {
		return graph.Subgraph{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	sub := graph.Subgraph{Entities: []graph.Entity{}, Relations: []graph.Relation{}}
	var seeds []string
	for _, id := range slices.Compact(slices.Sorted(slices.Values(q.IDs))) {
		if _, ok := s.entities[id]; ok {
			seeds = append(seeds, id)
		}
	}
	in := map[string]bool{}
	frontier, truncated := graph.Admit(in, seeds, q.Limit)
	sub.Truncated = truncated
	keep := s.refKeepsEntity(&q.Filter)
	for level := 0; level < q.Depth && len(frontier) > 0 && !sub.Truncated; level++ {
		next := map[string]bool{}
		for _, id := range frontier {
			s.refKeptNeighbours(id, &q.Filter, keep, func(_ *relation, other string) {
				if !in[other] {
					next[other] = true
				}
			})
		}
		frontier, sub.Truncated = graph.Admit(in, slices.Sorted(maps.Keys(next)), q.Limit)
	}
	maxEdges := graph.EdgesPerNode * q.Limit
	edges := map[string]bool{}
	for id := range in {
		s.refKeptNeighbours(id, &q.Filter, func(other string) bool { return in[other] }, func(r *relation, _ string) {
			edges[r.ID] = true
		})
	}
	for _, rid := range slices.Sorted(maps.Keys(edges)) {
		if len(sub.Relations) == maxEdges {
			sub.Truncated = true
			break
		}
		sub.Relations = append(sub.Relations, s.relations[rid].Relation)
	}
	for _, id := range slices.Sorted(maps.Keys(in)) {
		sub.Entities = append(sub.Entities, s.entities[id].Entity)
	}
	return sub, nil
}

func (s *Store) refPaths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	from, ok1 := s.entities[q.From]
	_, ok2 := s.entities[q.To]
	paths := []graph.Path{}
	if !ok1 || !ok2 {
		return paths, nil
	}
	if q.From == q.To {
		return append(paths, graph.Path{Entities: []graph.Entity{from.Entity}, Relations: []graph.Relation{}}), nil
	}
	keepEntity := s.refKeepsEntity(&q.Filter)
	// Inner entities must pass the filter; the two ends always do.
	keep := func(id string) bool { return id == q.From || id == q.To || keepEntity(id) }
	distFrom := s.refDistances(q.From, q.MaxLength, &q.Filter, keep)
	length, found := distFrom[q.To]
	if !found {
		return paths, nil
	}
	distTo := s.refDistances(q.To, length, &q.Filter, keep)

	// Walk the shortest-path DAG depth first, choosing the next hop by
	// (entity id, relation id), which yields paths in graph.ComparePaths order.
	type hop struct {
		rel   *relation
		other string
	}
	var walk func(id string, ents []string, rels []*relation) bool
	walk = func(id string, ents []string, rels []*relation) bool {
		if id == q.To {
			p := graph.Path{}
			for _, e := range ents {
				p.Entities = append(p.Entities, s.entities[e].Entity)
			}
			for _, r := range rels {
				p.Relations = append(p.Relations, r.Relation)
			}
			paths = append(paths, p)
			return len(paths) == q.Limit
		}
		var hops []hop
		s.refKeptNeighbours(id, &q.Filter, keep, func(r *relation, other string) {
			if d, ok := distTo[other]; ok && d == length-len(rels)-1 && distFrom[other] == len(rels)+1 {
				hops = append(hops, hop{r, other})
			}
		})
		slices.SortFunc(hops, func(a, b hop) int {
			return cmp.Or(strings.Compare(a.other, b.other), strings.Compare(a.rel.ID, b.rel.ID))
		})
		for _, h := range hops {
			if walk(h.other, append(ents, h.other), append(rels, h.rel)) {
				return true
			}
		}
		return false
	}
	walk(q.From, []string{q.From}, nil)
	return paths, nil
}

// distances is a breadth-first search from start over kept relations and entities, up to max hops.
func (s *Store) refDistances(start string, max int, f *graph.Filter, keep func(string) bool) map[string]int {
	dist := map[string]int{start: 0}
	frontier := []string{start}
	for d := 1; d <= max && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			s.refKeptNeighbours(id, f, keep, func(_ *relation, other string) {
				if _, seen := dist[other]; !seen {
					dist[other] = d
					next = append(next, other)
				}
			})
		}
		frontier = next
	}
	return dist
}
