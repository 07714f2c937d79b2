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
	"strings"
	"syscall"
	"time"
)

// query is one request the soak sends.
type query struct {
	name    string
	hostile bool
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

// judge returns why a realistic answer fails, or "".
func judge(q *query, status int, body []byte, err error) string {
	if err != nil {
		return transportFailure(err)
	}
	var res gqlResponse
	jerr := json.Unmarshal(body, &res)
	if status != http.StatusOK {
		if jerr == nil && len(res.Errors) > 0 {
			return fmt.Sprintf("HTTP %d: %s", status, short(res.Errors[0].Message))
		}
		return fmt.Sprintf("HTTP %d", status)
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
func judgeHostile(q *query, status int, body []byte, err error) string {
	if err != nil {
		return transportFailure(err)
	}
	if status == http.StatusBadRequest {
		return ""
	}
	var res gqlResponse
	if q.badArgument && status == http.StatusOK && json.Unmarshal(body, &res) == nil && len(res.Errors) > 0 {
		for _, e := range res.Errors {
			if len(e.Message) > 1100 {
				return fmt.Sprintf("HTTP 200 with a %d-byte error message", len(e.Message))
			}
		}
		return ""
	}
	if json.Unmarshal(body, &res) == nil && len(res.Errors) > 0 {
		return fmt.Sprintf("HTTP %d (want 400): %s", status, short(res.Errors[0].Message))
	}
	return fmt.Sprintf("HTTP %d (want 400)", status)
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

// takeBaseline asks every realistic query once before the load; the answers
// must pass their checks and become the reference of later ones. The pages
// of entities are found here, following the cursors.
func (s *soak) takeBaseline() error {
	countries, err := s.countryPages()
	if err != nil {
		return err
	}
	s.realistic = append(s.realistic, countries...)
	for _, q := range s.realistic {
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
	return nil
}

// ask sends a realistic query until it passes, 10 times at most (a Neo4j
// just started can be slow to answer the first ones), and returns the answer.
func (s *soak) ask(q *query) ([]byte, error) {
	var last string
	for try := 0; try < 10; try++ {
		status, body, err := s.post(context.Background(), q.body)
		if last = judge(q, status, body, err); last == "" {
			return body, nil
		}
		time.Sleep(time.Second)
	}
	return nil, fmt.Errorf("%s: %s", q.name, last)
}

const countriesQuery = `query ($after: String) { entities(kinds: [COUNTRY], first: 5, after: $after) {
  totalCount pageInfo { endCursor hasNextPage }
  edges { cursor node { id name kind aliases ... on Country { iso2 iso3 } } } } }`

// countryPages returns one query per page of entities(kinds: [COUNTRY]).
func (s *soak) countryPages() ([]*query, error) {
	var out []*query
	var after any
	for page := 1; page <= 20; page++ {
		q := &query{name: fmt.Sprintf("entities-country-p%d", page),
			body: gqlBody(countriesQuery, map[string]any{"after": after}), check: checkCountryPage}
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
			return out, nil
		}
		after = res.Data.Entities.PageInfo.EndCursor
	}
	return nil, errors.New("entities(kinds: [COUNTRY]): more than 20 pages")
}

func checkCountryPage(data any) error {
	edges := list(get(data, "entities", "edges"))
	if len(edges) == 0 {
		return errors.New("an empty page of countries")
	}
	for _, e := range edges {
		if k := get(e, "node", "kind"); k != "COUNTRY" {
			return fmt.Errorf("a %v among the countries", k)
		}
	}
	return nil
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

func firstHit(want string) func(any) error {
	return func(data any) error {
		hits := list(get(data, "search"))
		if len(hits) == 0 {
			return errors.New("no hit")
		}
		if id := get(hits[0], "entity", "id"); id != want {
			return fmt.Errorf("first hit %v, want %s", id, want)
		}
		return nil
	}
}

func realisticQueries() []*query {
	q := func(name, text string, check func(any) error) *query {
		return &query{name: name, body: gqlBody(text, nil), check: check}
	}
	return []*query{
		q("search-leviathan", `{ search(query: "Leviathan", first: 5) { matched score entity { id name kind aliases } } }`, firstHit("apt40")),
		q("search-apt31", `{ search(query: "APT31", first: 5) { matched score entity { id name kind } } }`, firstHit("apt31")),
		q("search-zirconium", `{ search(query: "Zirconium", first: 5) { matched score entity { id name kind } } }`, firstHit("apt31")),
		q("entity-apt40", `{ entity(id: "apt40") { id name kind aliases description start end
  ... on ThreatActor { mitreAttackId }
  relations(first: 100) { id type role confidence start end from { id name kind } to { id name kind } sources { id title published language } }
  sources { id title publisher published url } } }`, func(data any) error {
			if id := get(data, "entity", "id"); id != "apt40" {
				return fmt.Errorf("entity id %v, want apt40", id)
			}
			if len(list(get(data, "entity", "relations"))) == 0 || len(list(get(data, "entity", "sources"))) == 0 {
				return errors.New("apt40 without relations or sources")
			}
			return nil
		}),
		q("neighborhood-apt40", `{ neighborhood(ids: ["apt40"], depth: 2) { truncated nodes { id name kind } edges { id type from { id } to { id } } } }`, func(data any) error {
			nodes := list(get(data, "neighborhood", "nodes"))
			for _, n := range nodes {
				if get(n, "id") == "apt40" {
					if len(nodes) < 2 || len(list(get(data, "neighborhood", "edges"))) == 0 {
						return errors.New("apt40 alone in its neighbourhood")
					}
					return nil
				}
			}
			return errors.New("apt40 is not in its own neighbourhood")
		}),
		q("paths-ding-norway", `{ paths(from: "ding-xiaoyang", to: "norway", first: 3) { length nodes { id name } edges { id type from { id } to { id } sources { id } } } }`, func(data any) error {
			paths := list(get(data, "paths"))
			if len(paths) == 0 {
				return errors.New("no path from ding-xiaoyang to norway")
			}
			nodes := list(get(paths[0], "nodes"))
			if len(nodes) < 2 || get(nodes[0], "id") != "ding-xiaoyang" || get(nodes[len(nodes)-1], "id") != "norway" {
				return errors.New("the first path does not go from ding-xiaoyang to norway")
			}
			return nil
		}),
		q("timeline-2021-07", `{ timeline(first: 50, filter: {from: "2021-07", to: "2021-07", kinds: [EVENT, INDICTMENT]}) {
  totalCount pageInfo { endCursor hasNextPage } edges { cursor node { id date end title sources { id } } } } }`, func(data any) error {
			if n, _ := get(data, "timeline", "totalCount").(float64); n < 1 || len(list(get(data, "timeline", "edges"))) == 0 {
				return errors.New("nothing on the timeline in July 2021")
			}
			return nil
		}),
		q("timeline-apt31-knownat", `{ timeline(first: 20, filter: {entities: ["apt31"], knownAt: "2020-12-31"}) {
  totalCount edges { node { id date title sources { id publisher published } } } } }`, func(data any) error {
			if len(list(get(data, "timeline", "edges"))) == 0 {
				return errors.New("nothing known about apt31 at the end of 2020")
			}
			return nil
		}),
	}
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
