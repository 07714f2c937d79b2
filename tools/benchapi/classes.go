package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// A class is one kind of query the benchmark sends: its GraphQL query (the
// same text for every request, arguments in variables, so that the server's
// document cache serves it as a real client's would), how its answers and
// the limit's are reduced to the ids the contract fixes, and what must not
// be empty.
type class struct {
	name    string // the limit's route too
	title   string // in the table
	graphql string
	vars    func(a Args) map[string]any
	// ours and limit reduce an answer (GraphQL data, the limit's JSON) to
	// its key: the ids (and totals, scores) the API contract fixes, in
	// order; and how many results it has (0: empty).
	ours  func(data json.RawMessage) (key string, n int, err error)
	limit func(body []byte) (key string, n int, err error)
}

var classes = []*class{
	{
		name: "search", title: "search (first 20)",
		graphql: `query Search($q: String!) { search(query: $q, first: 20) { score entity { id name kind } } }`,
		vars:    func(a Args) map[string]any { return map[string]any{"q": a.Text} },
		ours: func(data json.RawMessage) (string, int, error) {
			var d struct {
				Search []struct {
					Score  float64             `json:"score"`
					Entity struct{ ID string } `json:"entity"`
				} `json:"search"`
			}
			if err := json.Unmarshal(data, &d); err != nil {
				return "", 0, err
			}
			var k []string
			for _, h := range d.Search {
				k = append(k, fmt.Sprintf("%s@%.6f", h.Entity.ID, h.Score))
			}
			return strings.Join(k, " "), len(d.Search), nil
		},
		limit: func(body []byte) (string, int, error) {
			var d limitSearch
			if err := json.Unmarshal(body, &d); err != nil {
				return "", 0, err
			}
			var k []string
			for _, h := range d.Hits {
				k = append(k, fmt.Sprintf("%s@%.6f", h.ID, h.Score))
			}
			return strings.Join(k, " "), len(d.Hits), nil
		},
	},
	{
		name: "timeline", title: "timeline window (first 100)",
		graphql: `query Timeline($from: PartialDate, $to: PartialDate) { timeline(filter: {from: $from, to: $to}, first: 100) { totalCount edges { node { id date title } } } }`,
		vars:    func(a Args) map[string]any { return map[string]any{"from": a.From, "to": a.To} },
		ours: func(data json.RawMessage) (string, int, error) {
			var d struct {
				Timeline struct {
					TotalCount int `json:"totalCount"`
					Edges      []struct {
						Node struct{ ID string } `json:"node"`
					} `json:"edges"`
				} `json:"timeline"`
			}
			if err := json.Unmarshal(data, &d); err != nil {
				return "", 0, err
			}
			k := []string{fmt.Sprintf("total=%d", d.Timeline.TotalCount)}
			for _, e := range d.Timeline.Edges {
				k = append(k, e.Node.ID)
			}
			return strings.Join(k, " "), len(d.Timeline.Edges), nil
		},
		limit: func(body []byte) (string, int, error) {
			var d limitTimeline
			if err := json.Unmarshal(body, &d); err != nil {
				return "", 0, err
			}
			k := []string{fmt.Sprintf("total=%d", d.Total)}
			for _, it := range d.Items {
				k = append(k, it.ID)
			}
			return strings.Join(k, " "), len(d.Items), nil
		},
	},
	{
		name: "list", title: "list by kind (first 50)",
		graphql: `query List($kinds: [EntityKind!], $after: String) { entities(kinds: $kinds, first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name kind } } } }`,
		vars: func(a Args) map[string]any {
			v := map[string]any{"kinds": []string{a.Kind}}
			if a.After != "" {
				v["after"] = base64.RawURLEncoding.EncodeToString([]byte("e:" + a.After))
			}
			return v
		},
		ours: func(data json.RawMessage) (string, int, error) {
			var d struct {
				Entities struct {
					TotalCount int `json:"totalCount"`
					PageInfo   struct {
						HasNextPage bool `json:"hasNextPage"`
					} `json:"pageInfo"`
					Edges []struct {
						Node struct{ ID string } `json:"node"`
					} `json:"edges"`
				} `json:"entities"`
			}
			if err := json.Unmarshal(data, &d); err != nil {
				return "", 0, err
			}
			k := []string{fmt.Sprintf("total=%d next=%t", d.Entities.TotalCount, d.Entities.PageInfo.HasNextPage)}
			for _, e := range d.Entities.Edges {
				k = append(k, e.Node.ID)
			}
			return strings.Join(k, " "), len(d.Entities.Edges), nil
		},
		limit: func(body []byte) (string, int, error) {
			var d limitList
			if err := json.Unmarshal(body, &d); err != nil {
				return "", 0, err
			}
			k := []string{fmt.Sprintf("total=%d next=%t", d.Total, d.HasNext)}
			for _, e := range d.Entities {
				k = append(k, e.ID)
			}
			return strings.Join(k, " "), len(d.Entities), nil
		},
	},
	{
		name: "neighborhood", title: "neighbourhood depth 2",
		graphql: `query Hood($id: ID!) { neighborhood(ids: [$id], depth: 2) { truncated nodes { id name kind } edges { id type from { id } to { id } } } }`,
		vars:    func(a Args) map[string]any { return map[string]any{"id": a.ID} },
		ours: func(data json.RawMessage) (string, int, error) {
			var d struct {
				Neighborhood struct {
					Truncated bool                  `json:"truncated"`
					Nodes     []struct{ ID string } `json:"nodes"`
					Edges     []struct {
						ID   string
						From struct{ ID string } `json:"from"`
						To   struct{ ID string } `json:"to"`
					} `json:"edges"`
				} `json:"neighborhood"`
			}
			if err := json.Unmarshal(data, &d); err != nil {
				return "", 0, err
			}
			h := d.Neighborhood
			k := []string{fmt.Sprintf("truncated=%t nodes:", h.Truncated)}
			for _, n := range h.Nodes {
				k = append(k, n.ID)
			}
			k = append(k, "edges:")
			for _, e := range h.Edges {
				k = append(k, e.ID+"("+e.From.ID+">"+e.To.ID+")")
			}
			return strings.Join(k, " "), min(len(h.Nodes)-1, len(h.Edges)), nil
		},
		limit: func(body []byte) (string, int, error) {
			var d limitHood
			if err := json.Unmarshal(body, &d); err != nil {
				return "", 0, err
			}
			k := []string{fmt.Sprintf("truncated=%t nodes:", d.Truncated)}
			for _, n := range d.Nodes {
				k = append(k, n.ID)
			}
			k = append(k, "edges:")
			for _, e := range d.Edges {
				k = append(k, e.ID+"("+e.From+">"+e.To+")")
			}
			return strings.Join(k, " "), min(len(d.Nodes)-1, len(d.Edges)), nil
		},
	},
	{
		name: "entity", title: "entity by id, relations and sources",
		graphql: `query Entity($id: ID!) { entity(id: $id) { id name kind aliases description start end sources { id title published } relations(first: 100) { id type role start end confidence from { id name } to { id name } sources { id title } } } }`,
		vars:    func(a Args) map[string]any { return map[string]any{"id": a.ID} },
		ours:    func(data json.RawMessage) (string, int, error) { return entityKey(data) },
		limit:   entityKey,
	},
	{
		name: "paths", title: "paths (max 4 hops, first 3)",
		graphql: `query Paths($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxLength: 4, first: 3) { length nodes { id name } edges { id type from { id } to { id } } } }`,
		vars:    func(a Args) map[string]any { return map[string]any{"from": a.From, "to": a.To} },
		ours:    func(data json.RawMessage) (string, int, error) { return pathsKey(data) },
		limit:   pathsKey,
	},
}

// cachedClass is the short cell of the cached simple query: an entity by id,
// three fields, on the embedded store; not sent to the limit.
var cachedClass = &class{
	name: "entity-simple", title: "entity by id (id, name, kind)",
	graphql: `query Simple($id: ID!) { entity(id: $id) { id name kind } }`,
	vars:    func(a Args) map[string]any { return map[string]any{"id": a.ID} },
	ours: func(data json.RawMessage) (string, int, error) {
		var d struct {
			Entity *struct{ ID string } `json:"entity"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			return "", 0, err
		}
		if d.Entity == nil {
			return "null", 0, nil
		}
		return d.Entity.ID, 1, nil
	},
}

// gqlAnswer reduces a GraphQL response to its key: an error for a status
// other than 200, GraphQL errors, or no data.
func gqlAnswer(c *class, status int, body []byte) (string, int, error) {
	if status != 200 {
		return "", 0, fmt.Errorf("HTTP %d: %s", status, short(string(body)))
	}
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return "", 0, fmt.Errorf("not JSON: %v", err)
	}
	if len(res.Errors) > 0 {
		return "", 0, fmt.Errorf("GraphQL error: %s", short(res.Errors[0].Message))
	}
	if len(res.Data) == 0 || string(res.Data) == "null" {
		return "", 0, errors.New("no data")
	}
	return c.ours(res.Data)
}

func limitAnswer(c *class, status int, body []byte) (string, int, error) {
	if status != 200 {
		return "", 0, fmt.Errorf("HTTP %d: %s", status, short(string(body)))
	}
	return c.limit(body)
}

func short(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// entityKey is the entity class's answer as a comparable key (the entity,
// its sources, its relations with their ends and sources), and the records
// it holds; both sides answer in the same shape.
func entityKey(body []byte) (string, int, error) {
	var d limitEntityAnswer
	if err := json.Unmarshal(body, &d); err != nil {
		return "", 0, err
	}
	if d.Entity == nil {
		return "null", 0, nil
	}
	k := []string{d.Entity.ID, "sources:"}
	for _, s := range d.Entity.Sources {
		k = append(k, s.ID)
	}
	k = append(k, "relations:")
	for _, r := range d.Entity.Relations {
		var ss []string
		for _, s := range r.Sources {
			ss = append(ss, s.ID)
		}
		k = append(k, r.ID+"("+r.From.ID+">"+r.To.ID+":"+strings.Join(ss, ",")+")")
	}
	return strings.Join(k, " "), 1 + len(d.Entity.Relations), nil
}

// pathsKey is the paths class's answer as a comparable key (each path as
// its nodes and edges in order), and the paths; both sides answer in the
// same shape but for the edges' ends (objects in GraphQL, ids in the
// limit's), which the key does not read.
func pathsKey(body []byte) (string, int, error) {
	var d struct {
		Paths []struct {
			Nodes []struct{ ID string } `json:"nodes"`
			Edges []struct{ ID string } `json:"edges"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		return "", 0, err
	}
	var k []string
	for _, p := range d.Paths {
		var ids []string
		for i, n := range p.Nodes {
			ids = append(ids, n.ID)
			if i < len(p.Edges) {
				ids = append(ids, "-"+p.Edges[i].ID+"-")
			}
		}
		k = append(k, strings.Join(ids, ""))
	}
	return strings.Join(k, " | "), len(d.Paths), nil
}
