// Package memory is the embedded graph.Store: maps behind a RWMutex. It is the
// default when no Neo4j is configured, and fast enough for tens of thousands
// of entities.
package memory

import (
	"context"
	"sort"
	"sync"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
)

// Store is an in-memory graph.Store. The zero value is not usable; call New.
type Store struct {
	mu        sync.RWMutex
	sources   map[string]graph.Source
	entities  map[string]*entity
	relations map[string]*relation
	ids       []string            // entity ids, sorted
	adjacent  map[string][]string // entity id -> ids of its relations, sorted
}

type entity struct {
	graph.Entity
	known  int        // graph.KnownFrom of its sources
	labels [][]string // folded tokens of name and aliases, for search pre-filtering
}

type relation struct {
	graph.Relation
	known int
}

// New returns an empty store.
func New() *Store {
	return &Store{
		sources:   map[string]graph.Source{},
		entities:  map[string]*entity{},
		relations: map[string]*relation{},
		adjacent:  map[string][]string{},
	}
}

var _ graph.Store = (*Store)(nil)

func (s *Store) Close() error                   { return nil }
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// EntityKind and HasSource make the store a graph.Existing; callers hold the lock.
func (s *Store) EntityKind(id string) graph.Kind {
	if e, ok := s.entities[id]; ok {
		return e.Kind
	}
	return ""
}

func (s *Store) HasSource(id string) bool { _, ok := s.sources[id]; return ok }

// Upsert validates the batch against the batch and the store, then writes it.
func (s *Store) Upsert(ctx context.Context, b graph.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := b.Check(s); err != nil {
		return err
	}
	for _, src := range b.Sources {
		s.sources[src.ID] = src
	}
	for _, e := range b.Entities {
		e.Normalize()
		s.entities[e.ID] = &entity{Entity: e}
	}
	for _, r := range b.Relations {
		r.Normalize()
		if old, ok := s.relations[r.ID]; ok {
			s.unlink(old.From, r.ID)
			s.unlink(old.To, r.ID)
		}
		s.relations[r.ID] = &relation{Relation: r}
		s.adjacent[r.From] = insertSorted(s.adjacent[r.From], r.ID)
		s.adjacent[r.To] = insertSorted(s.adjacent[r.To], r.ID)
	}
	s.reindex()
	return nil
}

// reindex recomputes what is derived: sorted ids, known-from days, search labels.
// A new source date can change what is known of claims outside the batch, so
// it is done for the whole graph; it is linear and runs only on writes.
func (s *Store) reindex() {
	published := func(id string) graph.PartialDate { return s.sources[id].Published }
	s.ids = s.ids[:0]
	for id, e := range s.entities {
		s.ids = append(s.ids, id)
		e.known = graph.KnownFrom(e.Sources, published)
		e.labels = e.labels[:0]
		e.labels = append(e.labels, textmatch.Tokens(e.Name))
		for _, a := range e.Aliases {
			e.labels = append(e.labels, textmatch.Tokens(a))
		}
	}
	sort.Strings(s.ids)
	for _, r := range s.relations {
		r.known = graph.KnownFrom(r.Sources, published)
	}
}

func (s *Store) unlink(entityID, relID string) {
	list := s.adjacent[entityID]
	if i := sort.SearchStrings(list, relID); i < len(list) && list[i] == relID {
		s.adjacent[entityID] = append(list[:i], list[i+1:]...)
	}
}

func insertSorted(list []string, id string) []string {
	i := sort.SearchStrings(list, id)
	if i < len(list) && list[i] == id {
		return list
	}
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = id
	return list
}

func (s *Store) Counts(ctx context.Context) (graph.Counts, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return graph.Counts{Entities: len(s.entities), Relations: len(s.relations), Sources: len(s.sources)}, nil
}

func (s *Store) Entities(ctx context.Context, ids []string) ([]graph.Entity, error) {
	if err := graph.CheckIDs(ids); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []graph.Entity{}
	seen := map[string]bool{}
	for _, id := range ids {
		if e, ok := s.entities[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, e.Entity)
		}
	}
	return out, nil
}

func (s *Store) Sources(ctx context.Context, ids []string) ([]graph.Source, error) {
	if err := graph.CheckIDs(ids); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []graph.Source{}
	seen := map[string]bool{}
	for _, id := range ids {
		if src, ok := s.sources[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, src)
		}
	}
	return out, nil
}

func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	query := textmatch.Tokens(q.Text)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var hits []graph.SearchHit
	for _, id := range s.ids {
		e := s.entities[id]
		if len(q.Kinds) > 0 && !graph.HasKind(q.Kinds, e.Kind) {
			continue
		}
		if score, matched := textmatch.BestTokens(query, e.labels, e.Name, e.Aliases); score > 0 {
			hits = append(hits, graph.SearchHit{Entity: e.Entity, Score: score, Matched: matched})
		}
	}
	return graph.TopHits(hits, q.Limit), nil
}

func (s *Store) List(ctx context.Context, q graph.ListQuery) (graph.EntityPage, error) {
	if err := q.Check(); err != nil {
		return graph.EntityPage{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	page := graph.EntityPage{Entities: []graph.Entity{}}
	for _, id := range s.ids {
		e := s.entities[id]
		if len(q.Kinds) > 0 && !graph.HasKind(q.Kinds, e.Kind) {
			continue
		}
		page.Total++
		if id <= q.After {
			continue
		}
		if len(page.Entities) == q.Limit {
			page.HasNext = true
			continue
		}
		page.Entities = append(page.Entities, e.Entity)
	}
	return page, nil
}

func (s *Store) Relations(ctx context.Context, ids []string, q graph.RelationQuery) (map[string][]graph.Relation, error) {
	if err := graph.CheckIDs(ids); err != nil {
		return nil, err
	}
	if err := q.Check(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string][]graph.Relation{}
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		var list []graph.Relation
		for _, rid := range s.adjacent[id] {
			r := s.relations[rid]
			if (q.Direction == graph.Out && r.From != id) || (q.Direction == graph.In && r.To != id) {
				continue
			}
			if len(q.Types) > 0 && !containsString(q.Types, r.Type) {
				continue
			}
			if len(list) == q.Limit {
				break
			}
			list = append(list, r.Relation)
		}
		if len(list) > 0 {
			out[id] = list
		}
	}
	return out, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

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
	for _, id := range sortedUnique(q.IDs) {
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
		frontier, sub.Truncated = graph.Admit(in, sortedKeys(next), q.Limit)
	}
	maxEdges := graph.EdgesPerNode * q.Limit
	edges := map[string]bool{}
	for id := range in {
		s.keptNeighbours(id, &q.Filter, func(other string) bool { return in[other] }, func(r *relation, _ string) {
			edges[r.ID] = true
		})
	}
	for _, rid := range sortedKeys(edges) {
		if len(sub.Relations) == maxEdges {
			sub.Truncated = true
			break
		}
		sub.Relations = append(sub.Relations, s.relations[rid].Relation)
	}
	for _, id := range sortedKeys(in) {
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
		sort.Slice(hops, func(i, j int) bool {
			if hops[i].other != hops[j].other {
				return hops[i].other < hops[j].other
			}
			return hops[i].rel.ID < hops[j].rel.ID
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
		if len(q.Kinds) > 0 && !graph.HasKind(q.Kinds, e.Kind) {
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
		if len(q.Kinds) > 0 && !graph.HasKind(q.Kinds, from.Kind) && !graph.HasKind(q.Kinds, to.Kind) {
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

func sortedUnique(ids []string) []string {
	set := map[string]bool{}
	for _, id := range ids {
		set[id] = true
	}
	return sortedKeys(set)
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
