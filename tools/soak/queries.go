package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"time"
)

// query is one request the soak sends.
type query struct {
	name string
	// family groups the realistic queries of one kind of request (search,
	// entity, neighborhood, ...): the load takes the families in turn.
	family  string
	hostile bool
	// heavy: one of the most expensive valid reads (-mix hostile-reads,
	// heavy.go); its answer is not kept, only judged (judgeHeavy).
	heavy bool
	// badArgument: a hostile request whose document is valid but whose
	// argument is refused when executed: HTTP 200 with a short error is
	// right too (GraphQL reports argument errors per field).
	badArgument bool
	body        []byte
	// check looks at the data of a realistic answer (no "errors" in it).
	check func(data any) error
	// baseline is the canonical data answered before the load; every later
	// answer must equal it.
	baseline string
}

// gqlResponse is a GraphQL answer.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// judge returns why a realistic answer fails, or "". A shed answer
// (shedAnswer) is told apart before.
func judge(q *query, a answer) string {
	if a.err != nil {
		return transportFailure(a.err)
	}
	var res gqlResponse
	jerr := json.Unmarshal(a.body, &res)
	if a.status != http.StatusOK {
		if jerr == nil && len(res.Errors) > 0 {
			return fmt.Sprintf("HTTP %d: %s", a.status, short(res.Errors[0].Message))
		}
		return fmt.Sprintf("HTTP %d", a.status)
	}
	if jerr != nil {
		return "HTTP 200 but not JSON"
	}
	if len(res.Errors) > 0 {
		return "GraphQL error: " + short(res.Errors[0].Message)
	}
	var data any
	if err := json.Unmarshal(res.Data, &data); err != nil || data == nil {
		return "wrong answer: no data"
	}
	if err := q.check(data); err != nil {
		return "wrong answer: " + err.Error()
	}
	if q.baseline != "" && canonical(data) != q.baseline {
		return "wrong answer: differs from the answer before the load"
	}
	return ""
}

// judgeHostile returns why a hostile request's answer fails: anything but
// 400, or, for a bad argument, 200 with short errors (a megabyte argument
// must not come back whole).
func judgeHostile(q *query, a answer) string {
	if a.err != nil {
		return transportFailure(a.err)
	}
	if a.status == http.StatusBadRequest {
		return ""
	}
	var res gqlResponse
	if q.badArgument && a.status == http.StatusOK && json.Unmarshal(a.body, &res) == nil && len(res.Errors) > 0 {
		for _, e := range res.Errors {
			if len(e.Message) > 1100 {
				return fmt.Sprintf("HTTP 200 with a %d-byte error message", len(e.Message))
			}
		}
		return ""
	}
	if json.Unmarshal(a.body, &res) == nil && len(res.Errors) > 0 {
		return fmt.Sprintf("HTTP %d (want 400): %s", a.status, short(res.Errors[0].Message))
	}
	return fmt.Sprintf("HTTP %d (want 400)", a.status)
}

func transportFailure(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled (the soak stopped)"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server (EOF)"
	}
	return "transport error: " + short(err.Error())
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 110 {
		s = s[:110] + "…"
	}
	return s
}

// canonical is the data as sorted JSON, hashed.
func canonical(v any) string {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// takeBaseline makes the realistic queries from the graph read before the
// load (g) and asks each once; the answers must pass their checks and become
// the reference of later ones. The pages of lists are found here, following
// the cursors.
func (s *soak) takeBaseline(g *graphRead) error {
	qs, skipped := curatedQueries(g)
	if len(skipped) > 0 {
		s.logf("not in the loaded data, so not asked: %s", strings.Join(skipped, ", "))
	}
	qs = append(qs, dataQueries(g)...)
	pages, err := s.listPages(g)
	if err != nil {
		return err
	}
	qs = append(qs, pages...)
	for _, q := range qs {
		body, err := s.ask(q)
		if err != nil {
			return err
		}
		var res gqlResponse
		var data any
		json.Unmarshal(body, &res)
		json.Unmarshal(res.Data, &data)
		q.baseline = canonical(data)
	}
	s.families = nil
	index := map[string]int{}
	for _, q := range qs {
		i, ok := index[q.family]
		if !ok {
			i = len(s.families)
			index[q.family] = i
			s.families = append(s.families, nil)
		}
		s.families[i] = append(s.families[i], q)
	}
	var names []string
	for _, f := range s.families {
		names = append(names, fmt.Sprintf("%s %d", f[0].family, len(f)))
	}
	s.logf("realistic queries, by family: %s", strings.Join(names, ", "))
	return nil
}

// ask sends a realistic query until it passes, for 30 s at most (a Neo4j
// just started can be slow to answer the first ones, a busy server sheds
// them), and returns the answer.
func (s *soak) ask(q *query) ([]byte, error) {
	var last string
	for deadline := time.Now().Add(30 * time.Second); ; {
		a := s.post(context.Background(), q.body)
		if last = shedAnswer(a); last == "" {
			if last = judge(q, a); last == "" {
				return a.body, nil
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s: %s", q.name, last)
		}
		time.Sleep(retryDelay(a))
	}
}

// pagesPerList is how many pages of each list the load asks for, following
// the cursors: the first pages, however many the list has.
const pagesPerList = 2

const listQuery = `query ($kinds: [EntityKind!], $after: String) { entities(kinds: $kinds, first: 20, after: $after) {
  totalCount pageInfo { endCursor hasNextPage }
  edges { cursor node { id name kind aliases ... on Country { iso2 iso3 } } } } }`

// listPages returns one query for each of the first pagesPerList pages of
// entities, of every kind in the data and of all kinds.
func (s *soak) listPages(g *graphRead) ([]*query, error) {
	var out []*query
	for _, kind := range append([]string{""}, g.kinds()...) {
		var kinds any // null: every kind
		name, want := "entities-all", len(g.entities)
		if kind != "" {
			kinds, name, want = []string{kind}, "entities-"+strings.ToLower(kind), len(g.byKind(kind))
		}
		var after any
		for page := 1; page <= pagesPerList; page++ {
			q := &query{name: fmt.Sprintf("%s-p%d", name, page), family: "entities",
				body:  gqlBody(listQuery, map[string]any{"kinds": kinds, "after": after}),
				check: checkListPage(kind, want)}
			body, err := s.ask(q)
			if err != nil {
				return nil, err
			}
			out = append(out, q)
			var res struct {
				Data struct {
					Entities struct {
						PageInfo struct {
							EndCursor   string
							HasNextPage bool
						}
					}
				}
			}
			json.Unmarshal(body, &res)
			if !res.Data.Entities.PageInfo.HasNextPage {
				break
			}
			after = res.Data.Entities.PageInfo.EndCursor
		}
	}
	return out, nil
}

// checkListPage checks a page of entities of a kind ("": any): not empty,
// of that kind, and counting as many as the graph read before the load.
func checkListPage(kind string, want int) func(any) error {
	return func(data any) error {
		edges := list(get(data, "entities", "edges"))
		if len(edges) == 0 {
			return errors.New("an empty page")
		}
		if n, _ := get(data, "entities", "totalCount").(float64); int(n) != want {
			return fmt.Errorf("totalCount %v, want %d", get(data, "entities", "totalCount"), want)
		}
		for _, e := range edges {
			if k := get(e, "node", "kind"); kind != "" && k != kind {
				return fmt.Errorf("a %v among the %s", k, kind)
			}
		}
		return nil
	}
}

func gqlBody(q string, vars map[string]any) []byte {
	m := map[string]any{"query": q}
	if vars != nil {
		m["variables"] = vars
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// get walks maps by keys.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

const searchQuery = `query ($q: String!) { search(query: $q, first: 20) { matched score entity { id name kind aliases } } }`

// searchFor searches text; the hits must include want, first when first.
func searchFor(name, text, want string, first bool) *query {
	return &query{name: name, family: "search", body: gqlBody(searchQuery, map[string]any{"q": text}),
		check: func(data any) error {
			hits := list(get(data, "search"))
			if len(hits) == 0 {
				return errors.New("no hit")
			}
			if first {
				if id := get(hits[0], "entity", "id"); id != want {
					return fmt.Errorf("first hit %v, want %s", id, want)
				}
				return nil
			}
			for _, h := range hits {
				if get(h, "entity", "id") == want {
					return nil
				}
			}
			return fmt.Errorf("%s not among the %d hits", want, len(hits))
		}}
}

// entityQuery is an entity's detail as the explorer asks for it.
const entityQuery = `query ($id: ID!) { entity(id: $id) { id name kind aliases description start end
  ... on ThreatActor { mitreAttackId }
  relations(first: 100) { id type role confidence start end from { id name kind } to { id name kind } sources { id title published language } }
  sources { id title publisher published url } } }`

// entityDetail asks for the entity with the id, which has relations
// relations (at least, when 1,000 or more); it must have the first 100.
func entityDetail(id string, relations int) *query {
	return &query{name: "entity-" + id, family: "entity", body: gqlBody(entityQuery, map[string]any{"id": id}),
		check: func(data any) error {
			if got := get(data, "entity", "id"); got != id {
				return fmt.Errorf("entity id %v, want %s", got, id)
			}
			if n, want := len(list(get(data, "entity", "relations"))), min(relations, 100); n != want {
				return fmt.Errorf("%s with %d relations, want %d", id, n, want)
			}
			return nil
		}}
}

const neighborhoodQuery = `query ($id: ID!, $depth: Int) { neighborhood(ids: [$id], depth: $depth) {
  truncated nodes { id name kind } edges { id type from { id } to { id } } } }`

// neighborhood asks for the entities within depth of id, which has
// relations relations.
func neighborhood(id string, depth, relations int) *query {
	return &query{name: fmt.Sprintf("neighborhood-%s-%d", id, depth), family: "neighborhood",
		body: gqlBody(neighborhoodQuery, map[string]any{"id": id, "depth": depth}),
		check: func(data any) error {
			nodes := list(get(data, "neighborhood", "nodes"))
			for _, n := range nodes {
				if get(n, "id") == id {
					if relations > 0 && (len(nodes) < 2 || len(list(get(data, "neighborhood", "edges"))) == 0) {
						return fmt.Errorf("%s alone in its neighbourhood", id)
					}
					return nil
				}
			}
			return fmt.Errorf("%s is not in its own neighbourhood", id)
		}}
}

// curatedQueries are the queries about the curated data whose entities the
// loaded data has; skipped names the others.
func curatedQueries(g *graphRead) (qs []*query, skipped []string) {
	q := func(name, family, text string, check func(any) error) *query {
		return &query{name: name, family: family, body: gqlBody(text, nil), check: check}
	}
	all := []struct {
		needs []string
		q     *query
	}{
		{[]string{"apt40"}, searchFor("search-leviathan", "Leviathan", "apt40", true)},
		{[]string{"apt31"}, searchFor("search-apt31", "APT31", "apt31", true)},
		{[]string{"apt31"}, searchFor("search-zirconium", "Zirconium", "apt31", true)},
		{[]string{"apt40"}, entityDetail("apt40", g.degree("apt40"))},
		{[]string{"apt40"}, neighborhood("apt40", 2, g.degree("apt40"))},
		{[]string{"ding-xiaoyang", "norway"}, q("paths-ding-norway", "paths", `{ paths(from: "ding-xiaoyang", to: "norway", first: 3) { length nodes { id name } edges { id type from { id } to { id } sources { id } } } }`, func(data any) error {
			paths := list(get(data, "paths"))
			if len(paths) == 0 {
				return errors.New("no path from ding-xiaoyang to norway")
			}
			nodes := list(get(paths[0], "nodes"))
			if len(nodes) < 2 || get(nodes[0], "id") != "ding-xiaoyang" || get(nodes[len(nodes)-1], "id") != "norway" {
				return errors.New("the first path does not go from ding-xiaoyang to norway")
			}
			return nil
		})},
		{nil, q("timeline-2021-07", "timeline", `{ timeline(first: 50, filter: {from: "2021-07", to: "2021-07", kinds: [EVENT, INDICTMENT]}) {
  totalCount pageInfo { endCursor hasNextPage } edges { cursor node { id date end title sources { id } } } } }`, func(data any) error {
			if n, _ := get(data, "timeline", "totalCount").(float64); n < 1 || len(list(get(data, "timeline", "edges"))) == 0 {
				return errors.New("nothing on the timeline in July 2021")
			}
			return nil
		})},
		{[]string{"apt31"}, q("timeline-apt31-knownat", "timeline", `{ timeline(first: 20, filter: {entities: ["apt31"], knownAt: "2020-12-31"}) {
  totalCount edges { node { id date title sources { id publisher published } } } } }`, func(data any) error {
			if len(list(get(data, "timeline", "edges"))) == 0 {
				return errors.New("nothing known about apt31 at the end of 2020")
			}
			return nil
		})},
	}
	for _, c := range all {
		if missing := g.missing(c.needs); len(missing) > 0 {
			skipped = append(skipped, fmt.Sprintf("%s (no %s)", c.q.name, strings.Join(missing, ", ")))
			continue
		}
		qs = append(qs, c.q)
	}
	return qs, skipped
}

// dataQueries are queries about entities picked from the graph read before
// the load, whatever data it is: for each kind, its most connected entity
// and one of median connections, each in detail and with its neighbours,
// and a search for the most connected one's name.
func dataQueries(g *graphRead) []*query {
	var detail, near, search []*query
	for _, kind := range g.kinds() {
		es := g.byKind(kind) // most relations first
		for _, e := range []snapEntity{es[0], es[len(es)/2]} {
			if len(detail) > 0 && detail[len(detail)-1].name == "entity-"+e.ID {
				continue // a kind of one entity
			}
			detail = append(detail, entityDetail(e.ID, len(e.Relations)))
			near = append(near, neighborhood(e.ID, 1, len(e.Relations)))
		}
		search = append(search, searchFor("search-"+es[0].ID, es[0].Name, es[0].ID, false))
	}
	return slices.Concat(search, detail, near)
}

// hostileQueries must each be refused: HTTP 400, or a short argument error.
func hostileQueries() []*query {
	var bomb strings.Builder
	bomb.WriteString("{ ...F0 }\n")
	const n = 30
	for i := 0; i < n; i++ {
		fmt.Fprintf(&bomb, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&bomb, "fragment F%d on Query { stats { entities } }\n", n)

	deep := `{ entity(id: "apt40") { ` + strings.Repeat("relations { from { ", 1000) + "id" +
		strings.Repeat(" } }", 1000) + " } }"

	var wide strings.Builder
	wide.WriteString(`{entity(id:"apt31"){`)
	for wide.Len() < 60000-3 {
		wide.WriteString("id ")
	}
	wide.WriteString("}}")

	big := strings.Repeat("A", 1_000_000) // the body stays under the server's 1 MiB limit
	h := func(name string, body []byte) *query { return &query{name: name, hostile: true, body: body} }
	return []*query{
		h("fragment-cycle", gqlBody(`{...A} fragment A on Query {...A}`, nil)),
		h("fragment-bomb-30", gqlBody(bomb.String(), nil)),
		h("nested-2000", gqlBody(deep, nil)),
		h("wide-60KB", gqlBody(wide.String(), nil)),
		h("syntax-error", gqlBody(`query($a:){a}`, nil)),
		{name: "variable-1MB", hostile: true, badArgument: true,
			body: gqlBody(`query ($q: String!) { search(query: $q) { entity { id } } }`, map[string]any{"q": big})},
	}
}
