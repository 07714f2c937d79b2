package memory

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
func (s *Store) keptNeighbours(id string, f *graph.Filter, keepEnd func(string) bool, fn func(r *relation, other string)) {
	for _, rid := range s.adjacent[id] {
		r := s.relations[rid]
		if !f.KeepsRelation(&r.Relation, r.known) {
			continue
		}
		other := r.Other(id)
		if keepEnd(other) {
			fn(r, other)
		}
	}
}

func (s *Store) keepsEntity(f *graph.Filter) func(string) bool {
	return func(id string) bool {
		e := s.entities[id]
		return f.KeepsEntity(&e.Entity, e.known)
	}
}

func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
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
	keep := s.keepsEntity(&q.Filter)
	for level := 0; level < q.Depth && len(frontier) > 0 && !sub.Truncated; level++ {
		next := map[string]bool{}
		for _, id := range frontier {
			s.keptNeighbours(id, &q.Filter, keep, func(_ *relation, other string) {
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
		s.keptNeighbours(id, &q.Filter, func(other string) bool { return in[other] }, func(r *relation, _ string) {
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

func (s *Store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
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
	keepEntity := s.keepsEntity(&q.Filter)
	// Inner entities must pass the filter; the two ends always do.
	keep := func(id string) bool { return id == q.From || id == q.To || keepEntity(id) }
	distFrom := s.distances(q.From, q.MaxLength, &q.Filter, keep)
	length, found := distFrom[q.To]
	if !found {
		return paths, nil
	}
	distTo := s.distances(q.To, length, &q.Filter, keep)

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
		s.keptNeighbours(id, &q.Filter, keep, func(r *relation, other string) {
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
func (s *Store) distances(start string, max int, f *graph.Filter, keep func(string) bool) map[string]int {
	dist := map[string]int{start: 0}
	frontier := []string{start}
	for d := 1; d <= max && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			s.keptNeighbours(id, f, keep, func(_ *relation, other string) {
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

func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) (graph.TimelinePage, error) {
	if err := q.Check(); err != nil {
		return graph.TimelinePage{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	touch := map[string]bool{}
	for _, id := range q.Entities {
		touch[id] = true
	}
	var items []graph.TimelineItem
	for _, id := range s.ids {
		e := s.entities[id]
		if e.Start.IsZero() || !graph.OnTimeline(e.Kind) {
			continue
		}
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, e.Kind) {
			continue
		}
		if !q.Window.Overlaps(e.Start, e.End) || !graph.KnownBy(e.known, q.KnownAt) {
			continue
		}
		if len(touch) > 0 && !touch[id] && !s.touches(id, touch) {
			continue
		}
		ent := e.Entity
		items = append(items, graph.TimelineItem{ID: "entity:" + id, Date: e.Start, End: e.End, Title: e.Name, Entity: &ent})
	}
	for _, r := range s.relations {
		if r.Start.IsZero() || !graph.KeepsConfidence(r.Confidence, q.MinConfidence) {
			continue
		}
		from, to := s.entities[r.From], s.entities[r.To]
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, from.Kind) && !slices.Contains(q.Kinds, to.Kind) {
			continue
		}
		if !q.Window.Overlaps(r.Start, r.End) || !graph.KnownBy(r.known, q.KnownAt) {
			continue
		}
		if len(touch) > 0 && !touch[r.From] && !touch[r.To] {
			continue
		}
		rel := r.Relation
		items = append(items, graph.TimelineItem{ID: "relation:" + r.ID, Date: r.Start, End: r.End,
			Title: graph.RelationTitle(from.Name, r.Type, to.Name), Relation: &rel})
	}
	graph.SortTimeline(items)
	page := graph.TimelinePage{Total: len(items), Items: []graph.TimelineItem{}}
	if q.Offset < len(items) {
		items = items[q.Offset:]
		if len(items) > q.Limit {
			items, page.HasNext = items[:q.Limit], true
		}
		page.Items = items
	}
	return page, nil
}

// touches reports whether entity id has a relation to one of the entities in set.
func (s *Store) touches(id string, set map[string]bool) bool {
	for _, rid := range s.adjacent[id] {
		if set[s.relations[rid].Other(id)] {
			return true
		}
	}
	return false
}
