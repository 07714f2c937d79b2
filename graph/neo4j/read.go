package neo4j

import (
	"context"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
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

// Search asks the full-text index for the entities where every word of the
// query begins a word of a name or alias, then ranks them with textmatch, as
// the memory store does.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	words := textmatch.Tokens(q.Text)
	if len(words) == 0 {
		return nil, nil // no words, no hits: nil, as when nothing matches below (and in the memory store)
	}
	// Words are letters and digits only (textmatch.Tokens), so nothing in
	// them is Lucene syntax; the query string is still a parameter.
	var lucene []string
	for _, w := range words {
		lucene = append(lucene, "+"+w+"*")
	}
	recs, err := s.read(ctx, `
		CALL db.index.fulltext.queryNodes('entity_labels', $lucene) YIELD node
		WHERE $kinds = [] OR node.kind IN $kinds
		RETURN node`, map[string]any{"lucene": strings.Join(lucene, " "), "kinds": kindStrings(q.Kinds)})
	if err != nil {
		return nil, err
	}
	var hits []graph.SearchHit
	for _, r := range recs {
		e := toEntity(node(r, "node"))
		if score, matched := textmatch.Best(words, e.Name, e.SearchLabels()); score > 0 {
			hits = append(hits, graph.SearchHit{Entity: e, Score: score, Matched: matched})
		}
	}
	return graph.TopHits(hits, q.Limit), nil
}

func (s *Store) List(ctx context.Context, q graph.ListQuery) (graph.EntityPage, error) {
	if err := q.Check(); err != nil {
		return graph.EntityPage{}, err
	}
	params := map[string]any{"kinds": kindStrings(q.Kinds), "after": q.After, "limit": q.Limit + 1}
	recs, err := s.read(ctx, `
		CALL () { MATCH (e:Entity) WHERE $kinds = [] OR e.kind IN $kinds RETURN count(e) AS total }
		CALL () {
			MATCH (e:Entity) WHERE e.id > $after AND ($kinds = [] OR e.kind IN $kinds)
			WITH e ORDER BY e.id LIMIT $limit
			RETURN collect(e) AS page
		}
		RETURN total, page`, params)
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
	recs, err := s.read(ctx, `
		UNWIND $ids AS id
		MATCH (e:Entity {id: id})-[r:REL]-()
		WHERE ($types = [] OR r.type IN $types)
		  AND ($direction = 'BOTH' OR ($direction = 'OUT') = (startNode(r) = e))
		WITH id, r ORDER BY r.id
		WITH id, collect(r)[..$limit] AS rels
		UNWIND rels AS r
		RETURN id, r, startNode(r).id AS from, endNode(r).id AS to`,
		map[string]any{"ids": unique(ids), "types": nonNil(q.Types), "direction": string(q.Direction), "limit": q.Limit})
	if err != nil {
		return nil, err
	}
	out := map[string][]graph.Relation{}
	for _, rec := range recs {
		id := value[string](rec, "id")
		out[id] = append(out[id], toRelation(rel(rec, "r"), value[string](rec, "from"), value[string](rec, "to")))
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
