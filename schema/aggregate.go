package schema

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// Query.aggregate and Query.timeToAttribution: the counts and lags of
// graph/aggregate.go (graph.Aggregator), for the trends view.

// Defaults of the aggregate fields.
const (
	defaultBuckets   = 100 // buckets of one answer
	defaultBucketIDs = 10  // ids or items of one bucket
)

var errNoAggregates = errors.New("aggregates are not available: this server's store does not compute them")

// aggBucket is a bucket as the API resolves it.
type aggBucket struct {
	graph.Bucket
	lags *graph.LagStats // for time to attribution
}

type aggResult struct {
	groupBy     []graph.Dimension
	measure     graph.Measure
	total       int
	bucketCount int
	wideDays    int
	buckets     []aggBucket
}

// aggregateFields are the root fields of aggregates; schema.New adds them to Query.
func aggregateFields(t *types, store graph.Store) graphql.Fields {
	measureValues := graphql.EnumValueConfigMap{}
	for _, m := range graph.Measures {
		measureValues[string(m)] = &graphql.EnumValueConfig{Value: string(m), Description: measureDescriptions[m]}
	}
	measure := graphql.NewEnum(graphql.EnumConfig{Name: "AggregateMeasure", Values: measureValues,
		Description: "What an aggregate counts."})
	dimensionValues := graphql.EnumValueConfigMap{}
	for _, d := range graph.Dimensions {
		dimensionValues[string(d)] = &graphql.EnumValueConfig{Value: string(d), Description: dimensionDescriptions[d]}
	}
	dimension := graphql.NewEnum(graphql.EnumConfig{Name: "AggregateDimension", Values: dimensionValues,
		Description: "What buckets are keyed by. An item with several keys in a dimension (a joint attribution) is counted " +
			"in the bucket of each, so buckets may add up to more than the total; an item with none falls in the " +
			"dimension's none bucket (a key whose id is null)."})
	order := graphql.NewEnum(graphql.EnumConfig{Name: "BucketOrder", Values: graphql.EnumValueConfigMap{
		"KEY":   {Value: string(graph.ByKey), Description: "By key, dimension by dimension: dates and ids ascending, the none key last."},
		"COUNT": {Value: string(graph.ByCount), Description: "The largest buckets first, then by key."},
	}})
	condition := graphql.NewInputObject(graphql.InputObjectConfig{Name: "AggregateCondition",
		Description: "Keeps the items with a key of the dimension among the values.",
		Fields: graphql.InputObjectConfigFieldMap{
			"dimension": {Type: graphql.NewNonNull(dimension)},
			"values": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.String))),
				Description: `Entity ids, "2021" or "2021-03" for YEAR and MONTH, attribute values for the types.`},
		}})
	filter := graphql.NewInputObject(graphql.InputObjectConfig{Name: "AggregateFilter", Fields: graphql.InputObjectConfigFieldMap{
		"from": {Type: partialDate, Description: "Keep the items whose own date overlaps [from, to]; with a window, undated items are left out."},
		"to":   {Type: partialDate},
		"knownAt": {Type: partialDate, Description: "Count what was known by this date: the items, and the relations every dimension " +
			"reads, with a source certainly public by then, or made public by a public act by then: an attribution, a statement, " +
			"a political response, an indictment's unsealing or a sanction is known from its own date, and so is what it says " +
			"(ISSUED_BY, ACCUSES, CONCERNS, CHARGES). A date of month or year precision counts from its last day (\"2018\" from " +
			"31 December 2018). Incidents are not public acts: one is known from its sources."},
		"minConfidence": {Type: graphql.Int, Description: "Read only the relations with at least this confidence (0 to 100; " +
			"relations without one go): the keys of every dimension and the incidents an item concerns. Items are entities and are not filtered."},
		"kinds":    {Type: graphql.NewList(graphql.NewNonNull(t.kind)), Description: "Items of these kinds only, among those the measure counts."},
		"entities": {Type: graphql.NewList(graphql.NewNonNull(graphql.ID)), Description: "Items that are, concern, or have as a key one of these."},
		"datasets": {Type: graphql.NewList(graphql.NewNonNull(graphql.ID)), Description: "Items that cite one of these datasets (Query.datasets)."},
		"where":    {Type: graphql.NewList(graphql.NewNonNull(condition)), Description: "Conditions all of which an item must pass."},
	}})
	key := graphql.NewObject(graphql.ObjectConfig{Name: "AggregateKey", Fields: graphql.Fields{
		"dimension": field(graphql.NewNonNull(dimension), "", func(k graph.Key) any { return string(k.Dimension) }),
		"id": field(graphql.String, `The entity's id, "2021" or "2021-03", or the attribute's value; null for the none bucket. `+
			`Under MONTH, a year ("2021") holds the items dated to that year only: their month is unknown.`,
			func(k graph.Key) any { return optional(k.ID) }),
		"name": field(graphql.String, `The entity's name, the date ("2021, month unknown"), or the value; null for none.`,
			func(k graph.Key) any { return optional(k.Name) }),
		"kind": field(t.kind, "The entity's kind, for entity dimensions.", func(k graph.Key) any { return optional(string(k.Kind)) }),
		"entity": {Type: t.entity, Description: "The entity, for entity dimensions.", Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
			k := sourceAs[graph.Key](p.Source)
			if k.Kind == "" || k.ID == "" {
				return nil, nil
			}
			return batcherFrom(p.Context).entity(k.ID), nil
		})},
	}})
	firstArg := graphql.FieldConfigArgument{"first": {Type: graphql.Int, DefaultValue: defaultBucketIDs}}
	bucketFields := func() graphql.Fields {
		return graphql.Fields{
			"keys":  field(nonNullList(key), "One per dimension of groupBy, in its order.", func(b aggBucket) any { return b.Keys }),
			"count": field(graphql.NewNonNull(graphql.Int), "The items in the bucket.", func(b aggBucket) any { return b.Count }),
			"ids": {Type: nonNullList(graphql.ID), Description: "The first ids of the items, in id order.", Args: firstArg,
				Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
					return firstOf(sourceAs[aggBucket](p.Source).IDs, p.Args["first"].(int))
				})},
			"items": {Type: nonNullList(t.entity), Description: "The first items, in id order.", Args: firstArg,
				Resolve: resolver(func(p graphql.ResolveParams) (any, error) {
					ids, err := firstOf(sourceAs[aggBucket](p.Source).IDs, p.Args["first"].(int))
					if err != nil {
						return nil, err
					}
					l := batcherFrom(p.Context)
					for _, id := range ids {
						l.entity(id) // registered, so that the level is fetched at once
					}
					return func() (any, error) { return l.entityList(ids) }, nil
				})},
		}
	}
	bucket := graphql.NewObject(graphql.ObjectConfig{Name: "AggregateBucket", Fields: bucketFields()})
	aggregate := graphql.NewObject(graphql.ObjectConfig{Name: "Aggregate", Fields: graphql.Fields{
		"measure":     field(graphql.NewNonNull(measure), "", func(r aggResult) any { return string(r.measure) }),
		"groupBy":     field(nonNullList(dimension), "", func(r aggResult) any { return dimensionStrings(r.groupBy) }),
		"total":       field(graphql.NewNonNull(graphql.Int), "The items counted, each once.", func(r aggResult) any { return r.total }),
		"bucketCount": field(graphql.NewNonNull(graphql.Int), "The buckets in all: more than returned when first cut them.", func(r aggResult) any { return r.bucketCount }),
		"buckets":     field(nonNullList(bucket), "", func(r aggResult) any { return r.buckets }),
	}})

	quantile := graphql.NewObject(graphql.ObjectConfig{Name: "LagQuantile",
		Description: "A quantile of the lags in days: of the midpoints of their intervals, and the same quantile of their " +
			"lower and upper bounds, between which the true quantile lies whatever the lags within their intervals.",
		Fields: graphql.Fields{
			"days":  field(graphql.NewNonNull(graphql.Float), "Of the midpoints.", func(q graph.Quantile) any { return q.Mid }),
			"lower": field(graphql.NewNonNull(graphql.Float), "Of the lower bounds.", func(q graph.Quantile) any { return q.Lo }),
			"upper": field(graphql.NewNonNull(graphql.Float), "Of the upper bounds.", func(q graph.Quantile) any { return q.Hi }),
		}})
	measured := func(get func(graph.LagStats) any) func(graph.LagStats) any {
		return func(s graph.LagStats) any {
			if s.Measured == 0 {
				return nil
			}
			return get(s)
		}
	}
	distribution := graphql.NewObject(graphql.ObjectConfig{Name: "LagDistribution",
		Description: "The time from the start of each incident an attribution CONCERNS to the attribution's date, in days. " +
			"A date known to the month or the year gives an interval [lower, upper], never a false exact number; " +
			"an attribution follows what it concerns, so a lower bound below 0 is 0.",
		Fields: graphql.Fields{
			"measured": field(graphql.NewNonNull(graphql.Int), "Intervals measured: an attribution and an incident it concerns, both dated.",
				func(s graph.LagStats) any { return s.Measured }),
			"exact": field(graphql.NewNonNull(graphql.Int), "Intervals known to the day.", func(s graph.LagStats) any { return s.Exact }),
			"wide": field(graphql.NewNonNull(graphql.Int), "Intervals whose bounds lie more than wideDays apart.",
				func(s graph.LagStats) any { return s.Wide }),
			"beforeStart": field(graphql.NewNonNull(graphql.Int), "Intervals where the attribution is dated before the incident began: "+
				"an inconsistency of the data, left out of the statistics.", func(s graph.LagStats) any { return s.BeforeStart }),
			"undated": field(graphql.NewNonNull(graphql.Int), "Attributions with nothing measured: no date, or no dated incident.",
				func(s graph.LagStats) any { return s.Undated }),
			"minDays": field(graphql.Int, "The smallest lower bound; null when nothing was measured.", measured(func(s graph.LagStats) any { return s.MinDays })),
			"maxDays": field(graphql.Int, "The largest upper bound.", measured(func(s graph.LagStats) any { return s.MaxDays })),
			"q1":      field(quantile, "The first quartile.", measured(func(s graph.LagStats) any { return s.Q1 })),
			"median":  field(quantile, "", measured(func(s graph.LagStats) any { return s.Median })),
			"q3":      field(quantile, "The third quartile.", measured(func(s graph.LagStats) any { return s.Q3 })),
		}})
	lagFields := bucketFields()
	lagFields["count"] = field(graphql.NewNonNull(graphql.Int), "The attributions in the bucket.", func(b aggBucket) any { return b.Count })
	lagFields["lags"] = field(graphql.NewNonNull(distribution), "", func(b aggBucket) any { return *b.lags })
	lagBucket := graphql.NewObject(graphql.ObjectConfig{Name: "TimeToAttributionBucket", Fields: lagFields})
	lagResult := graphql.NewObject(graphql.ObjectConfig{Name: "TimeToAttribution", Fields: graphql.Fields{
		"groupBy":     field(nonNullList(dimension), "", func(r aggResult) any { return dimensionStrings(r.groupBy) }),
		"total":       field(graphql.NewNonNull(graphql.Int), "The attributions counted, each once.", func(r aggResult) any { return r.total }),
		"bucketCount": field(graphql.NewNonNull(graphql.Int), "", func(r aggResult) any { return r.bucketCount }),
		"wideDays":    field(graphql.NewNonNull(graphql.Int), "", func(r aggResult) any { return r.wideDays }),
		"buckets":     field(nonNullList(lagBucket), "", func(r aggResult) any { return r.buckets }),
	}})

	args := func(extra graphql.FieldConfigArgument) graphql.FieldConfigArgument {
		a := graphql.FieldConfigArgument{
			"groupBy": {Type: graphql.NewList(graphql.NewNonNull(dimension)), DefaultValue: []any{},
				Description: fmt.Sprintf("At most %d dimensions; none gives one bucket, the total.", graph.MaxGroupBy)},
			"filter":  {Type: filter},
			"orderBy": {Type: order, DefaultValue: string(graph.ByKey)},
			"first":   {Type: graphql.Int, DefaultValue: defaultBuckets, Description: fmt.Sprintf("Buckets, at most %d.", graph.MaxBuckets)},
			"idsAfter": {Type: graphql.ID, Description: "Each bucket's ids and items start after this id (they come in id order): " +
				"the next page of a bucket, which a where condition on its keys selects."},
		}
		for k, v := range extra {
			a[k] = v
		}
		return a
	}
	aggregator := func(fn func(graph.Aggregator, graphql.ResolveParams) (any, error)) graphql.FieldResolveFn {
		inner := resolver(func(p graphql.ResolveParams) (any, error) { return fn(store.(graph.Aggregator), p) })
		return func(p graphql.ResolveParams) (any, error) {
			if _, ok := store.(graph.Aggregator); !ok {
				return nil, errNoAggregates
			}
			return inner(p)
		}
	}
	return graphql.Fields{
		"aggregate": {Type: graphql.NewNonNull(aggregate),
			Description: "Counts of attributions, incidents, legal or political responses, by one or two dimensions: " +
				"each bucket with its count and the ids of what it counts.",
			Args: args(graphql.FieldConfigArgument{"measure": {Type: graphql.NewNonNull(measure)}}),
			Resolve: aggregator(func(a graph.Aggregator, p graphql.ResolveParams) (any, error) {
				q, err := aggregateQueryArgs(p)
				if err != nil {
					return nil, err
				}
				res, err := a.Aggregate(p.Context, q)
				if err != nil {
					return nil, err
				}
				out := aggResult{measure: q.Measure, groupBy: q.GroupBy, total: res.Total, bucketCount: res.BucketCount, buckets: []aggBucket{}}
				for _, b := range res.Buckets {
					out.buckets = append(out.buckets, aggBucket{Bucket: b})
				}
				return out, batcherFrom(p.Context).count(len(out.buckets))
			})},
		"timeToAttribution": {Type: graphql.NewNonNull(lagResult),
			Description: "The time from the start of an incident to its attribution, as a distribution over the attributions of each bucket.",
			Args: args(graphql.FieldConfigArgument{"wideDays": {Type: graphql.Int, DefaultValue: graph.DefaultWideDays,
				Description: "An interval whose bounds lie more than this many days apart counts as wide."}}),
			Resolve: aggregator(func(a graph.Aggregator, p graphql.ResolveParams) (any, error) {
				q, err := aggregateQueryArgs(p)
				if err != nil {
					return nil, err
				}
				q.Measure = graph.Attributions
				if q.WideDays = p.Args["wideDays"].(int); q.WideDays == 0 {
					return nil, argError("wideDays", errors.New("must be at least 1"))
				}
				res, err := a.TimeToAttribution(p.Context, q)
				if err != nil {
					return nil, err
				}
				out := aggResult{groupBy: q.GroupBy, total: res.Total, bucketCount: res.BucketCount, wideDays: q.Wide(), buckets: []aggBucket{}}
				for _, b := range res.Buckets {
					out.buckets = append(out.buckets, aggBucket{Bucket: b.Bucket, lags: &b.Lags})
				}
				return out, batcherFrom(p.Context).count(len(out.buckets))
			})},
	}
}

var measureDescriptions = map[graph.Measure]string{
	graph.Attributions: "EVENTs of event_type ATTRIBUTION. Their dimensions read their own relations (ISSUED_BY, ACCUSES, " +
		"CONCERNS) and those of the incidents they CONCERN.",
	graph.Incidents: "CAMPAIGNs, and EVENTs of an incident's event_type (INTRUSION, LEAK). Attributed to a state by the " +
		"initiator coding: group by ATTRIBUTED_COUNTRY (ATTRIBUTED_TO, CONDUCTED); by any attribution that names it: " +
		"ACCUSED_COUNTRY (the ACCUSES of the attributions that CONCERN it).",
	graph.LegalResponses: "INDICTMENTs: indictments, sanctions, investigations. Their dimensions read their ISSUED_BY and " +
		"ACCUSES, and the relations of the incidents they CONCERN.",
	graph.PoliticalResponses: "EVENTs of event_type POLITICAL_RESPONSE, read as legal responses are.",
}

var dimensionDescriptions = map[graph.Dimension]string{
	graph.ByYear:  "The year of the item's own date.",
	graph.ByMonth: `Its month; an item dated to the year only is keyed by the year ("2021, month unknown"): no month is invented.`,
	graph.ByAttributingCountry: "The states that issued the item (not for INCIDENTS), along sourced chains: the countries it " +
		"is ISSUED_BY, and those whose government an issuer is part of (ISSUED_BY an agency or official, up to two PART_OF or " +
		"WORKS_FOR, then GOVERNMENT_OF); with none, an attribution whose attribution_basis is \"" + graph.ReceiverGovernmentBasis +
		"\" is the receiver's: the country its incidents TARGETED, if they TARGETED one (of several, which attributed is " +
		"not said: none). An attribution whose basis says a company, the media " +
		"or the attacker itself attributed has none (the country a dataset gives is the attributor's home). Drill into an " +
		"item to see the relations each key was derived from.",
	graph.ByAttributorType: "Who attributed, by kind: STATE, INTERNATIONAL_ORGANIZATION, COMPANY, MEDIA or SELF (the " +
		"attacker itself); none: unknown (not for INCIDENTS). Read from the attribution_basis when it says who attributed " +
		"(EuRepoC's codes: attacker confirms, IT-security community, media-based, by receiver government, by an EU or " +
		"international organisation); otherwise STATE when the item has an ATTRIBUTING_COUNTRY, and the org_type of each " +
		"organisation it is ISSUED_BY (GOVERNMENT and AGENCY a state, ALLIANCE and FORUM an international organisation, " +
		"COMPANY a company). A joint attribution by states and an alliance has both keys.",
	graph.ByAccusedCountry: "The countries an attribution names: for ATTRIBUTIONS those they ACCUSE; for INCIDENTS " +
		"those ACCUSED by any attribution that CONCERNS them (where ATTRIBUTED_COUNTRY reads the initiator coding). " +
		"Attributions and incidents only.",
	graph.ByAttributingActor:  "The agencies, companies and officials it is ISSUED_BY (not for INCIDENTS).",
	graph.ByAttributedCountry: "The countries an attribution ACCUSES; for the other measures also those their incidents are ATTRIBUTED_TO.",
	graph.ByAttributedActor:   "The same for actors and organisations, and for the other measures who CONDUCTED their incidents.",
	graph.ByVictimCountry:     "The countries the incident TARGETED (for attributions and responses, the incidents they CONCERN).",
	graph.BySector:            "The sectors the incident TARGETED.",
	graph.ByAttributionType:   "The attribution's attribution_type (ATTRIBUTIONS only).",
	graph.ByAttributionBasis:  "The attribution's attribution_basis (ATTRIBUTIONS only).",
	graph.ByResponseType:      "The response's legal_action, or else its response_type (responses only).",
}

// aggregateQueryArgs reads the arguments common to both fields.
func aggregateQueryArgs(p graphql.ResolveParams) (graph.AggregateQuery, error) {
	q := graph.AggregateQuery{Limit: p.Args["first"].(int), OrderBy: graph.BucketOrder(p.Args["orderBy"].(string))}
	q.IDsAfter, _ = p.Args["idsAfter"].(string)
	if m, ok := p.Args["measure"].(string); ok {
		q.Measure = graph.Measure(m)
	}
	for _, d := range strings_(p.Args["groupBy"]) {
		q.GroupBy = append(q.GroupBy, graph.Dimension(d))
	}
	if args, ok := p.Args["filter"].(map[string]any); ok {
		var err error
		if q.Window, q.KnownAt, err = dates(args); err != nil {
			return q, err
		}
		q.Kinds, q.Entities, q.Datasets = kinds(args["kinds"]), strings_(args["entities"]), strings_(args["datasets"])
		q.MinConfidence = intPtr(args["minConfidence"])
		if len(q.Entities) == 0 {
			q.Entities = nil
		}
		if len(q.Datasets) == 0 {
			q.Datasets = nil
		}
		list, _ := args["where"].([]any)
		for _, c := range list {
			c := c.(map[string]any)
			q.Where = append(q.Where, graph.Condition{Dimension: graph.Dimension(c["dimension"].(string)), Values: strings_(c["values"])})
		}
	}
	ids, err := bucketIDsWanted(p)
	if err != nil {
		return q, err
	}
	q.IDs = ids
	return q, nil
}

// bucketIDsWanted is the most ids or items any selection of buckets asks
// for (their first argument, default defaultBucketIDs), so that the store
// returns no more; 0 when none asks.
func bucketIDsWanted(p graphql.ResolveParams) (int, error) {
	most := 0
	var walk func(set *ast.SelectionSet, inBuckets bool, seen map[string]bool) error
	walk = func(set *ast.SelectionSet, inBuckets bool, seen map[string]bool) error {
		if set == nil {
			return nil
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				name := ""
				if sel.Name != nil {
					name = sel.Name.Value
				}
				switch {
				case !inBuckets && name == "buckets":
					if err := walk(sel.SelectionSet, true, seen); err != nil {
						return err
					}
				case inBuckets && (name == "ids" || name == "items"):
					n, err := firstArgument(p, sel)
					if err != nil {
						return err
					}
					most = max(most, n)
				}
			case *ast.InlineFragment:
				if err := walk(sel.SelectionSet, inBuckets, seen); err != nil {
					return err
				}
			case *ast.FragmentSpread:
				name := sel.Name.Value
				if def, ok := p.Info.Fragments[name].(*ast.FragmentDefinition); ok && !seen[name] {
					seen[name] = true // validation refused cycles; each fragment once is enough
					if err := walk(def.SelectionSet, inBuckets, seen); err != nil {
						return err
					}
					delete(seen, name)
				}
			}
		}
		return nil
	}
	for _, f := range p.Info.FieldASTs {
		if err := walk(f.SelectionSet, false, map[string]bool{}); err != nil {
			return 0, err
		}
	}
	return most, nil
}

// firstArgument is the value of the first argument of a bucket's ids or items.
func firstArgument(p graphql.ResolveParams, f *ast.Field) (int, error) {
	n := defaultBucketIDs
	for _, a := range f.Arguments {
		if a.Name == nil || a.Name.Value != "first" {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.IntValue:
			i, err := strconv.Atoi(v.Value)
			if err != nil {
				return 0, argError("buckets.ids(first)", err)
			}
			n = i
		case *ast.Variable:
			if x, ok := p.Info.VariableValues[v.Name.Value]; ok && x != nil {
				i, ok := x.(int)
				if !ok {
					return 0, argError("buckets.ids(first)", fmt.Errorf("%v is not an integer", x))
				}
				n = i
			}
		}
	}
	if n < 0 || n > graph.MaxBucketIDs {
		return 0, argError("buckets.ids(first)", fmt.Errorf("must be between 0 and %d, not %d", graph.MaxBucketIDs, n))
	}
	return n, nil
}

// firstOf is the first n ids.
func firstOf(ids []string, n int) ([]string, error) {
	if n < 0 || n > graph.MaxBucketIDs {
		return nil, argError("first", fmt.Errorf("must be between 0 and %d, not %d", graph.MaxBucketIDs, n))
	}
	return ids[:min(n, len(ids))], nil
}

func dimensionStrings(ds []graph.Dimension) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, string(d))
	}
	return out
}
