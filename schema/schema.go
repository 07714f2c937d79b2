// Package schema is the GraphQL API over a graph.Store, built with graphql-go:
// the types of api.graphql, resolvers that batch their store calls per level
// of the query, limits on depth and size, and the one place errors are mapped
// for users.
package schema

import (
	"fmt"
	"slices"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/graphql-go/graphql"
)

// Schema is the executable GraphQL schema over one store.
type Schema struct {
	schema    graphql.Schema
	store     graph.Store
	documents *documentCache
}

type entityEdge struct {
	cursor string
	node   graph.Entity
}

// connection is one page of a list: its edges ([]entityEdge or
// []timelineEdge), how many there are in all, and what comes next.
type connection struct {
	total int
	edges any
	page  pageInfo
}

type timelineEdge struct {
	cursor string
	node   graph.TimelineItem
}

type pageInfo struct {
	hasNext bool
	end     string
}

// New builds the schema over store; datasets are those the store may hold
// claims of (Query.datasets lists those it does).
func New(store graph.Store, datasets ...graph.Dataset) (*Schema, error) {
	t := newTypes()
	pageInfoType := graphql.NewObject(graphql.ObjectConfig{Name: "PageInfo", Fields: graphql.Fields{
		"hasNextPage": field(graphql.NewNonNull(graphql.Boolean), "", func(p pageInfo) any { return p.hasNext }),
		"endCursor":   field(graphql.String, "", func(p pageInfo) any { return optional(p.end) }),
	}})
	hit := graphql.NewObject(graphql.ObjectConfig{Name: "SearchHit", Fields: graphql.Fields{
		"entity": field(graphql.NewNonNull(t.entity), "", func(h graph.SearchHit) any { return h.Entity }),
		"score": field(graphql.NewNonNull(graphql.Float), "The tier of the strongest match: 1 for the exact name, 0.95 for an exact alias or external id, then prefixes (0.9, 0.855), "+
			"words (0.7, 0.665) and one typo (0.5, 0.475); hits come best first.", func(h graph.SearchHit) any { return h.Score }),
		"matched": field(graphql.NewNonNull(graphql.String), "The name or alias that matched.", func(h graph.SearchHit) any { return h.Matched }),
	}})
	entityEdgeType := graphql.NewObject(graphql.ObjectConfig{Name: "EntityEdge", Fields: graphql.Fields{
		"cursor": field(graphql.NewNonNull(graphql.String), "", func(e entityEdge) any { return e.cursor }),
		"node":   field(graphql.NewNonNull(t.entity), "", func(e entityEdge) any { return e.node }),
	}})
	connectionType := func(name string, edge *graphql.Object) *graphql.Object {
		return graphql.NewObject(graphql.ObjectConfig{Name: name, Fields: graphql.Fields{
			"totalCount": field(graphql.NewNonNull(graphql.Int), "", func(c connection) any { return c.total }),
			"edges":      field(nonNullList(edge), "", func(c connection) any { return c.edges }),
			"pageInfo":   field(graphql.NewNonNull(pageInfoType), "", func(c connection) any { return c.page }),
		}})
	}
	entityConn := connectionType("EntityConnection", entityEdgeType)
	item := graphql.NewObject(graphql.ObjectConfig{
		Name:        "TimelineItem",
		Description: "One dated thing on the timeline: an entity with a date (event, indictment, campaign) or a dated relation.",
		Fields: graphql.Fields{
			"id":    field(graphql.NewNonNull(graphql.ID), "", func(i graph.TimelineItem) any { return i.ID }),
			"date":  field(graphql.NewNonNull(partialDate), "", func(i graph.TimelineItem) any { return i.Date }),
			"end":   field(partialDate, "", func(i graph.TimelineItem) any { return i.End }),
			"title": field(graphql.NewNonNull(graphql.String), "", func(i graph.TimelineItem) any { return i.Title }),
			"entity": field(t.entity, "Set when the item is an entity.", func(i graph.TimelineItem) any {
				if i.Entity == nil {
					return nil
				}
				return *i.Entity
			}),
			"relation": field(t.relation, "Set when the item is a relation.", func(i graph.TimelineItem) any {
				if i.Relation == nil {
					return nil
				}
				return *i.Relation
			}),
			"sources": t.sourcesField(func(v any) []string { i := sourceAs[graph.TimelineItem](v); return i.Sources() }),
		},
	})
	timelineEdgeType := graphql.NewObject(graphql.ObjectConfig{Name: "TimelineEdge", Fields: graphql.Fields{
		"cursor": field(graphql.NewNonNull(graphql.String), "", func(e timelineEdge) any { return e.cursor }),
		"node":   field(graphql.NewNonNull(item), "", func(e timelineEdge) any { return e.node }),
	}})
	timelineConn := connectionType("TimelineConnection", timelineEdgeType)
	subgraph := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Subgraph",
		Description: "Nodes and edges ready for a graph view. truncated is true when a limit cut the result.",
		Fields: graphql.Fields{
			"nodes":     field(nonNullList(t.entity), "", func(s graph.Subgraph) any { return s.Entities }),
			"edges":     field(nonNullList(t.relation), "", func(s graph.Subgraph) any { return s.Relations }),
			"truncated": field(graphql.NewNonNull(graphql.Boolean), "", func(s graph.Subgraph) any { return s.Truncated }),
		},
	})
	path := graphql.NewObject(graphql.ObjectConfig{Name: "Path", Fields: graphql.Fields{
		"length": field(graphql.NewNonNull(graphql.Int), "", func(p graph.Path) any { return len(p.Relations) }),
		"nodes":  field(nonNullList(t.entity), "From first to last.", func(p graph.Path) any { return p.Entities }),
		"edges":  field(nonNullList(t.relation), "edges[i] joins nodes[i] and nodes[i+1], in either direction.", func(p graph.Path) any { return p.Relations }),
	}})
	relationType := graphql.NewObject(graphql.ObjectConfig{
		Name: "RelationType", Description: "One entry of the relation vocabulary.",
		Fields: graphql.Fields{
			"name":      field(graphql.NewNonNull(graphql.String), "", func(r graph.RelationType) any { return r.Name }),
			"meaning":   field(graphql.NewNonNull(graphql.String), "", func(r graph.RelationType) any { return r.Meaning }),
			"fromKinds": field(nonNullList(t.kind), "Kinds it may start from; all when empty.", func(r graph.RelationType) any { return kindStrings(r.From) }),
			"toKinds":   field(nonNullList(t.kind), "Kinds it may end at; all when empty.", func(r graph.RelationType) any { return kindStrings(r.To) }),
		},
	})
	dataset := graphql.NewObject(graphql.ObjectConfig{Name: "Dataset", Description: "A public dataset merged into the graph; also a source.", Fields: graphql.Fields{
		"id":        field(graphql.NewNonNull(graphql.ID), "The id of its source.", func(d graph.Dataset) any { return d.ID }),
		"name":      field(graphql.NewNonNull(graphql.String), "", func(d graph.Dataset) any { return d.Name }),
		"version":   field(graphql.String, "", func(d graph.Dataset) any { return optional(d.Version) }),
		"publisher": field(graphql.String, "", func(d graph.Dataset) any { return optional(d.Publisher) }),
		"url":       field(graphql.String, "", func(d graph.Dataset) any { return optional(d.URL) }),
		"published": field(partialDate, "", func(d graph.Dataset) any { return d.Published }),
		"licence":   field(graphql.String, "", func(d graph.Dataset) any { return optional(d.Licence) }),
	}})
	stats := graphql.NewObject(graphql.ObjectConfig{Name: "Stats", Description: "How much the graph holds.", Fields: graphql.Fields{
		"entities":  field(graphql.NewNonNull(graphql.Int), "", func(c graph.Counts) any { return c.Entities }),
		"relations": field(graphql.NewNonNull(graphql.Int), "", func(c graph.Counts) any { return c.Relations }),
		"sources":   field(graphql.NewNonNull(graphql.Int), "", func(c graph.Counts) any { return c.Sources }),
	}})

	r := &rootResolvers{store: store}
	kindsArg := &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(t.kind))}
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"entity": {Type: t.entity, Args: graphql.FieldConfigArgument{"id": {Type: graphql.NewNonNull(graphql.ID)}},
			Resolve: resolver(r.entity)},
		"search": {Type: nonNullList(hit), Description: "Names and aliases, ignoring case and accents, best first.",
			Args: graphql.FieldConfigArgument{
				"query": {Type: graphql.NewNonNull(graphql.String)}, "kinds": kindsArg,
				"first": {Type: graphql.Int, DefaultValue: 20},
			}, Resolve: resolver(r.search)},
		"entities": {Type: graphql.NewNonNull(entityConn), Description: "Entities in id order.",
			Args: graphql.FieldConfigArgument{
				"kinds": kindsArg, "first": {Type: graphql.Int, DefaultValue: 50}, "after": {Type: graphql.String},
			}, Resolve: resolver(r.entities)},
		"neighborhood": {Type: graphql.NewNonNull(subgraph), Description: "The entities within depth hops of ids, and the relations between them.",
			Args: graphql.FieldConfigArgument{
				"ids":    {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.ID)))},
				"depth":  {Type: graphql.Int, DefaultValue: 1},
				"filter": {Type: t.graphFilter},
				"limit":  {Type: graphql.Int, DefaultValue: 500},
			}, Resolve: resolver(r.neighborhood)},
		"paths": {Type: nonNullList(path), Description: "The shortest paths from one entity to another, following relations in either direction.",
			Args: graphql.FieldConfigArgument{
				"from": {Type: graphql.NewNonNull(graphql.ID)}, "to": {Type: graphql.NewNonNull(graphql.ID)},
				"maxLength": {Type: graphql.Int, DefaultValue: 4}, "first": {Type: graphql.Int, DefaultValue: 3},
				"filter": {Type: t.graphFilter},
			}, Resolve: resolver(r.paths)},
		"timeline": {Type: graphql.NewNonNull(timelineConn), Description: "Dated entities and relations, oldest first.",
			Args: graphql.FieldConfigArgument{
				"filter": {Type: t.timelineFilter}, "first": {Type: graphql.Int, DefaultValue: 100}, "after": {Type: graphql.String},
				"startsInside": {Type: graphql.Boolean, DefaultValue: false,
					Description: "Only the items whose start begins inside the filter's window, not those that begin before it and overlap it."},
			}, Resolve: resolver(r.timeline)},
		"source": {Type: t.source, Args: graphql.FieldConfigArgument{"id": {Type: graphql.NewNonNull(graphql.ID)}},
			Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
				return batcherFrom(p.Context).source(p.Args["id"].(string)), nil
			})},
		"relationTypes": {Type: nonNullList(relationType), Description: "The relation vocabulary.",
			Resolve: func(graphql.ResolveParams) (any, error) { return graph.Vocabulary, nil }},
		"stats": {Type: graphql.NewNonNull(stats), Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
			return store.Counts(p.Context)
		})},
		"datasets": {Type: nonNullList(dataset), Description: "The public datasets the graph holds claims of. A claim comes from a dataset " +
			"when it cites the dataset's source (same id) or one whose id starts with the dataset's id and a dot; claims citing none come from the curated data.",
			Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
				ids := make([]string, len(datasets))
				for i, d := range datasets {
					ids[i] = d.ID
				}
				held, err := store.Sources(p.Context, ids)
				if err != nil {
					return nil, err
				}
				out := []graph.Dataset{}
				for _, d := range datasets {
					if slices.ContainsFunc(held, func(s graph.Source) bool { return s.ID == d.ID }) {
						out = append(out, d)
					}
				}
				return out, nil
			})},
	}})

	for name, f := range aggregateFields(t, store) {
		query.AddFieldConfig(name, f)
	}

	var objects []graphql.Type
	for _, k := range graph.Kinds {
		objects = append(objects, t.objects[k])
	}
	s, err := graphql.NewSchema(graphql.SchemaConfig{Query: query, Types: append(objects, dateTime)})
	if err != nil {
		return nil, fmt.Errorf("building the GraphQL schema: %w", err)
	}
	for _, t := range s.TypeMap() {
		if o, ok := t.(*graphql.Object); ok {
			for _, f := range o.Fields() {
				f.Resolve = untilDone(f.Resolve)
			}
		}
	}
	return &Schema{schema: s, store: store, documents: newDocumentCache()}, nil
}

// untilDone makes a resolver fail at once once the request's context has
// ended. graphql-go's Execute returns when the context ends, but the walk of
// the result goes on in its goroutine; with every field failing at once it
// ends too, and a request burns no more CPU than its deadline allows.
func untilDone(fn graphql.FieldResolveFn) graphql.FieldResolveFn {
	if fn == nil {
		fn = graphql.DefaultResolveFn
	}
	return func(p graphql.ResolveParams) (any, error) {
		if err := p.Context.Err(); err != nil {
			return nil, err
		}
		return fn(p)
	}
}

func kindStrings(ks []graph.Kind) []string {
	out := []string{}
	for _, k := range ks {
		out = append(out, string(k))
	}
	return out
}
