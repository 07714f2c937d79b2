package neo4j

import (
	"encoding/json"

	"github.com/attribution-explorer/attribution/graph"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Conversions between the domain and Neo4j properties. Absent values are
// absent properties (Neo4j has no null properties), so lists are left out
// when empty and read back through Normalize, which gives the one form the
// memory store returns too.

func dateProp(d graph.PartialDate) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func spanProps(start, end graph.PartialDate) (lo, hi int) {
	lo, hi, _ = graph.Span(start, end)
	return lo, hi
}

func listProp(xs []string) any {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

func sourceProps(s graph.Source) map[string]any {
	p := map[string]any{"id": s.ID, "title": s.Title, "published": dateProp(s.Published)}
	for k, v := range map[string]string{"publisher": s.Publisher, "url": s.URL, "language": s.Language} {
		if v != "" {
			p[k] = v
		}
	}
	if !s.Published.IsZero() {
		p["public"] = graph.PublicFrom(s.Published) // the day it was certainly public
	}
	return p
}

// entityProps are an entity's properties, but for known, which depends on
// its sources' dates and is set after they are written.
func entityProps(e graph.Entity) map[string]any {
	lo, hi := spanProps(e.Start, e.End)
	p := map[string]any{"id": e.ID, "kind": string(e.Kind), "name": e.Name, "aliases": listProp(e.Aliases),
		"start": dateProp(e.Start), "end": dateProp(e.End), "lo": lo, "hi": hi, "prec": int(e.Start.Precision()),
		"sources": listProp(e.Sources)}
	setSearchProps(p, e) // search.go
	if act := graph.ActKnownFrom(&e); act != 0 {
		p["act"] = act // a public act is known from its own date (Upsert sets known)
	}
	if e.Description != "" {
		p["description"] = e.Description
	}
	var keys, values []string
	for _, a := range e.Attributes {
		keys, values = append(keys, a.Key), append(values, a.Value)
	}
	p["attrKeys"], p["attrValues"] = listProp(keys), listProp(values)
	if len(e.Alternatives) > 0 {
		// A property cannot hold a list of maps: the alternatives travel as
		// JSON, read back by toEntity and never queried by Cypher.
		raw, err := json.Marshal(e.Alternatives)
		if err != nil {
			panic(err) // strings only: cannot fail
		}
		p["alternatives"] = string(raw)
	}
	return p
}

func relationProps(r graph.Relation) map[string]any {
	lo, hi := spanProps(r.Start, r.End)
	p := map[string]any{"id": r.ID, "type": r.Type, "start": dateProp(r.Start), "end": dateProp(r.End),
		"lo": lo, "hi": hi, "prec": int(r.Start.Precision()), "sources": listProp(r.Sources)}
	if r.Role != "" {
		p["role"] = r.Role
	}
	if r.Description != "" {
		p["description"] = r.Description
	}
	if r.Confidence != nil {
		p["confidence"] = *r.Confidence
	}
	return p
}

func str(props map[string]any, key string) string {
	s, _ := props[key].(string)
	return s
}

func strs(props map[string]any, key string) []string {
	list, _ := props[key].([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

func date(props map[string]any, key string) graph.PartialDate {
	d, _ := graph.ParseDate(str(props, key))
	return d
}

func toSource(props map[string]any) graph.Source {
	return graph.Source{ID: str(props, "id"), Title: str(props, "title"), Publisher: str(props, "publisher"),
		URL: str(props, "url"), Published: date(props, "published"), Language: str(props, "language")}
}

func toEntity(props map[string]any) graph.Entity {
	e := graph.Entity{ID: str(props, "id"), Kind: graph.Kind(str(props, "kind")), Name: str(props, "name"),
		Aliases: strs(props, "aliases"), Description: str(props, "description"),
		Start: date(props, "start"), End: date(props, "end"), Sources: strs(props, "sources")}
	keys, values := strs(props, "attrKeys"), strs(props, "attrValues")
	for i := range keys {
		e.Attributes = append(e.Attributes, graph.Attribute{Key: keys[i], Value: values[i]})
	}
	if raw := str(props, "alternatives"); raw != "" {
		_ = json.Unmarshal([]byte(raw), &e.Alternatives) // written by entityProps
	}
	e.Normalize()
	return e
}

// toRelation reads a relation; from and to are its ends' entity ids.
func toRelation(props map[string]any, from, to string) graph.Relation {
	r := graph.Relation{ID: str(props, "id"), Type: str(props, "type"), From: from, To: to,
		Role: str(props, "role"), Start: date(props, "start"), End: date(props, "end"),
		Description: str(props, "description"), Sources: strs(props, "sources")}
	if c, ok := props["confidence"].(int64); ok {
		n := int(c)
		r.Confidence = &n
	}
	r.Normalize()
	return r
}

func node(rec *driver.Record, key string) map[string]any {
	v, _ := rec.Get(key)
	n, _ := v.(driver.Node)
	return n.Props
}

func value[T any](rec *driver.Record, key string) T {
	v, _ := rec.Get(key)
	t, _ := v.(T)
	return t
}

type neoNode = driver.Node

func rel(rec *driver.Record, key string) map[string]any {
	v, _ := rec.Get(key)
	r, _ := v.(driver.Relationship)
	return r.Props
}
