package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The limit: a plain net/http handler that answers each query class of the
// benchmark with one hand-written Cypher query, through the same driver and
// the same database as the Neo4j store, and writes the answer as JSON with
// encoding/json. No GraphQL, no store abstraction, no batching layer: what
// the API costs on top of Neo4j is the difference between it and the
// binary on Neo4j. Search is the exception: its ranking is a Lucene query
// that graph/neo4j builds from graph/textmatch, and its limit is the Neo4j
// store's Search called directly.
//
// Each answer holds what the benchmark's GraphQL query asks for (the same
// fields), so that the two do the same work and can be compared id by id.

// Args are the arguments of one request, whatever its class.
type Args struct {
	Text  string `json:"text,omitempty"`  // search
	From  string `json:"from,omitempty"`  // timeline: window start (a PartialDate); paths: entity id
	To    string `json:"to,omitempty"`    // timeline: window end; paths: entity id
	Kind  string `json:"kind,omitempty"`  // list
	After string `json:"after,omitempty"` // list: the id after which the page starts
	ID    string `json:"id,omitempty"`    // neighbourhood, entity
}

// Page sizes and limits of the benchmark's queries (the GraphQL queries of
// classes.go ask for the same).
const (
	searchFirst   = 20
	timelineFirst = 100
	listFirst     = 50
	hoodDepth     = 2   // written into the neighbourhood's Cypher
	hoodLimit     = 500 // the API's default neighbourhood limit
	entityRels    = 100 // relations(first: 100)
	pathsMax      = 4   // the API's default maxLength, written into the paths' Cypher
	pathsFirst    = 3   // the API's default first
)

type limitEntity struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Kind string `json:"kind,omitempty"`
}

type limitHit struct {
	limitEntity
	Score float64 `json:"score"`
}

type limitSearch struct {
	Hits []limitHit `json:"hits"`
}

type limitItem struct {
	ID    string `json:"id"`
	Date  string `json:"date"`
	Title string `json:"title"`
}

type limitTimeline struct {
	Total int         `json:"total"`
	Items []limitItem `json:"items"`
}

type limitList struct {
	Total    int           `json:"total"`
	HasNext  bool          `json:"hasNext"`
	Entities []limitEntity `json:"entities"`
}

type limitEdge struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	From string `json:"from"`
	To   string `json:"to"`
}

type limitHood struct {
	Truncated bool          `json:"truncated"`
	Nodes     []limitEntity `json:"nodes"`
	Edges     []limitEdge   `json:"edges"`
}

type limitSource struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Published *string `json:"published,omitempty"`
}

type limitRelation struct {
	ID         string        `json:"id"`
	Type       string        `json:"type"`
	Role       *string       `json:"role"`
	Start      *string       `json:"start"`
	End        *string       `json:"end"`
	Confidence *int64        `json:"confidence"`
	From       limitEntity   `json:"from"`
	To         limitEntity   `json:"to"`
	Sources    []limitSource `json:"sources"`
}

type limitEntityFull struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Kind        string          `json:"kind"`
	Aliases     []string        `json:"aliases"`
	Description *string         `json:"description"`
	Start       *string         `json:"start"`
	End         *string         `json:"end"`
	Sources     []limitSource   `json:"sources"`
	Relations   []limitRelation `json:"relations"`
}

type limitEntityAnswer struct {
	Entity *limitEntityFull `json:"entity"`
}

type limitPath struct {
	Length int           `json:"length"`
	Nodes  []limitEntity `json:"nodes"`
	Edges  []limitEdge   `json:"edges"`
}

type limitPaths struct {
	Paths []limitPath `json:"paths"`
}

// limitQueries are the Cypher of each class.
var limitQueries = map[string]string{
	// Dated timeline entities and dated relations overlapping the window
	// [$wlo, $whi]: their count, and the first page of both merged in
	// timeline order (first day, precision, id). Each side is read in two
	// ordered range seeks on the first day (lo), each cut to the page
	// before the merge: items that begin between the start of the window's
	// year and its end (an item without an end lies within one year, so
	// none that begins before that year can overlap the window), and items
	// with an end that begin before that year.
	"timeline": `
		CALL () {
			CALL () {
				MATCH (e:Entity) WHERE e.lo >= $ys AND e.lo <= $whi AND e.hi >= $wlo AND e.kind IN $timelineKinds
				RETURN count(*) AS n
				UNION ALL
				MATCH (e:Entity) WHERE e.lo >= $dated AND e.lo < $ys AND e.end IS NOT NULL AND e.hi >= $wlo AND e.kind IN $timelineKinds
				RETURN count(*) AS n
				UNION ALL
				MATCH ()-[r:REL]->() WHERE r.lo >= $ys AND r.lo <= $whi AND r.hi >= $wlo
				RETURN count(*) AS n
				UNION ALL
				MATCH ()-[r:REL]->() WHERE r.lo >= $dated AND r.lo < $ys AND r.end IS NOT NULL AND r.hi >= $wlo
				RETURN count(*) AS n
			}
			RETURN sum(n) AS total
		}
		CALL () {
			CALL () {
				MATCH (e:Entity) WHERE e.lo >= $ys AND e.lo <= $whi AND e.hi >= $wlo AND e.kind IN $timelineKinds
				WITH e ORDER BY e.lo, e.prec, e.id LIMIT $first
				RETURN e.lo AS first, e.prec AS prec, 'entity:' + e.id AS id, e.start AS date, e.name AS title
				UNION ALL
				MATCH (e:Entity) WHERE e.lo >= $dated AND e.lo < $ys AND e.end IS NOT NULL AND e.hi >= $wlo AND e.kind IN $timelineKinds
				WITH e ORDER BY e.lo, e.prec, e.id LIMIT $first
				RETURN e.lo AS first, e.prec AS prec, 'entity:' + e.id AS id, e.start AS date, e.name AS title
				UNION ALL
				MATCH (a:Entity)-[r:REL]->(b:Entity) WHERE r.lo >= $ys AND r.lo <= $whi AND r.hi >= $wlo
				WITH a, r, b ORDER BY r.lo, r.prec, r.id LIMIT $first
				RETURN r.lo AS first, r.prec AS prec, 'relation:' + r.id AS id, r.start AS date, a.name + ' ' + r.type + ' ' + b.name AS title
				UNION ALL
				MATCH (a:Entity)-[r:REL]->(b:Entity) WHERE r.lo >= $dated AND r.lo < $ys AND r.end IS NOT NULL AND r.hi >= $wlo
				WITH a, r, b ORDER BY r.lo, r.prec, r.id LIMIT $first
				RETURN r.lo AS first, r.prec AS prec, 'relation:' + r.id AS id, r.start AS date, a.name + ' ' + r.type + ' ' + b.name AS title
			}
			WITH first, prec, id, date, title ORDER BY first, prec, id LIMIT $first
			RETURN collect([id, date, title]) AS items
		}
		RETURN total, items`,

	// One page of one kind in id order, and the kind's count.
	"list": `
		CALL () { MATCH (e:Entity) WHERE e.kind = $kind RETURN count(e) AS total }
		CALL () {
			MATCH (e:Entity) WHERE e.kind = $kind AND e.id > $after
			WITH e ORDER BY e.id LIMIT $limit
			RETURN collect([e.id, e.name, e.kind]) AS page
		}
		RETURN total, page`,

	// Depth 2, level by level in id order, cut at $limit nodes as the API
	// cuts it (graph.Admit), then every relation among the nodes in id
	// order, at most $maxEdges.
	"neighborhood": `
		MATCH (s:Entity {id: $id})
		CALL (s) {
			MATCH (s)-[:REL]-(n:Entity)
			WITH DISTINCT n ORDER BY n.id LIMIT $limit
			RETURN collect(n) AS l1
		}
		WITH s, l1[..$limit - 1] AS level1, size(l1) > $limit - 1 AS cut1
		CALL (s, level1, cut1) {
			UNWIND CASE WHEN cut1 THEN [] ELSE level1 END AS f
			MATCH (f)-[:REL]-(n:Entity)
			WHERE n <> s AND NOT n IN level1
			WITH DISTINCT n ORDER BY n.id
			RETURN collect(n) AS l2
		}
		WITH s, level1, l2, cut1, $limit - 1 - size(level1) AS room
		WITH [s] + level1 + l2[..room] AS nodes, cut1 OR size(l2) > room AS truncated
		CALL (nodes) {
			UNWIND nodes AS a
			MATCH (a)-[r:REL]->(b:Entity) WHERE b IN nodes
			WITH r, a, b ORDER BY r.id LIMIT $maxEdges
			RETURN collect([r.id, r.type, a.id, b.id]) AS edges
		}
		RETURN [n IN nodes | [n.id, n.name, n.kind]] AS nodes, edges, truncated`,

	// The entity, its sources in order, and its first relations by id with
	// both ends and their sources.
	"entity": `
		MATCH (e:Entity {id: $id})
		CALL (e) {
			UNWIND coalesce(e.sources, []) AS sid
			MATCH (s:Source {id: sid})
			RETURN collect([s.id, s.title, s.published]) AS sources
		}
		CALL (e) {
			MATCH (e)-[r:REL]-(:Entity)
			WITH r ORDER BY r.id LIMIT $rels
			CALL (r) {
				UNWIND coalesce(r.sources, []) AS sid
				MATCH (s:Source {id: sid})
				RETURN collect([s.id, s.title]) AS rs
			}
			WITH r, startNode(r) AS a, endNode(r) AS b, rs
			RETURN collect([r.id, r.type, r.role, r.start, r.end, r.confidence, a.id, a.name, b.id, b.name, rs]) AS relations
		}
		RETURN e.id AS id, e.name AS name, e.kind AS kind, coalesce(e.aliases, []) AS aliases,
			e.description AS description, e.start AS start, e.end AS end, sources, relations`,

	// Every shortest path up to 4 hops, ignoring direction, ordered hop by
	// hop by the next entity's id and the relation's id (graph.ComparePaths).
	"paths": `
		MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
		MATCH p = allShortestPaths((a)-[:REL*..4]-(b))
		WITH p, [i IN range(0, length(p) - 1) | [nodes(p)[i + 1].id, relationships(p)[i].id]] AS key
		ORDER BY key LIMIT $first
		RETURN [n IN nodes(p) | [n.id, n.name]] AS nodes,
			[r IN relationships(p) | [r.id, r.type, startNode(r).id, endNode(r).id]] AS edges`,
}

// limitServer answers POST /<class> with the Args of one request as JSON.
type limitServer struct {
	driver driver.DriverWithContext
	// store answers search: its ranking is a Lucene query built from
	// graph/textmatch (graph/neo4j/search.go) that no plainer Cypher
	// matches, so the limit of search is the store's own method, without
	// the API around it.
	store *neo4j.Store
}

func limitMain(args []string) error {
	fs := flag.NewFlagSet("limit", flag.ContinueOnError)
	uri := fs.String("neo4j", "", "the Bolt URI of the Neo4j the store uses")
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *uri == "" {
		return fmt.Errorf("limit: -neo4j URI is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := openDriver(ctx, *uri)
	if err != nil {
		return err
	}
	defer d.Close(context.Background())
	store, err := neo4j.Open(ctx, neo4j.Config{URI: *uri})
	if err != nil {
		return err
	}
	defer store.Close()
	s := &limitServer{driver: d, store: store}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /search", s.handler("search"))
	for class := range limitQueries {
		mux.HandleFunc("POST /"+class, s.handler(class))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	fmt.Printf("limit listening on http://%s/\n", ln.Addr())
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *limitServer) handler(class string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var a Args
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&a); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
		defer cancel()
		v, err := s.answer(ctx, class, a)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
}

// read runs one read query as the store does: ExecuteQuery, readers
// routing, the default database.
func (s *limitServer) read(ctx context.Context, class string, params map[string]any) ([]*driver.Record, error) {
	res, err := driver.ExecuteQuery(ctx, s.driver, limitQueries[class], params, driver.EagerResultTransformer,
		driver.ExecuteQueryWithDatabase("neo4j"), driver.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, err
	}
	return res.Records, nil
}

func (s *limitServer) answer(ctx context.Context, class string, a Args) (any, error) {
	switch class {
	case "search":
		hits, err := s.store.Search(ctx, graph.SearchQuery{Text: a.Text, Limit: searchFirst})
		if err != nil {
			return nil, err
		}
		out := limitSearch{Hits: []limitHit{}}
		for _, h := range hits {
			out.Hits = append(out.Hits, limitHit{limitEntity{h.Entity.ID, h.Entity.Name, string(h.Entity.Kind)}, h.Score})
		}
		return out, nil
	case "timeline":
		var w graph.Window
		var err error
		if w.From, err = graph.ParseDate(a.From); err != nil {
			return nil, err
		}
		if w.To, err = graph.ParseDate(a.To); err != nil {
			return nil, err
		}
		wlo, whi := w.Bounds()
		var kinds []string
		for _, k := range graph.TimelineKinds {
			kinds = append(kinds, string(k))
		}
		// Day numbers are yyyymmdd: dated items begin on or after 0001-01-01.
		const dated = 10101
		ys := max(wlo/10000*10000+101, dated)
		recs, err := s.read(ctx, class, map[string]any{"wlo": wlo, "whi": whi, "ys": ys, "dated": dated,
			"timelineKinds": kinds, "first": timelineFirst})
		if err != nil {
			return nil, err
		}
		out := limitTimeline{Total: int(get[int64](recs[0], "total")), Items: []limitItem{}}
		for _, x := range get[[]any](recs[0], "items") {
			row := x.([]any)
			out.Items = append(out.Items, limitItem{ID: row[0].(string), Date: row[1].(string), Title: row[2].(string)})
		}
		return out, nil
	case "list":
		recs, err := s.read(ctx, class, map[string]any{"kind": a.Kind, "after": a.After, "limit": listFirst + 1})
		if err != nil {
			return nil, err
		}
		out := limitList{Total: int(get[int64](recs[0], "total")), Entities: []limitEntity{}}
		for _, x := range get[[]any](recs[0], "page") {
			row := x.([]any)
			out.Entities = append(out.Entities, limitEntity{row[0].(string), row[1].(string), row[2].(string)})
		}
		if len(out.Entities) > listFirst {
			out.Entities, out.HasNext = out.Entities[:listFirst], true
		}
		return out, nil
	case "neighborhood":
		maxEdges := graph.EdgesPerNode * hoodLimit
		recs, err := s.read(ctx, class, map[string]any{"id": a.ID, "limit": hoodLimit, "maxEdges": maxEdges + 1})
		if err != nil {
			return nil, err
		}
		out := limitHood{Nodes: []limitEntity{}, Edges: []limitEdge{}}
		if len(recs) == 0 {
			return out, nil
		}
		out.Truncated = get[bool](recs[0], "truncated")
		for _, x := range get[[]any](recs[0], "nodes") {
			row := x.([]any)
			out.Nodes = append(out.Nodes, limitEntity{row[0].(string), row[1].(string), row[2].(string)})
		}
		sort.Slice(out.Nodes, func(i, j int) bool { return out.Nodes[i].ID < out.Nodes[j].ID })
		for _, x := range get[[]any](recs[0], "edges") {
			row := x.([]any)
			if len(out.Edges) == maxEdges {
				out.Truncated = true
				break
			}
			out.Edges = append(out.Edges, limitEdge{row[0].(string), row[1].(string), row[2].(string), row[3].(string)})
		}
		return out, nil
	case "entity":
		recs, err := s.read(ctx, class, map[string]any{"id": a.ID, "rels": entityRels})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return limitEntityAnswer{}, nil
		}
		r := recs[0]
		e := &limitEntityFull{ID: get[string](r, "id"), Name: get[string](r, "name"), Kind: get[string](r, "kind"),
			Aliases: []string{}, Description: opt[string](r.Values[4]), Start: opt[string](r.Values[5]), End: opt[string](r.Values[6]),
			Sources: []limitSource{}, Relations: []limitRelation{}}
		for _, x := range get[[]any](r, "aliases") {
			e.Aliases = append(e.Aliases, x.(string))
		}
		for _, x := range get[[]any](r, "sources") {
			row := x.([]any)
			e.Sources = append(e.Sources, limitSource{ID: row[0].(string), Title: row[1].(string), Published: opt[string](row[2])})
		}
		for _, x := range get[[]any](r, "relations") {
			row := x.([]any)
			rel := limitRelation{ID: row[0].(string), Type: row[1].(string), Role: opt[string](row[2]), Start: opt[string](row[3]),
				End: opt[string](row[4]), Confidence: opt[int64](row[5]),
				From: limitEntity{ID: row[6].(string), Name: row[7].(string)}, To: limitEntity{ID: row[8].(string), Name: row[9].(string)},
				Sources: []limitSource{}}
			for _, y := range row[10].([]any) {
				src := y.([]any)
				rel.Sources = append(rel.Sources, limitSource{ID: src[0].(string), Title: src[1].(string)})
			}
			e.Relations = append(e.Relations, rel)
		}
		// collect() after a subquery keeps no promised order: sort here.
		sort.Slice(e.Relations, func(i, j int) bool { return e.Relations[i].ID < e.Relations[j].ID })
		return limitEntityAnswer{Entity: e}, nil
	case "paths":
		out := limitPaths{Paths: []limitPath{}}
		if a.From == a.To {
			return nil, fmt.Errorf("paths from an entity to itself: not drawn by the benchmark")
		}
		recs, err := s.read(ctx, class, map[string]any{"from": a.From, "to": a.To, "first": pathsFirst})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			p := limitPath{Nodes: []limitEntity{}, Edges: []limitEdge{}}
			for _, x := range get[[]any](r, "nodes") {
				row := x.([]any)
				p.Nodes = append(p.Nodes, limitEntity{ID: row[0].(string), Name: row[1].(string)})
			}
			for _, x := range get[[]any](r, "edges") {
				row := x.([]any)
				p.Edges = append(p.Edges, limitEdge{row[0].(string), row[1].(string), row[2].(string), row[3].(string)})
			}
			p.Length = len(p.Edges)
			out.Paths = append(out.Paths, p)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown class %q", class)
}

func get[T any](r *driver.Record, key string) T {
	v, _ := r.Get(key)
	t, _ := v.(T)
	return t
}

// opt is a nullable value: nil for null.
func opt[T any](v any) *T {
	t, ok := v.(T)
	if !ok {
		return nil
	}
	return &t
}
