package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

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

// Neighborhood is one statement. graph.Admit's level-by-level cut in id
// order keeps, of the entities within q.Depth hops of the seeds (over kept
// relations and entities), those nearest the seeds, and of the farthest level
// it reaches the first in id order: the first q.Limit by (distance, id). A
// breadth-first search from each seed (ANY SHORTEST over a quantified
// pattern, with the filter inlined, q.Depth a literal bounded by
// graph.MaxDepth) gives those distances; the kept relations among the nodes
// follow in the same statement.
func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	if err := q.Check(); err != nil {
		return graph.Subgraph{}, err
	}
	sub := graph.Subgraph{Entities: []graph.Entity{}, Relations: []graph.Relation{}}
	params := filterParams(q.Filter)
	maxEdges := graph.EdgesPerNode * q.Limit
	params["ids"], params["limit"], params["maxEdges"] = unique(q.IDs), q.Limit, maxEdges+1
	reach := `WITH s AS t, 0 AS d`
	if q.Depth > 0 {
		reach = `MATCH p = ANY SHORTEST (s)(()-[r:REL WHERE ` + keepsRelation + `]-(e:Entity WHERE ` + keepsEntity + `)){0,` +
			strconv.Itoa(q.Depth) + `}(t)
			WITH t, length(p) AS d`
	}
	// The planning mode keeps the search expanding from the seeds: a plan
	// made while the graph was small may otherwise pair every node with
	// each seed (a scan, then a search Into each). The DISTINCT below is a
	// horizon that keeps the relation filter from tempting the planner to
	// seek relations by their dates rather than expand from the nodes.
	recs, err := s.read(ctx, `CYPHER statefulShortestPlanningMode=all_if_possible
		UNWIND $ids AS id
		MATCH (s:Entity {id: id})
		`+reach+`
		WITH t, min(d) AS d ORDER BY d, t.id
		WITH collect(t) AS reached
		WITH reached[..$limit] AS nodes, size(reached) > $limit AS truncated
		CALL (nodes) {
			UNWIND nodes AS a
			MATCH (a)-[r:REL]->(b)
			WITH DISTINCT a, r, b
			WHERE b IN nodes AND `+keepsRelation+`
			WITH r, a.id AS from, b.id AS to ORDER BY r.id LIMIT $maxEdges
			RETURN collect([r, from, to]) AS edges
		}
		RETURN nodes, edges, truncated`, params)
	if err != nil {
		return sub, err
	}
	sub.Truncated = value[bool](recs[0], "truncated")
	for _, n := range value[[]any](recs[0], "nodes") {
		sub.Entities = append(sub.Entities, toEntity(n.(driver.Node).Props))
	}
	slices.SortFunc(sub.Entities, func(a, b graph.Entity) int { return strings.Compare(a.ID, b.ID) })
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

// Paths finds all shortest paths in one statement, with ALL SHORTEST over a
// quantified pattern whose filter (on every relation, and on every entity
// but the last) the breadth-first search applies as it goes, ordered hop by
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
		MATCH p = ALL SHORTEST (a)(()-[r:REL WHERE `+keepsRelation+`]-(e:Entity WHERE e = b OR (`+keepsEntity+`))){1,`+strconv.Itoa(q.MaxLength)+`}(b)
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

// Timeline reads a page in graph.SortTimeline order (first day, precision,
// id) in one statement. Without q.Entities, each kind of item (entities,
// relations) is read in two ordered index seeks cut by LIMIT, so a page costs
// what its size costs: on lo, from the first day of the window's year (an
// item without an end lies within one year, so none that begins before can
// overlap the window), and on the composite index (lo, end), which holds only
// items with an end, for those that begin in an earlier year. Seeks start at
// q.After when it is set. With q.Entities, the items are gathered from those
// entities. The total is counted only when q.Count asks for it.
func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) (graph.TimelinePage, error) {
	if err := q.Check(); err != nil {
		return graph.TimelinePage{}, err
	}
	var timelineKinds []string
	for _, k := range graph.TimelineKinds {
		if len(q.Kinds) == 0 || slices.Contains(q.Kinds, k) {
			timelineKinds = append(timelineKinds, string(k))
		}
	}
	wlo, whi := q.Window.Bounds()
	skip := q.Offset
	if q.After != nil {
		skip = 0
	}
	params := map[string]any{"timelineKinds": timelineKinds, "kinds": kindStrings(q.Kinds), "wlo": wlo, "whi": whi,
		"skip": skip, "limit": q.Limit + 1, "k": skip + q.Limit + 1, "ys": yearStart(wlo), "dated": dated,
		"seek": max(yearStart(wlo), dated)}
	// The filter of both kinds of items, but for their first day, which the
	// seeks bound.
	entityWhere := "e.hi >= $wlo AND e.kind IN $timelineKinds"
	relationWhere := "r.hi >= $wlo"
	if q.MinConfidence != nil {
		params["minConfidence"] = *q.MinConfidence
		relationWhere += " AND r.confidence >= $minConfidence"
	}
	if !q.KnownAt.IsZero() {
		params["knownAt"] = q.KnownAt.Last()
		entityWhere += " AND e.known <= $knownAt"
		relationWhere += " AND r.known <= $knownAt"
	}
	if len(q.Kinds) > 0 {
		relationWhere += " AND (a.kind IN $kinds OR b.kind IN $kinds)"
	}
	if q.StartsInside {
		// Only what begins inside the window: the seeks start at its first
		// day, and the seeks of long items (begun before its year) find none.
		entityWhere += " AND e.lo >= $wlo"
		relationWhere += " AND r.lo >= $wlo"
		params["seek"] = max(params["seek"].(int), wlo)
	}
	// after is the condition of coming after q.After in timeline order.
	after := func(first, prec, id string) string { return "true" }
	if q.After != nil {
		params["af"], params["ap"], params["aid"] = q.After.First, int(q.After.Precision), q.After.ID
		params["seek"] = max(params["seek"].(int), q.After.First)
		// A CASE, not an OR, which the planner would turn into a union of
		// two seeks that loses the index order.
		after = func(first, prec, id string) string {
			return fmt.Sprintf("CASE WHEN %[1]s <> $af THEN %[1]s > $af WHEN %[2]s <> $ap THEN %[2]s > $ap ELSE %[3]s > $aid END", first, prec, id)
		}
	}
	const (
		entityItem   = `RETURN e.lo AS first, e.prec AS prec, 'entity:' + e.id AS id, e AS item, null AS ends`
		relationItem = `RETURN r.lo AS first, r.prec AS prec, 'relation:' + r.id AS id, r AS item, [a.id, a.name, b.id, b.name] AS ends`
	)
	var query string
	if len(q.Entities) > 0 {
		params["touch"] = unique(q.Entities)
		var branches []string
		if len(timelineKinds) > 0 {
			branches = append(branches, `UNWIND es AS e WITH DISTINCT e
				WHERE e.lo >= $dated AND e.lo <= $whi AND `+entityWhere+`
				`+entityItem)
		}
		branches = append(branches, `UNWIND rs AS r WITH r, startNode(r) AS a, endNode(r) AS b
			WHERE r.lo >= $dated AND r.lo <= $whi AND `+relationWhere+`
			`+relationItem)
		query = `
			OPTIONAL MATCH (t:Entity) WHERE t.id IN $touch
			OPTIONAL MATCH (t)-[r:REL]-(o:Entity)
			WITH collect(DISTINCT t) + collect(DISTINCT o) AS es, collect(DISTINCT r) AS rs
			CALL (es, rs) {
				` + strings.Join(branches, "\nUNION ALL\n") + `
			}
			WITH first, prec, id, item, ends ORDER BY first, prec, id
			WITH count(*) AS total, collect(CASE WHEN ` + after("first", "prec", "id") + ` THEN [item, ends] END) AS page
			RETURN total, page[$skip..$skip + $limit] AS page`
	} else {
		// The seeks of each kind of item, with the index each must use: the
		// hints keep the planner on the ordered seeks, which the kind index
		// would otherwise tempt away; end > '' (rather than IS NOT NULL:
		// every end is a date) makes it seek the range of lo in the
		// composite index rather than scan the whole index.
		type seek struct{ index, where string }
		entitySeeks := []seek{{"e:Entity(lo)", "e.lo >= $seek AND e.lo <= $whi"},
			{"e:Entity(lo, end)", "e.lo >= $dated AND e.lo < $ys AND e.end > ''"}}
		relationSeeks := []seek{{"r:REL(lo)", "r.lo >= $seek AND r.lo <= $whi"},
			{"r:REL(lo, end)", "r.lo >= $dated AND r.lo < $ys AND r.end > ''"}}
		var branches, counts []string
		if len(timelineKinds) == 0 {
			entitySeeks = nil
		}
		for _, sk := range entitySeeks {
			branches = append(branches, `MATCH (e:Entity) USING INDEX `+sk.index+`
				WHERE `+sk.where+` AND `+entityWhere+` AND `+after("e.lo", "e.prec", "'entity:' + e.id")+`
				WITH e ORDER BY e.lo, e.prec, e.id LIMIT $k
				`+entityItem)
			counts = append(counts, `MATCH (e:Entity) WHERE `+strings.ReplaceAll(sk.where, "$seek", "$ys")+` AND `+entityWhere+` RETURN count(*) AS n`)
		}
		for _, sk := range relationSeeks {
			branches = append(branches, `MATCH (a:Entity)-[r:REL]->(b:Entity) USING INDEX `+sk.index+`
				WHERE `+sk.where+` AND `+relationWhere+` AND `+after("r.lo", "r.prec", "'relation:' + r.id")+`
				WITH a, r, b ORDER BY r.lo, r.prec, r.id LIMIT $k
				`+relationItem)
			counts = append(counts, `MATCH (a:Entity)-[r:REL]->(b:Entity) WHERE `+strings.ReplaceAll(sk.where, "$seek", "$ys")+` AND `+relationWhere+` RETURN count(*) AS n`)
		}
		total := "0"
		if q.Count {
			query = `CALL () { CALL () { ` + strings.Join(counts, "\nUNION ALL\n") + ` } RETURN sum(n) AS total }
				`
			total = "total"
		}
		query += `
			CALL () {
				CALL () {
					` + strings.Join(branches, "\nUNION ALL\n") + `
				}
				WITH first, prec, id, item, ends ORDER BY first, prec, id SKIP $skip LIMIT $limit
				RETURN collect([item, ends]) AS page
			}
			RETURN ` + total + ` AS total, page`
	}
	recs, err := s.read(ctx, query, params)
	if err != nil {
		return graph.TimelinePage{}, err
	}
	page := graph.TimelinePage{Items: []graph.TimelineItem{}}
	if q.Count {
		page.Total = int(value[int64](recs[0], "total"))
	}
	for _, x := range value[[]any](recs[0], "page") {
		row := x.([]any)
		switch item := row[0].(type) {
		case driver.Node:
			e := toEntity(item.Props)
			page.Items = append(page.Items, graph.TimelineItem{ID: "entity:" + e.ID, Date: e.Start, End: e.End, Title: e.Name, Entity: &e})
		case driver.Relationship:
			ends := row[1].([]any)
			r := toRelation(item.Props, ends[0].(string), ends[2].(string))
			page.Items = append(page.Items, graph.TimelineItem{ID: "relation:" + r.ID, Date: r.Start, End: r.End,
				Title: graph.RelationTitle(ends[1].(string), r.Type, ends[3].(string)), Relation: &r})
		}
	}
	if len(page.Items) > q.Limit {
		page.Items, page.HasNext = page.Items[:q.Limit], true
	}
	return page, nil
}

// dated is the least day number of a dated item: undated ones have lo 0.
const dated = 10101

// yearStart is the first day of the year of day number d.
func yearStart(d int) int { return d/10000*10000 + 101 }
