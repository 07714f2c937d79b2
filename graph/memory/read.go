package memory

import (
	"context"
	"slices"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
)

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
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, e.Kind) {
			continue
		}
		if score, matched := textmatch.BestTokens(query, e.labels, e.Name, e.SearchLabels()); score > 0 {
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
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, e.Kind) {
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
			if len(q.Types) > 0 && !slices.Contains(q.Types, r.Type) {
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
