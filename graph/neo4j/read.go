package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
)

func (s *Store) Entities(ctx context.Context, ids []string) ([]graph.Entity, error) {
	if err := graph.CheckIDs(ids); err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, `UNWIND $ids AS id MATCH (e:Entity {id: id}) RETURN e`,
		map[string]any{"ids": unique(ids)})
	if err != nil {
		return nil, err
	}
	out := []graph.Entity{}
	for _, r := range recs {
		out = append(out, toEntity(node(r, "e")))
	}
	return out, nil
}

func (s *Store) Sources(ctx context.Context, ids []string) ([]graph.Source, error) {
	if err := graph.CheckIDs(ids); err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, `UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN s`,
		map[string]any{"ids": unique(ids)})
	if err != nil {
		return nil, err
	}
	out := []graph.Source{}
	for _, r := range recs {
		out = append(out, toSource(node(r, "s")))
	}
	return out, nil
}

// List reads a page in id order from an index, from q.After: the unique
// index of ids, or the composite index (kind, id) for each kind asked for,
// whose pages merge. The count is a separate pass, made only when q.Count
// asks for it.
func (s *Store) List(ctx context.Context, q graph.ListQuery) (graph.EntityPage, error) {
	if err := q.Check(); err != nil {
		return graph.EntityPage{}, err
	}
	kinds := kindStrings(slices.Compact(slices.Sorted(slices.Values(q.Kinds))))
	params := map[string]any{"kinds": kinds, "after": q.After, "limit": q.Limit + 1}
	query := `
		CALL () {
			MATCH (e:Entity) WHERE e.id > $after
			WITH e ORDER BY e.id LIMIT $limit
			RETURN collect(e) AS page
		}`
	count := `MATCH (e:Entity) RETURN count(e) AS total`
	if len(kinds) > 0 {
		// One ordered seek of (kind, id) per kind, each a parameter: the
		// planner keeps the index order only for a kind it knows, and when
		// the order names both properties (of one kind, the same order).
		var branches []string
		for i, k := range kinds {
			params[fmt.Sprint("kind", i)] = k
			branches = append(branches, fmt.Sprintf(`MATCH (e:Entity) USING INDEX e:Entity(kind, id)
				WHERE e.kind = $kind%d AND e.id > $after
				WITH e ORDER BY e.kind, e.id LIMIT $limit
				RETURN e`, i))
		}
		query = `
			CALL () {
				CALL () {
					` + strings.Join(branches, "\nUNION ALL\n") + `
				}
				WITH e ORDER BY e.id LIMIT $limit
				RETURN collect(e) AS page
			}`
		count = `MATCH (e:Entity) WHERE e.kind IN $kinds RETURN count(e) AS total`
	}
	total := "0"
	if q.Count {
		query = `CALL () { ` + count + ` }` + query
		total = "total"
	}
	recs, err := s.read(ctx, query+` RETURN `+total+` AS total, page`, params)
	if err != nil {
		return graph.EntityPage{}, err
	}
	page := graph.EntityPage{Entities: []graph.Entity{}, Total: int(value[int64](recs[0], "total"))}
	for _, n := range value[[]any](recs[0], "page") {
		page.Entities = append(page.Entities, toEntity(n.(neoNode).Props))
	}
	if len(page.Entities) > q.Limit {
		page.Entities, page.HasNext = page.Entities[:q.Limit], true
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
	// One ordered top-q.Limit per entity; the direction is in the pattern.
	pattern := map[graph.Direction]string{graph.Out: "(e)-[r:REL]->(o)", graph.In: "(e)<-[r:REL]-(o)", graph.Both: "(e)-[r:REL]-(o)"}[q.Direction]
	where := "true"
	if len(q.Types) > 0 {
		where = "r.type IN $types"
	}
	recs, err := s.read(ctx, `
		UNWIND $ids AS id
		MATCH (e:Entity {id: id})
		CALL (e) {
			MATCH `+pattern+`
			WITH DISTINCT r, o WHERE `+where+` // a horizon: expand from e, never seek r by type
			RETURN r, o.id AS other, startNode(r) = e AS out ORDER BY r.id LIMIT $limit
		}
		RETURN id, r, other, out`,
		map[string]any{"ids": unique(ids), "types": nonNil(q.Types), "limit": q.Limit})
	if err != nil {
		return nil, err
	}
	out := map[string][]graph.Relation{}
	for _, rec := range recs {
		id, other := value[string](rec, "id"), value[string](rec, "other")
		from, to := id, other
		if !value[bool](rec, "out") {
			from, to = other, id
		}
		out[id] = append(out[id], toRelation(rel(rec, "r"), from, to))
	}
	return out, nil
}

func unique(ids []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func kindStrings(ks []graph.Kind) []string {
	out := []string{}
	for _, k := range ks {
		out = append(out, string(k))
	}
	return out
}
