package memory

import (
	"context"
	"slices"

	"github.com/attribution-explorer/attribution/graph"
)

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

// reindex recomputes what is derived: sorted ids, known-from days, the
// relations of each entity, the search index.
// A new source date can change what is known of claims outside the batch, so
// it is done for the whole graph; it is linear and runs only on writes.
func (s *Store) reindex() {
	published := func(id string) graph.PartialDate { return s.sources[id].Published }
	s.ids = s.ids[:0]
	for id, e := range s.entities {
		s.ids = append(s.ids, id)
		e.known = graph.EntityKnownFrom(&e.Entity, published)
	}
	slices.Sort(s.ids)
	s.search.update(s.entities, s.ids)
	for _, r := range s.relations {
		r.known = graph.RelationKnownFrom(&r.Relation, graph.ActKnownFrom(&s.entities[r.From].Entity), published)
	}
	s.links = make(map[string][]*relation, len(s.adjacent))
	for id, rids := range s.adjacent {
		rs := make([]*relation, len(rids))
		for i, rid := range rids {
			rs[i] = s.relations[rid]
		}
		s.links[id] = rs
	}
	s.reindexGraph()
	s.reindexPages()
}

func (s *Store) unlink(entityID, relID string) {
	list := s.adjacent[entityID]
	if i, found := slices.BinarySearch(list, relID); found {
		s.adjacent[entityID] = slices.Delete(list, i, i+1)
	}
}

func insertSorted(list []string, id string) []string {
	i, found := slices.BinarySearch(list, id)
	if found {
		return list
	}
	return slices.Insert(list, i, id)
}

func (s *Store) Counts(ctx context.Context) (graph.Counts, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return graph.Counts{Entities: len(s.entities), Relations: len(s.relations), Sources: len(s.sources)}, nil
}
