package neo4j

import (
	"context"
	"slices"
	"sort"
	"strconv"

	"github.com/attribution-explorer/attribution/graph"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The filter rules of graph/filter.go, in Cypher: a relation r or entity e is
// kept when its type or kind is wanted, its span [lo, hi] overlaps the window
// [$wlo, $whi] (undated things span everything), its confidence is high
// enough, and one of its sources was public by $knownAt (a day number, or
// null for no such filter). All of them are range predicates on indexed
// properties.
const (
	keepsRelation = `($types = [] OR r.type IN $types)
		AND ($minConfidence IS NULL OR r.confidence >= $minConfidence)
		AND r.lo <= $whi AND r.hi >= $wlo
		AND ($knownAt IS NULL OR r.known <= $knownAt)`
	keepsEntity = `($kinds = [] OR e.kind IN $kinds)
		AND e.lo <= $whi AND e.hi >= $wlo
		AND ($knownAt IS NULL OR e.known <= $knownAt)`
)

// filterParams are the parameters of keepsRelation and keepsEntity.
func filterParams(f graph.Filter) map[string]any {
	wlo, whi := f.Window.Bounds()
	p := map[string]any{"types": nonNil(f.RelationTypes), "kinds": kindStrings(f.Kinds), "wlo": wlo, "whi": whi,
		"minConfidence": nil, "knownAt": nil}
	if f.MinConfidence != nil {
		p["minConfidence"] = *f.MinConfidence
	}
	if !f.KnownAt.IsZero() {
		p["knownAt"] = f.KnownAt.Last()
	}
	return p
}

// Neighborhood expands level by level, one query per level, so that the
// limit cuts each level in id order exactly as the memory store does.
func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	if err := q.Check(); err != nil {
		return graph.Subgraph{}, err
	}
	sub := graph.Subgraph{Entities: []graph.Entity{}, Relations: []graph.Relation{}}
	seeds, err := s.read(ctx, `UNWIND $ids AS id MATCH (e:Entity {id: id}) RETURN e.id AS id ORDER BY id`,
		map[string]any{"ids": unique(q.IDs)})
	if err != nil {
		return sub, err
	}
	in := map[string]bool{}
	frontier, truncated := graph.Admit(in, column[string](seeds, "id"), q.Limit)
	sub.Truncated = truncated
	params := filterParams(q.Filter)
	for level := 0; level < q.Depth && len(frontier) > 0 && !sub.Truncated; level++ {
		params["frontier"] = frontier
		recs, err := s.read(ctx, `
			UNWIND $frontier AS id
			MATCH (:Entity {id: id})-[r:REL]-(e:Entity)
			WHERE `+keepsRelation+` AND `+keepsEntity+`
			RETURN DISTINCT e.id AS id ORDER BY id`, params)
		if err != nil {
			return sub, err
		}
		frontier, sub.Truncated = graph.Admit(in, column[string](recs, "id"), q.Limit)
	}
	ids := make([]string, 0, len(in))
	for id := range in {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	maxEdges := graph.EdgesPerNode * q.Limit
	params["ids"], params["maxEdges"] = ids, maxEdges+1
	recs, err := s.read(ctx, `
		CALL () {
			UNWIND $ids AS id MATCH (e:Entity {id: id}) RETURN collect(e) AS nodes
		}
		CALL () {
			UNWIND $ids AS id
			MATCH (a:Entity {id: id})-[r:REL]->(b:Entity)
			WHERE b.id IN $ids AND `+keepsRelation+`
			WITH r, a.id AS from, b.id AS to ORDER BY r.id LIMIT $maxEdges
			RETURN collect([r, from, to]) AS edges
		}
		RETURN nodes, edges`, params)
	if err != nil {
		return sub, err
	}
	for _, n := range value[[]any](recs[0], "nodes") {
		sub.Entities = append(sub.Entities, toEntity(n.(driver.Node).Props))
	}
	for _, x := range value[[]any](recs[0], "edges") {
		e := x.([]any)
		if len(sub.Relations) == maxEdges {
			sub.Truncated = true
			break
		}
		sub.Relations = append(sub.Relations, toRelation(e[0].(driver.Relationship).Props, e[1].(string), e[2].(string)))
	}
	return sub, nil
}

// Paths finds all shortest paths with Cypher's bounded allShortestPaths, the
// filter applied to every relation and to every inner entity, ordered hop by
// hop as graph.ComparePaths orders them.
func (s *Store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	paths := []graph.Path{}
	if q.From == q.To {
		es, err := s.Entities(ctx, []string{q.From})
		if err != nil || len(es) == 0 {
			return paths, err
		}
		return append(paths, graph.Path{Entities: es, Relations: []graph.Relation{}}), nil
	}
	params := filterParams(q.Filter)
	params["from"], params["to"], params["limit"] = q.From, q.To, q.Limit
	// The path length bound must be a literal in Cypher; it is an integer
	// that PathQuery.Check bounded to 1..graph.MaxPathLength.
	recs, err := s.read(ctx, `
		MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
		MATCH p = allShortestPaths((a)-[:REL*..`+strconv.Itoa(q.MaxLength)+`]-(b))
		WHERE all(r IN relationships(p) WHERE `+keepsRelation+`)
		  AND all(e IN nodes(p)[1..-1] WHERE `+keepsEntity+`)
		WITH p, [i IN range(0, length(p) - 1) | [nodes(p)[i + 1].id, relationships(p)[i].id]] AS key
		ORDER BY key LIMIT $limit
		RETURN p`, params)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		v, _ := rec.Get("p")
		p := v.(driver.Path)
		ids := map[string]string{} // element id -> entity id
		var path graph.Path
		for _, n := range p.Nodes {
			ids[n.ElementId] = n.Props["id"].(string)
			path.Entities = append(path.Entities, toEntity(n.Props))
		}
		for _, r := range p.Relationships {
			path.Relations = append(path.Relations, toRelation(r.Props, ids[r.StartElementId], ids[r.EndElementId]))
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// Timeline selects dated entities of the timeline kinds and dated relations
// with the filter, orders them as graph.SortTimeline does and cuts the page,
// all in one query.
func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) (graph.TimelinePage, error) {
	if err := q.Check(); err != nil {
		return graph.TimelinePage{}, err
	}
	var onTimeline []string
	for _, k := range graph.Kinds {
		if graph.OnTimeline(k) && (len(q.Kinds) == 0 || slices.Contains(q.Kinds, k)) {
			onTimeline = append(onTimeline, string(k))
		}
	}
	params := filterParams(graph.Filter{Window: q.Window, MinConfidence: q.MinConfidence, KnownAt: q.KnownAt})
	params["kinds"], params["timelineKinds"] = kindStrings(q.Kinds), onTimeline
	params["touch"], params["offset"], params["end"] = nonNil(q.Entities), q.Offset, q.Offset+q.Limit
	recs, err := s.read(ctx, `
		CALL () {
			MATCH (e:Entity)
			WHERE e.kind IN $timelineKinds AND e.start IS NOT NULL
			  AND e.lo <= $whi AND e.hi >= $wlo AND ($knownAt IS NULL OR e.known <= $knownAt)
			  AND ($touch = [] OR e.id IN $touch OR EXISTS { (e)-[:REL]-(o:Entity) WHERE o.id IN $touch })
			RETURN 'entity:' + e.id AS id, e.lo AS first, e.prec AS prec, e AS item, null AS from, null AS to
			UNION ALL
			MATCH (a:Entity)-[r:REL]->(b:Entity)
			WHERE r.start IS NOT NULL
			  AND ($minConfidence IS NULL OR r.confidence >= $minConfidence)
			  AND ($kinds = [] OR a.kind IN $kinds OR b.kind IN $kinds)
			  AND r.lo <= $whi AND r.hi >= $wlo AND ($knownAt IS NULL OR r.known <= $knownAt)
			  AND ($touch = [] OR a.id IN $touch OR b.id IN $touch)
			RETURN 'relation:' + r.id AS id, r.lo AS first, r.prec AS prec, r AS item, a AS from, b AS to
		}
		WITH id, item, from, to ORDER BY first, prec, id
		WITH collect([item, from, to]) AS items
		RETURN size(items) AS total, items[$offset..$end] AS page`, params)
	if err != nil {
		return graph.TimelinePage{}, err
	}
	page := graph.TimelinePage{Items: []graph.TimelineItem{}, Total: int(value[int64](recs[0], "total"))}
	for _, x := range value[[]any](recs[0], "page") {
		row := x.([]any)
		switch item := row[0].(type) {
		case driver.Node:
			e := toEntity(item.Props)
			page.Items = append(page.Items, graph.TimelineItem{ID: "entity:" + e.ID, Date: e.Start, End: e.End, Title: e.Name, Entity: &e})
		case driver.Relationship:
			from, to := row[1].(driver.Node).Props, row[2].(driver.Node).Props
			r := toRelation(item.Props, str(from, "id"), str(to, "id"))
			page.Items = append(page.Items, graph.TimelineItem{ID: "relation:" + r.ID, Date: r.Start, End: r.End,
				Title: graph.RelationTitle(str(from, "name"), r.Type, str(to, "name")), Relation: &r})
		}
	}
	page.HasNext = q.Offset+len(page.Items) < page.Total
	return page, nil
}
