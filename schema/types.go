package schema

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/graphql-go/graphql"
)

// types holds the GraphQL types, built once per Schema.
type types struct {
	kind, direction *graphql.Enum
	source          *graphql.Object
	attribute       *graphql.Object
	alternative     *graphql.Object
	relationCount   *graphql.Object
	entity          *graphql.Interface
	objects         map[graph.Kind]*graphql.Object
	relation        *graphql.Object
	stateDerivation *graphql.Object
	graphFilter     *graphql.InputObject
	timelineFilter  *graphql.InputObject
}

// resolver wraps a resolve function so that its errors, and those of the
// thunk it may return, go through publicError; not-found becomes null; and
// the lists it returns are charged to the request's budget.
func resolver(fn graphql.FieldResolveFn) graphql.FieldResolveFn {
	finish := func(ctx context.Context, v any, err error) (any, error) {
		if errors.Is(err, graph.ErrNotFound) {
			return nil, nil
		}
		if err == nil {
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
				err = batcherFrom(ctx).count(rv.Len())
			}
		}
		if err != nil {
			return nil, publicError(ctx, err)
		}
		return v, nil
	}
	return func(p graphql.ResolveParams) (any, error) {
		v, err := fn(p)
		if t, ok := v.(thunk); ok && err == nil {
			ctx := p.Context // not p, which is large: the thunk is made for every object of a level
			return thunk(func() (any, error) { v, err := t(); return finish(ctx, v, err) }), nil
		}
		return finish(p.Context, v, err)
	}
}

// sourceAs is the source of a field as an S. graphql-go's executor passes
// values; the compiled one passes the entities, relations and sources of
// lists as pointers into them, and the batcher's entities as pointers into
// its cache, which spares a copy on the heap of each (exec.go).
func sourceAs[S any](v any) S {
	if p, ok := v.(*S); ok {
		return *p
	}
	return v.(S)
}

// field returns a field of type t whose value is get(source).
func field[S any](t graphql.Output, description string, get func(S) any) *graphql.Field {
	return &graphql.Field{Type: t, Description: description,
		Resolve: func(p graphql.ResolveParams) (any, error) { return get(sourceAs[S](p.Source)), nil }}
}

// optional turns "" into null.
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNullList(t graphql.Output) graphql.Output {
	return graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(t)))
}

var kindObjectNames = map[graph.Kind]string{
	graph.ThreatActor: "ThreatActor", graph.Organization: "Organization", graph.Person: "Person",
	graph.Country: "Country", graph.Sector: "Sector", graph.IPCategory: "IpCategory",
	graph.Malware: "Malware", graph.Technique: "Technique", graph.Vulnerability: "Vulnerability",
	graph.Campaign: "Campaign", graph.Indictment: "Indictment", graph.Event: "Event",
}

func newTypes() *types {
	t := &types{objects: map[graph.Kind]*graphql.Object{}}
	kindValues := graphql.EnumValueConfigMap{}
	for _, k := range graph.Kinds {
		kindValues[string(k)] = &graphql.EnumValueConfig{Value: string(k)}
	}
	t.kind = graphql.NewEnum(graphql.EnumConfig{Name: "EntityKind", Values: kindValues})
	t.direction = graphql.NewEnum(graphql.EnumConfig{Name: "Direction", Values: graphql.EnumValueConfigMap{
		"OUT": {Value: string(graph.Out)}, "IN": {Value: string(graph.In)}, "BOTH": {Value: string(graph.Both)},
	}})

	t.source = graphql.NewObject(graphql.ObjectConfig{
		Name: "Source", Description: "Where a claim comes from. Every relation carries at least one.",
		Fields: graphql.Fields{
			"id":        field(graphql.NewNonNull(graphql.ID), "", func(s graph.Source) any { return s.ID }),
			"title":     field(graphql.NewNonNull(graphql.String), "", func(s graph.Source) any { return s.Title }),
			"publisher": field(graphql.String, "", func(s graph.Source) any { return optional(s.Publisher) }),
			"url":       field(graphql.String, "", func(s graph.Source) any { return optional(s.URL) }),
			"published": field(partialDate, "", func(s graph.Source) any { return s.Published }),
			"language":  field(graphql.String, `BCP 47, e.g. "en", "fr".`, func(s graph.Source) any { return optional(s.Language) }),
		},
	})
	t.attribute = graphql.NewObject(graphql.ObjectConfig{
		Name: "Attribute", Description: "A kind-specific fact that has no field of its own (ISO code, case number ...).",
		Fields: graphql.Fields{
			"key":   field(graphql.NewNonNull(graphql.String), "", func(a graph.Attribute) any { return a.Key }),
			"value": field(graphql.NewNonNull(graphql.String), "", func(a graph.Attribute) any { return a.Value }),
		},
	})
	t.alternative = graphql.NewObject(graphql.ObjectConfig{
		Name: "AlternativeValue",
		Description: "A value another dataset gives for an entity's description, start or end, with its sources. " +
			"When datasets disagree the entity shows the first one's value (the curated data first) and keeps the others here.",
		Fields: graphql.Fields{
			"field":   field(graphql.NewNonNull(graphql.String), `"description", "start" or "end".`, func(a graph.Alternative) any { return a.Field }),
			"value":   field(graphql.NewNonNull(graphql.String), "", func(a graph.Alternative) any { return a.Value }),
			"sources": t.sourcesField(func(v any) []string { return sourceAs[graph.Alternative](v).Sources }),
		},
	})

	t.relationCount = graphql.NewObject(graphql.ObjectConfig{
		Name:        "RelationCount",
		Description: "How many relations of one type an entity has in one direction: what a client shows before it expands them.",
		Fields: graphql.Fields{
			"type":      field(graphql.NewNonNull(graphql.String), "", func(c relationCount) any { return c.Type }),
			"direction": field(graphql.NewNonNull(t.direction), "OUT: the entity is the relation's from; IN: its to.", func(c relationCount) any { return string(c.Direction) }),
			"count":     field(graphql.NewNonNull(graphql.Int), "", func(c relationCount) any { return c.Count }),
			"atLeast": field(graphql.NewNonNull(graphql.Boolean), fmt.Sprintf("True when the entity has more than %d relations in all: the counts are of the first %d.", graph.MaxRelations-1, graph.MaxRelations-1),
				func(c relationCount) any { return c.AtLeast }),
		},
	})

	t.entity = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Entity",
		Description: "Everything in the graph that is not a relation.",
		Fields:      graphql.FieldsThunk(func() graphql.Fields { return t.entityFields() }),
		ResolveType: func(p graphql.ResolveTypeParams) *graphql.Object {
			return t.objects[sourceAs[graph.Entity](p.Value).Kind]
		},
	})
	t.stateDerivation = graphql.NewObject(graphql.ObjectConfig{
		Name: "StateDerivation", Description: "A key of ATTRIBUTING_COUNTRY and the claims it was derived from.",
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return graphql.Fields{
				"country": field(graphql.NewNonNull(t.entity), "", func(d graph.StateDerivation) any { return d.Country }),
				"rule": field(graphql.NewNonNull(graphql.String), "ISSUED_BY (directly), GOVERNMENT (an issuer's government) "+
					"or RECEIVER (an attribution by the receiver's government).", func(d graph.StateDerivation) any { return d.Rule }),
				"via": field(nonNullList(t.relation), "The relations followed, from the item on, each with its sources.",
					func(d graph.StateDerivation) any { return d.Via }),
			}
		}),
	})
	t.relation = graphql.NewObject(graphql.ObjectConfig{
		Name: "Relation", Description: "A directed, dated, sourced claim between two entities.",
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return graphql.Fields{
				"id":   field(graphql.NewNonNull(graphql.ID), "", func(r graph.Relation) any { return r.ID }),
				"type": field(graphql.NewNonNull(graphql.String), "From the vocabulary (Query.relationTypes), e.g. TARGETED, OPERATES_FOR, CHARGES.", func(r graph.Relation) any { return r.Type }),
				"from": {Type: graphql.NewNonNull(t.entity), Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
					return batcherFrom(p.Context).entity(sourceAs[graph.Relation](p.Source).From), nil
				})},
				"to": {Type: graphql.NewNonNull(t.entity), Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
					return batcherFrom(p.Context).entity(sourceAs[graph.Relation](p.Source).To), nil
				})},
				"role":  field(graphql.String, `Refines the type: "officer", "supervisor" ...`, func(r graph.Relation) any { return optional(r.Role) }),
				"start": field(partialDate, "", func(r graph.Relation) any { return r.Start }),
				"end":   field(partialDate, "", func(r graph.Relation) any { return r.End }),
				"confidence": field(graphql.Int, "0-100 as in STIX 2.1; null when the source gives none.", func(r graph.Relation) any {
					if r.Confidence == nil {
						return nil
					}
					return *r.Confidence
				}),
				"description": field(graphql.String, "", func(r graph.Relation) any { return optional(r.Description) }),
				"sources":     t.sourcesField(func(v any) []string { return sourceAs[graph.Relation](v).Sources }),
			}
		}),
	})

	attr := func(key string) func(graph.Entity) any {
		return func(e graph.Entity) any { return optional(e.Attr(key)) }
	}
	list := func(key, sep string) func(graph.Entity) any {
		return func(e graph.Entity) any {
			var out []string
			for _, v := range strings.Split(e.Attr(key), sep) {
				if v = strings.TrimSpace(v); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	date := func(key string) func(graph.Entity) any {
		return func(e graph.Entity) any { d, _ := graph.ParseDate(e.Attr(key)); return d }
	}
	mitre := field[graph.Entity](graphql.String, "The MITRE ATT&CK id, e.g. G0065.", attr("mitre_attack_id"))
	extra := map[graph.Kind]graphql.Fields{
		graph.ThreatActor:  {"mitreAttackId": mitre},
		graph.Malware:      {"mitreAttackId": mitre},
		graph.Organization: {"orgType": field(graphql.String, "GOVERNMENT, AGENCY, COMPANY, FRONT_COMPANY, UNIVERSITY, ALLIANCE ...", attr("org_type"))},
		graph.Country: {
			"iso2": field(graphql.NewNonNull(graphql.String), "ISO 3166-1 alpha-2 code.", func(e graph.Entity) any { return e.Attr("iso2") }),
			"iso3": field(graphql.String, "ISO 3166-1 alpha-3 code.", attr("iso3")),
		},
		graph.Vulnerability: {"cves": field(nonNullList(graphql.String), "CVE identifiers.", list("cves", ","))},
		graph.Event: {"eventType": field(graphql.NewNonNull(graphql.String), "ATTRIBUTION, ADVISORY, DISCLOSURE, STATEMENT, LEGAL_ACTION, LEAK, COMMITMENT ...", func(e graph.Entity) any {
			if v := e.Attr("event_type"); v != "" {
				return v
			}
			return "OTHER"
		})},
		graph.Indictment: {
			"court":      field(graphql.String, "", attr("court")),
			"caseNumber": field(graphql.String, "", attr("case_number")),
			"filed":      field(partialDate, "", date("filed")),
			"unsealed":   field(partialDate, "", date("unsealed")),
			"charges":    field(nonNullList(graphql.String), "The charges, as far as known.", list("charges", ";")),
			"defendants": {Type: nonNullList(t.entity), Description: "Who it charges.", Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
				q := graph.RelationQuery{Direction: graph.Out, Types: []string{"CHARGES"}, Limit: graph.MaxRelations}
				return batcherFrom(p.Context).ends(sourceAs[graph.Entity](p.Source).ID, q), nil
			})},
		},
	}
	for _, k := range graph.Kinds {
		k := k
		t.objects[k] = graphql.NewObject(graphql.ObjectConfig{
			Name:        kindObjectNames[k],
			Description: "An entity of kind " + string(k) + ".",
			Interfaces:  []*graphql.Interface{t.entity},
			Fields: graphql.FieldsThunk(func() graphql.Fields {
				fs := t.entityFields()
				for name, f := range extra[k] {
					fs[name] = f
				}
				return fs
			}),
			IsTypeOf: func(p graphql.IsTypeOfParams) bool {
				switch e := p.Value.(type) {
				case graph.Entity:
					return e.Kind == k
				case *graph.Entity:
					return e.Kind == k
				}
				return false
			},
		})
	}

	dateFilterFields := graphql.InputObjectConfigFieldMap{
		"kinds":         {Type: graphql.NewList(graphql.NewNonNull(t.kind))},
		"from":          {Type: partialDate, Description: "Keep what overlaps [from, to]."},
		"to":            {Type: partialDate},
		"minConfidence": {Type: graphql.Int},
		"knownAt": {Type: partialDate, Description: "Keep only claims known by this date: " +
			"with a source certainly public by then, or made by a public act by then (an attribution, a statement, an indictment's " +
			"unsealing, a sanction: known from its own date, with what it says; a month or a year counts from its last day)."},
	}
	gf := graphql.InputObjectConfigFieldMap{"relationTypes": {Type: graphql.NewList(graphql.NewNonNull(graphql.String))}}
	tf := graphql.InputObjectConfigFieldMap{"entities": {Type: graphql.NewList(graphql.NewNonNull(graphql.ID)), Description: "Items that are, or touch, one of these."}}
	for name, f := range dateFilterFields {
		gf[name], tf[name] = f, f
	}
	t.graphFilter = graphql.NewInputObject(graphql.InputObjectConfig{Name: "GraphFilter", Fields: gf})
	t.timelineFilter = graphql.NewInputObject(graphql.InputObjectConfig{Name: "TimelineFilter", Fields: tf})
	return t
}

// entityFields are the fields of the Entity interface, with their resolvers.
func (t *types) entityFields() graphql.Fields {
	return graphql.Fields{
		"id":          field(graphql.NewNonNull(graphql.ID), `Stable, human-readable slug, e.g. "apt40", "ding-xiaoyang".`, func(e graph.Entity) any { return e.ID }),
		"kind":        field(graphql.NewNonNull(t.kind), "", func(e graph.Entity) any { return string(e.Kind) }),
		"name":        field(graphql.NewNonNull(graphql.String), "", func(e graph.Entity) any { return e.Name }),
		"aliases":     field(nonNullList(graphql.String), "", func(e graph.Entity) any { return nonNil(e.Aliases) }),
		"description": field(graphql.String, "", func(e graph.Entity) any { return optional(e.Description) }),
		"start":       field(partialDate, "When it began or happened.", func(e graph.Entity) any { return e.Start }),
		"end":         field(partialDate, "When it ended, if it did.", func(e graph.Entity) any { return e.End }),
		"attributes": field(nonNullList(t.attribute), "", func(e graph.Entity) any {
			if e.Attributes == nil {
				return []graph.Attribute{}
			}
			return e.Attributes
		}),
		"sources": t.sourcesField(func(v any) []string { return sourceAs[graph.Entity](v).Sources }),
		"alternatives": field(nonNullList(t.alternative), "Values other datasets give for the description, start or end.", func(e graph.Entity) any {
			if e.Alternatives == nil {
				return []graph.Alternative{}
			}
			return e.Alternatives
		}),
		"relationCounts": {
			Type:        nonNullList(t.relationCount),
			Description: "All the entity's relations counted by type and direction, most first (then by type); no filter applies.",
			Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
				e := sourceAs[graph.Entity](p.Source)
				rels := batcherFrom(p.Context).relations(e.ID, graph.RelationQuery{Direction: graph.Both, Limit: graph.MaxRelations})
				return thunk(func() (any, error) {
					v, err := rels()
					if err != nil {
						return nil, err
					}
					return countRelations(e.ID, v.([]graph.Relation)), nil
				}), nil
			}),
		},
		"attributingStates": {
			Type: nonNullList(t.stateDerivation),
			Description: "The keys of this item in the aggregates' ATTRIBUTING_COUNTRY, each with the relations it was derived " +
				"from (ISSUED_BY a country; an issuer's government, through PART_OF, WORKS_FOR and GOVERNMENT_OF; or, for an " +
				"attribution by the receiver's government, the one country its incident TARGETED), read with the same knownAt " +
				"and minConfidence as an aggregate's. Empty for an item with none (a company's, the media's, the attacker's own " +
				"attribution, or not an act).",
			Args: graphql.FieldConfigArgument{
				"knownAt":       {Type: partialDate},
				"minConfidence": {Type: graphql.Int},
			},
			Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
				e := sourceAs[graph.Entity](p.Source)
				knownAt, err := dateArg(p.Args, "knownAt", "knownAt")
				if err != nil {
					return nil, err
				}
				minConfidence := intPtr(p.Args["minConfidence"])
				if err := (&graph.Filter{MinConfidence: minConfidence}).Check(); err != nil {
					return nil, err
				}
				out, err := graph.AttributingStates(p.Context, batcherFrom(p.Context).store, &e, knownAt, minConfidence)
				if out == nil {
					out = []graph.StateDerivation{}
				}
				return out, err
			}),
		},
		"relations": {
			Type: nonNullList(t.relation),
			Args: graphql.FieldConfigArgument{
				"direction": {Type: t.direction, DefaultValue: string(graph.Both)},
				"types":     {Type: graphql.NewList(graphql.NewNonNull(graphql.String))},
				"first":     {Type: graphql.Int, DefaultValue: 100},
			},
			Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
				q := graph.RelationQuery{Direction: graph.Direction(p.Args["direction"].(string)),
					Types: strings_(p.Args["types"]), Limit: p.Args["first"].(int)}
				if err := q.Check(); err != nil {
					return nil, err
				}
				return batcherFrom(p.Context).relations(sourceAs[graph.Entity](p.Source).ID, q), nil
			}),
		},
	}
}

// sourcesField lists the sources a claim cites; with knownAt, only those
// certainly public by that date (graph.PublicBy), as the knownAt filters
// count them.
func (t *types) sourcesField(ids func(any) []string) *graphql.Field {
	return &graphql.Field{
		Type: nonNullList(t.source),
		Args: graphql.FieldConfigArgument{"knownAt": {Type: partialDate,
			Description: `Only the sources certainly public on this date: a source dated "2021-07" counts from 31 July, "2021" from 31 December.`}},
		Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
			knownAt, err := dateArg(p.Args, "knownAt", "knownAt")
			if err != nil {
				return nil, err
			}
			list := batcherFrom(p.Context).sourceList(ids(p.Source))
			if knownAt.IsZero() {
				return list, nil
			}
			return func() (any, error) {
				all, err := list()
				if err != nil {
					return nil, err
				}
				var out []graph.Source
				for _, s := range all.([]graph.Source) {
					if graph.PublicBy(s.Published, knownAt) {
						out = append(out, s)
					}
				}
				return nonNilSources(out), nil
			}, nil
		}),
	}
}

// relationCount is one row of Entity.relationCounts.
type relationCount struct {
	Type      string
	Direction graph.Direction
	Count     int
	AtLeast   bool
}

// countRelations counts the relations of entity id by type and direction.
func countRelations(id string, rels []graph.Relation) []relationCount {
	counts := map[[2]string]int{}
	for i := range rels {
		r := &rels[i]
		dir := graph.Out
		if r.To == id {
			dir = graph.In
		}
		counts[[2]string{r.Type, string(dir)}]++
	}
	out := make([]relationCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, relationCount{Type: k[0], Direction: graph.Direction(k[1]), Count: n, AtLeast: len(rels) >= graph.MaxRelations})
	}
	slices.SortFunc(out, func(a, b relationCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if a.Type != b.Type {
			return strings.Compare(a.Type, b.Type)
		}
		return strings.Compare(string(a.Direction), string(b.Direction))
	})
	return out
}

func nonNilSources(s []graph.Source) []graph.Source {
	if s == nil {
		return []graph.Source{}
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// strings_ converts a GraphQL list of strings.
func strings_(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

func kinds(v any) []graph.Kind {
	var out []graph.Kind
	for _, s := range strings_(v) {
		out = append(out, graph.Kind(s))
	}
	return out
}
