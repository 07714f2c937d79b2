package schema

import (
	"github.com/attribution-explorer/attribution/graph"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// rootResolvers resolve the fields of Query.
type rootResolvers struct {
	store graph.Store
}

func (r *rootResolvers) entity(p graphql.ResolveParams) (any, error) {
	return batcherFrom(p.Context).entity(p.Args["id"].(string)), nil
}

func (r *rootResolvers) search(p graphql.ResolveParams) (any, error) {
	q := graph.SearchQuery{Text: p.Args["query"].(string), Kinds: kinds(p.Args["kinds"]), Limit: p.Args["first"].(int)}
	hits, err := r.store.Search(p.Context, q)
	if err != nil {
		return nil, err
	}
	l := batcherFrom(p.Context)
	for _, h := range hits {
		l.prime(h.Entity)
	}
	return hits, nil
}

func (r *rootResolvers) entities(p graphql.ResolveParams) (any, error) {
	q := graph.ListQuery{Kinds: kinds(p.Args["kinds"]), Limit: p.Args["first"].(int), Count: selects(p, "totalCount")}
	if after, ok := p.Args["after"].(string); ok {
		id, err := decodeCursor("e", after)
		if err != nil {
			return nil, err
		}
		q.After = id
	}
	page, err := r.store.List(p.Context, q)
	if err != nil {
		return nil, err
	}
	l := batcherFrom(p.Context)
	l.prime(page.Entities...)
	edges := []entityEdge{}
	for _, e := range page.Entities {
		edges = append(edges, entityEdge{cursor: encodeCursor("e", e.ID), node: e})
	}
	c := connection{total: page.Total, edges: edges, page: pageInfo{hasNext: page.HasNext}}
	if n := len(edges); n > 0 {
		c.page.end = edges[n-1].cursor
	}
	return c, batcherFrom(p.Context).count(len(page.Entities))
}

func (r *rootResolvers) neighborhood(p graphql.ResolveParams) (any, error) {
	f, err := graphFilter(p.Args["filter"])
	if err != nil {
		return nil, err
	}
	q := graph.NeighborhoodQuery{IDs: strings_(p.Args["ids"]), Depth: p.Args["depth"].(int), Limit: p.Args["limit"].(int), Filter: f}
	sg, err := r.store.Neighborhood(p.Context, q)
	if err != nil {
		return nil, err
	}
	l := batcherFrom(p.Context)
	l.prime(sg.Entities...)
	return sg, l.count(len(sg.Entities) + len(sg.Relations))
}

func (r *rootResolvers) paths(p graphql.ResolveParams) (any, error) {
	f, err := graphFilter(p.Args["filter"])
	if err != nil {
		return nil, err
	}
	q := graph.PathQuery{From: p.Args["from"].(string), To: p.Args["to"].(string),
		MaxLength: p.Args["maxLength"].(int), Limit: p.Args["first"].(int), Filter: f}
	paths, err := r.store.Paths(p.Context, q)
	if err != nil {
		return nil, err
	}
	l := batcherFrom(p.Context)
	n := 0
	for _, path := range paths {
		l.prime(path.Entities...)
		n += len(path.Entities) + len(path.Relations)
	}
	return paths, l.count(n)
}

func (r *rootResolvers) timeline(p graphql.ResolveParams) (any, error) {
	q := graph.TimelineQuery{Limit: p.Args["first"].(int), Count: selects(p, "totalCount")}
	q.StartsInside, _ = p.Args["startsInside"].(bool)
	if after, ok := p.Args["after"].(string); ok {
		offset, key, err := decodeTimelineCursor(after)
		if err != nil {
			return nil, err
		}
		q.Offset, q.After = offset, key
	}
	if args, ok := p.Args["filter"].(map[string]any); ok {
		var err error
		q.Entities, q.Kinds = strings_(args["entities"]), kinds(args["kinds"])
		q.MinConfidence = intPtr(args["minConfidence"])
		if q.Window, q.KnownAt, err = dates(args); err != nil {
			return nil, err
		}
	}
	page, err := r.store.Timeline(p.Context, q)
	if err != nil {
		return nil, err
	}
	edges := []timelineEdge{}
	for i, it := range page.Items {
		edges = append(edges, timelineEdge{cursor: timelineCursor(q.Offset+i+1, it.Key()), node: it})
	}
	c := connection{total: page.Total, edges: edges, page: pageInfo{hasNext: page.HasNext}}
	if n := len(edges); n > 0 {
		c.page.end = edges[n-1].cursor
	}
	return c, batcherFrom(p.Context).count(len(page.Items))
}

// graphFilter reads a GraphFilter argument.
func graphFilter(v any) (graph.Filter, error) {
	var f graph.Filter
	args, ok := v.(map[string]any)
	if !ok {
		return f, nil
	}
	var err error
	f.Kinds, f.RelationTypes = kinds(args["kinds"]), strings_(args["relationTypes"])
	f.MinConfidence = intPtr(args["minConfidence"])
	f.Window, f.KnownAt, err = dates(args)
	return f, err
}

// dates reads the time window and knownAt of a filter argument.
func dates(filter map[string]any) (w graph.Window, knownAt graph.PartialDate, err error) {
	if w.From, err = dateArg(filter, "from", "filter.from"); err != nil {
		return
	}
	if w.To, err = dateArg(filter, "to", "filter.to"); err != nil {
		return
	}
	knownAt, err = dateArg(filter, "knownAt", "filter.knownAt")
	return
}

func intPtr(v any) *int {
	if n, ok := v.(int); ok {
		return &n
	}
	return nil
}

// selects reports whether the selection of the field being resolved asks
// for the field name, directly or through fragments: the resolvers of
// connections count their totals only when it does.
func selects(p graphql.ResolveParams, name string) bool {
	for _, f := range p.Info.FieldASTs {
		if selectionHas(p.Info.Fragments, f.SelectionSet, name) {
			return true
		}
	}
	return false
}

func selectionHas(fragments map[string]ast.Definition, set *ast.SelectionSet, name string) bool {
	if set == nil {
		return false
	}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name != nil && sel.Name.Value == name {
				return true
			}
		case *ast.InlineFragment:
			if selectionHas(fragments, sel.SelectionSet, name) {
				return true
			}
		case *ast.FragmentSpread:
			// Validation has rejected cycles of fragments.
			if def, ok := fragments[sel.Name.Value].(*ast.FragmentDefinition); ok && selectionHas(fragments, def.SelectionSet, name) {
				return true
			}
		}
	}
	return false
}
