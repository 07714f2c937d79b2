package memory

import (
	"context"
	"slices"

	"github.com/attribution-explorer/attribution/graph"
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

// List seeks to q.After by binary search in the sorted ids of each kind asked
// for, and merges the kinds' next ids.
func (s *Store) List(ctx context.Context, q graph.ListQuery) (graph.EntityPage, error) {
	if err := q.Check(); err != nil {
		return graph.EntityPage{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	lists := [][]string{s.ids}
	if len(q.Kinds) > 0 {
		lists = nil
		for _, k := range slices.Compact(slices.Sorted(slices.Values(q.Kinds))) {
			lists = append(lists, s.pages.byKind[k])
		}
	}
	page := graph.EntityPage{Entities: []graph.Entity{}}
	var ids []string
	for _, list := range lists {
		if q.Count {
			page.Total += len(list)
		}
		i, found := slices.BinarySearch(list, q.After)
		if found {
			i++
		}
		ids = append(ids, list[i:min(len(list), i+q.Limit+1)]...)
	}
	if len(lists) > 1 {
		slices.Sort(ids)
	}
	if len(ids) > q.Limit {
		ids, page.HasNext = ids[:q.Limit], true
	}
	for _, id := range ids {
		page.Entities = append(page.Entities, s.entities[id].Entity)
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
		for _, r := range s.links[id] {
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
