package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/attribution-explorer/attribution/graph"
)

var _ graph.Aggregator = (*Store)(nil)

// The rules of graph/aggregate.go in Cypher. One query selects the items
// of the measure that pass the filters (kind and event type, window,
// known-at, datasets), collects the incidents of each and its keys in the
// dimensions the query needs (pattern subqueries over known relations),
// applies the conditions, and groups the items into buckets, which Go
// orders and cuts to the limit (Store.buckets). Every value is a parameter;
// the text varies only with the measure and the dimensions, chosen from
// fixed fragments.

// Aggregate counts items by their keys.
func (s *Store) Aggregate(ctx context.Context, q graph.AggregateQuery) (graph.AggregateResult, error) {
	if err := q.Check(); err != nil {
		return graph.AggregateResult{}, err
	}
	total, all, err := s.buckets(ctx, &q, false)
	if err != nil {
		return graph.AggregateResult{}, err
	}
	res := graph.AggregateResult{Total: total, BucketCount: len(all), Buckets: []graph.Bucket{}}
	for _, b := range all[:min(q.Limit, len(all))] {
		for _, id := range b.members {
			b.IDs = append(b.IDs, id.(string))
		}
		res.Buckets = append(res.Buckets, b.Bucket)
	}
	return res, nil
}

// TimeToAttribution groups attributions in Cypher, which returns the date
// of each and the starts of its incidents; graph.Summarize measures them,
// as in the memory store.
func (s *Store) TimeToAttribution(ctx context.Context, q graph.AggregateQuery) (graph.LagResult, error) {
	if err := q.CheckLags(); err != nil {
		return graph.LagResult{}, err
	}
	total, all, err := s.buckets(ctx, &q, true)
	if err != nil {
		return graph.LagResult{}, err
	}
	res := graph.LagResult{Total: total, BucketCount: len(all), Buckets: []graph.LagBucket{}}
	for _, b := range all[:min(q.Limit, len(all))] {
		var in []graph.LagInput
		for _, m := range b.members {
			member := m.([]any) // [id, date, starts]
			if id := member[0].(string); q.KeepsBucketID(id, len(b.IDs)) {
				b.IDs = append(b.IDs, id)
			}
			d, _ := member[1].(string)
			li := graph.LagInput{Date: mustDate(d)}
			for _, st := range member[2].([]any) {
				li.Starts = append(li.Starts, mustDate(st.(string)))
			}
			in = append(in, li)
		}
		res.Buckets = append(res.Buckets, graph.LagBucket{Bucket: b.Bucket, Lags: graph.Summarize(in, q.Wide())})
	}
	return res, nil
}

// rawBucket is a bucket as the query returns it, before its ids are read.
type rawBucket struct {
	graph.Bucket
	members []any // ids (the page of them) or, for lags, [id, date, starts] of every item
}

// buckets runs the query of an aggregate and returns the number of items
// and every bucket, in the order of graph.CompareBuckets. The order is set
// here rather than in Cypher: sorting buckets that hold lists of members
// made Neo4j 5.26 take seconds (over 20 s for attributions by year and
// attributing country on the default data, 40 ms without the sort).
func (s *Store) buckets(ctx context.Context, q *graph.AggregateQuery, lags bool) (int, []rawBucket, error) {
	query, params := aggregateQuery(q, lags)
	recs, err := s.read(ctx, query, params)
	if err != nil {
		return 0, nil, err
	}
	var all []rawBucket
	for _, x := range value[[]any](recs[0], "buckets") {
		row := x.([]any)
		all = append(all, rawBucket{Bucket: graph.Bucket{Keys: toKeys(q.GroupBy, row[0].([]any)), Count: int(row[1].(int64)), IDs: []string{}},
			members: row[2].([]any)})
	}
	slices.SortFunc(all, func(a, b rawBucket) int { return graph.CompareBuckets(q.OrderBy, &a.Bucket, &b.Bucket) })
	return int(value[int64](recs[0], "total")), all, nil
}

// mustDate reads a date the store wrote (dateProp); "" is no date.
func mustDate(s string) graph.PartialDate {
	d, _ := graph.ParseDate(s)
	return d
}

// toKeys reads the keys of a bucket: per dimension [id, name, kind], or null for none.
func toKeys(dims []graph.Dimension, raw []any) []graph.Key {
	keys := make([]graph.Key, len(dims))
	for i, d := range dims {
		keys[i] = graph.Key{Dimension: d}
		if k, ok := raw[i].([]any); ok {
			keys[i].ID, keys[i].Name, keys[i].Kind = k[0].(string), k[1].(string), graph.Kind(k[2].(string))
		}
	}
	return keys
}

// Fragments of the query. known(x) is graph.KnownBy on a relation or an
// entity; attr(x, key) the value of an attribute, or null.
func known(x string) string { return fmt.Sprintf("($knownAt IS NULL OR %s.known <= $knownAt)", x) }

// keeps(r) is graph.AggregateQuery.KeepsRelation: known, and confident enough.
func keeps(r string) string {
	return fmt.Sprintf("%s AND ($minConfidence IS NULL OR %s.confidence >= $minConfidence)", known(r), r)
}

func attr(x, keyParam string) string {
	return fmt.Sprintf("head([j IN range(0, size(coalesce(%[1]s.attrKeys, [])) - 1) WHERE %[1]s.attrKeys[j] = $%[2]s | %[1]s.attrValues[j]])", x, keyParam)
}

// keyOf is a key made of entity x.
const keyOf = "[x.id, x.name, x.kind]"

// out: the keys of the entities x that item e reaches by a known relation
// of type typ whose end passes pred.
func out(from, typ, pred string) string {
	return fmt.Sprintf("MATCH (%s)-[r:REL]->(x:Entity) WHERE r.type = $%s AND %s AND %s RETURN DISTINCT %s AS k", from, typ, pred, keeps("r"), keyOf)
}

// dimensionKeys is the Cypher list of the keys of e in dimension d: each a
// list [id, name, kind], each once.
func dimensionKeys(q *graph.AggregateQuery, d graph.Dimension) string {
	const country, notCountry, sector = "x.kind = $kCountry", "x.kind <> $kCountry", "x.kind = $kSector"
	collect := func(branches ...string) string {
		return "COLLECT { " + strings.Join(branches, " UNION ") + " }"
	}
	attributed := func(pred string) string {
		branches := []string{out("e", "tAccuses", pred)}
		if q.Measure != graph.Attributions {
			branches = append(branches, "UNWIND incs AS i "+out("i", "tAttributedTo", pred),
				fmt.Sprintf("UNWIND incs AS i MATCH (x:Entity)-[r:REL]->(i) WHERE r.type = $tConducted AND %s AND %s RETURN DISTINCT %s AS k",
					pred, keeps("r"), keyOf))
		}
		return collect(branches...)
	}
	value := func(expr string) string {
		return fmt.Sprintf("[v IN [%s] WHERE v IS NOT NULL AND v <> '' | [v, v, '']]", expr)
	}
	switch d {
	case graph.ByYear:
		return "CASE WHEN e.start IS NULL THEN [] ELSE [[left(e.start, 4), left(e.start, 4), '']] END"
	case graph.ByMonth:
		return "CASE WHEN e.start IS NULL THEN [] WHEN e.prec = $yearPrecision THEN [[e.start, e.start + $monthUnknown, '']] " +
			"ELSE [[left(e.start, 7), left(e.start, 7), '']] END"
	case graph.ByAttributingCountry:
		return collect(out("e", "tIssuedBy", country))
	case graph.ByAttributingActor:
		return collect(out("e", "tIssuedBy", notCountry))
	case graph.ByAttributedCountry:
		return attributed(country)
	case graph.ByAttributedActor:
		return attributed(notCountry)
	case graph.ByVictimCountry:
		return collect("UNWIND incs AS i " + out("i", "tTargeted", country))
	case graph.BySector:
		return collect("UNWIND incs AS i " + out("i", "tTargeted", sector))
	case graph.ByAttributionType:
		return value(attr("e", "aAttributionType"))
	case graph.ByAttributionBasis:
		return value(attr("e", "aAttributionBasis"))
	case graph.ByResponseType:
		legal := attr("e", "aLegalAction")
		return value(fmt.Sprintf("CASE WHEN %[1]s IS NOT NULL AND %[1]s <> '' THEN %[1]s ELSE %[2]s END", legal, attr("e", "aResponseType")))
	}
	panic("unknown dimension " + string(d)) // Check refused it
}

// aggregateQuery builds the query of an aggregate, or with lags of a time
// to attribution, and its parameters.
func aggregateQuery(q *graph.AggregateQuery, lags bool) (string, map[string]any) {
	kinds, eventTypes := q.Measure.MeasureItems()
	if len(q.Kinds) > 0 {
		kinds = q.Kinds
	}
	wlo, whi := q.Window.Bounds()
	p := map[string]any{
		"itemKinds": kindStrings(kinds), "eventTypes": nonNil(eventTypes), "incidentEventTypes": graph.IncidentEventTypes,
		"windowed": !q.Window.IsZero(), "wlo": wlo, "whi": whi, "knownAt": nil, "minConfidence": nil,
		"datasets": nonNil(q.Datasets), "entities": nonNil(q.Entities), "ids": q.IDs, "idsAfter": nil, "limit": q.Limit,
		"monthUnknown": graph.MonthUnknown, "yearPrecision": int(graph.YearPrecision),
		"kEvent": string(graph.Event), "kCampaign": string(graph.Campaign), "kCountry": string(graph.Country), "kSector": string(graph.Sector),
		"tConcerns": "CONCERNS", "tIssuedBy": "ISSUED_BY", "tAccuses": "ACCUSES", "tAttributedTo": "ATTRIBUTED_TO",
		"tConducted": "CONDUCTED", "tTargeted": "TARGETED",
		"aEventType": graph.EventTypeKey, "aAttributionType": graph.AttributionTypeKey, "aAttributionBasis": graph.AttributionBasisKey,
		"aLegalAction": graph.LegalActionKey, "aResponseType": graph.ResponseTypeKey,
	}
	if !q.KnownAt.IsZero() {
		p["knownAt"] = q.KnownAt.Last()
	}
	if q.MinConfidence != nil {
		p["minConfidence"] = *q.MinConfidence
	}
	if q.IDsAfter != "" {
		p["idsAfter"] = q.IDsAfter
	}
	var b strings.Builder
	b.WriteString(`
		MATCH (e:Entity)
		WHERE e.kind IN $itemKinds
		  AND (e.kind <> $kEvent OR ` + attr("e", "aEventType") + ` IN $eventTypes)
		  AND (NOT $windowed OR (e.start IS NOT NULL AND e.lo <= $whi AND e.hi >= $wlo))
		  AND ` + known("e") + `
		  AND ($datasets = [] OR any(s IN coalesce(e.sources, []) WHERE any(d IN $datasets WHERE s = d OR s STARTS WITH d + '.')))
	`)
	if q.Measure == graph.Incidents {
		b.WriteString("WITH e, [e] AS incs\n")
	} else {
		b.WriteString(`WITH e, COLLECT {
			MATCH (e)-[c:REL]->(i:Entity)
			WHERE c.type = $tConcerns AND ` + keeps("c") + ` AND ` + known("i") + `
			  AND (i.kind = $kCampaign OR (i.kind = $kEvent AND ` + attr("i", "aEventType") + ` IN $incidentEventTypes))
			RETURN DISTINCT i
		} AS incs
	`)
	}
	needed := q.NeededDimensions()
	vars := map[graph.Dimension]string{}
	b.WriteString("WITH e, incs")
	for i, d := range needed {
		vars[d] = fmt.Sprintf("d%d", i)
		fmt.Fprintf(&b, ",\n\t%s AS %s", dimensionKeys(q, d), vars[d])
	}
	b.WriteString("\nWHERE true")
	for i, c := range q.Where {
		name := fmt.Sprintf("where%d", i)
		p[name] = c.Values
		fmt.Fprintf(&b, " AND any(k IN %s WHERE k[0] IN $%s)", vars[c.Dimension], name)
	}
	var entityKeys []string
	for _, d := range needed {
		if d.IsEntity() && len(q.Entities) > 0 {
			entityKeys = append(entityKeys, vars[d])
		}
	}
	if len(entityKeys) == 0 {
		entityKeys = []string{"[]"}
	}
	b.WriteString(" AND ($entities = [] OR e.id IN $entities OR any(i IN incs WHERE i.id IN $entities) OR any(k IN " +
		strings.Join(entityKeys, " + ") + " WHERE k[0] IN $entities))\n")

	// The rows, in id order: {id, g0, g1 ...} (and the date and the
	// incidents' starts for lags).
	b.WriteString("WITH e, incs")
	for _, d := range needed {
		b.WriteString(", " + vars[d])
	}
	b.WriteString(" ORDER BY e.id\nWITH collect({id: e.id")
	for i, d := range q.GroupBy {
		fmt.Fprintf(&b, ", g%d: %s", i, vars[d])
	}
	if lags {
		b.WriteString(", date: coalesce(e.start, ''), starts: [i IN incs WHERE i.start IS NOT NULL | i.start]")
	}
	b.WriteString("}) AS rows\nCALL (rows) {\n\tUNWIND rows AS row\n")
	var keys []string
	for i := range q.GroupBy {
		fmt.Fprintf(&b, "\tUNWIND CASE WHEN size(row.g%[1]d) = 0 THEN [null] ELSE row.g%[1]d END AS k%[1]d\n", i)
		keys = append(keys, fmt.Sprintf("k%d", i))
	}
	member := "row.id"
	if lags {
		member = "[row.id, row.date, row.starts]"
	}
	group := strings.Join(append(keys, "count(*) AS n", "collect("+member+") AS members"), ", ")
	fmt.Fprintf(&b, "\tWITH %s WHERE n > 0\n", group) // no rows and no dimension: no bucket
	members := "[m IN members WHERE $idsAfter IS NULL OR m > $idsAfter][..$ids]"
	if lags {
		members = "members"
	}
	fmt.Fprintf(&b, "\tRETURN collect([[%s], n, %s]) AS buckets\n}\n", strings.Join(keys, ", "), members)
	b.WriteString("RETURN size(rows) AS total, buckets") // ordered and cut in Go (Store.buckets)
	return b.String(), p
}
