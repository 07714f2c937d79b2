package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/textmatch"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// drawn are the arguments of each class, drawn from the graph with a fixed
// seed, and what the data says of each: must its answer be non-empty?
type drawn struct {
	args     map[string][]Args
	nonEmpty map[string][]bool
	counts   graph.Counts
}

type entityRow struct {
	id, name, kind, start string
	adj                   []int // neighbours, ignoring direction
}

// draw reads the graph from Neo4j (every entity, every relation's ends and
// date) and draws n arguments per class with the seed.
func draw(ctx context.Context, uri string, seed uint64, n int) (*drawn, error) {
	d, err := openDriver(ctx, uri)
	if err != nil {
		return nil, err
	}
	defer d.Close(ctx)
	q := func(cypher string) ([]*driver.Record, error) {
		res, err := driver.ExecuteQuery(ctx, d, cypher, nil, driver.EagerResultTransformer, driver.ExecuteQueryWithDatabase("neo4j"))
		if err != nil {
			return nil, err
		}
		return res.Records, nil
	}
	recs, err := q(`MATCH (e:Entity) RETURN e.id AS id, e.name AS name, e.kind AS kind, e.start AS start ORDER BY id`)
	if err != nil {
		return nil, err
	}
	es := make([]entityRow, len(recs))
	index := make(map[string]int, len(recs))
	for i, r := range recs {
		es[i] = entityRow{id: get[string](r, "id"), name: get[string](r, "name"), kind: get[string](r, "kind"), start: get[string](r, "start")}
		index[es[i].id] = i
	}
	recs, err = q(`MATCH (a:Entity)-[r:REL]->(b:Entity) RETURN a.id AS a, b.id AS b, r.start AS start ORDER BY r.id`)
	if err != nil {
		return nil, err
	}
	var dated []string // dates of timeline items
	for _, r := range recs {
		a, b := index[get[string](r, "a")], index[get[string](r, "b")]
		es[a].adj = append(es[a].adj, b)
		es[b].adj = append(es[b].adj, a)
		if s := get[string](r, "start"); s != "" {
			dated = append(dated, s)
		}
	}
	byKind := map[string][]int{}
	var connected []int
	for i, e := range es {
		byKind[e.kind] = append(byKind[e.kind], i)
		if len(e.adj) > 0 {
			connected = append(connected, i)
		}
		if e.start != "" && graph.OnTimeline(graph.Kind(e.kind)) {
			dated = append(dated, e.start)
		}
	}
	sources, err := q(`MATCH (s:Source) RETURN count(s) AS n`)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 || len(connected) == 0 || len(dated) == 0 {
		return nil, fmt.Errorf("the graph in %s is empty or has no relations or no dates", uri)
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)

	rng := rand.New(rand.NewPCG(seed, seed^0x5deece66d))
	out := &drawn{args: map[string][]Args{}, nonEmpty: map[string][]bool{},
		counts: graph.Counts{Entities: len(es), Relations: len(recs), Sources: int(get[int64](sources[0], "n"))}}
	add := func(class string, a Args, nonEmpty bool) {
		out.args[class] = append(out.args[class], a)
		out.nonEmpty[class] = append(out.nonEmpty[class], nonEmpty)
	}
	for len(out.args["search"]) < n {
		// A word of a name, a prefix of one, or its first two words: the
		// entity itself matches.
		words := textmatch.Tokens(es[rng.IntN(len(es))].name)
		if len(words) == 0 {
			continue
		}
		text := words[rng.IntN(len(words))]
		switch rng.IntN(3) {
		case 1:
			if r := []rune(text); len(r) > 3 {
				text = string(r[:3+rng.IntN(len(r)-3)])
			}
		case 2:
			if len(words) > 1 {
				text = words[0] + " " + words[1]
			}
		}
		add("search", Args{Text: text}, true)
	}
	for len(out.args["timeline"]) < n {
		// A window around a dated item: its year, its month, or three years.
		dt, err := graph.ParseDate(dated[rng.IntN(len(dated))])
		if err != nil || dt.IsZero() {
			continue
		}
		y := dt.Year
		a := Args{From: fmt.Sprintf("%04d", y), To: fmt.Sprintf("%04d", y)}
		switch rng.IntN(3) {
		case 1:
			if dt.Month != 0 {
				a = Args{From: fmt.Sprintf("%04d-%02d", y, dt.Month), To: fmt.Sprintf("%04d-%02d", y, dt.Month)}
			}
		case 2:
			a = Args{From: fmt.Sprintf("%04d", y-1), To: fmt.Sprintf("%04d", y+1)}
		}
		add("timeline", a, true)
	}
	for len(out.args["list"]) < n {
		// A kind, from its start or after one of its entities (never one
		// of its last 50: the page is not empty).
		k := kinds[rng.IntN(len(kinds))]
		ids := byKind[k]
		a := Args{Kind: k}
		if rng.IntN(2) == 1 && len(ids) > listFirst {
			a.After = es[ids[rng.IntN(len(ids)-listFirst)]].id
		}
		add("list", a, true)
	}
	for len(out.args["neighborhood"]) < n {
		add("neighborhood", Args{ID: es[connected[rng.IntN(len(connected))]].id}, true)
	}
	for len(out.args["entity"]) < n {
		e := es[rng.IntN(len(es))]
		add("entity", Args{ID: e.id}, true)
	}
	for len(out.args["paths"]) < n {
		// A random walk of 1 to 3 hops: a path of at most that length exists.
		from := connected[rng.IntN(len(connected))]
		at := from
		for range 1 + rng.IntN(3) {
			at = es[at].adj[rng.IntN(len(es[at].adj))]
		}
		if at == from {
			continue
		}
		add("paths", Args{From: es[from].id, To: es[at].id}, true)
	}
	// The cached simple query: entities by id.
	for len(out.args[cachedClass.name]) < n {
		add(cachedClass.name, Args{ID: es[rng.IntN(len(es))].id}, true)
	}
	return out, nil
}
