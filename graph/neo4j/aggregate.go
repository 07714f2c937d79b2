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
// and applies the conditions; Go groups the rows into buckets with the
// memory store's code (Store.aggregateRows). Every value is a parameter;
// the text varies only with the measure and the dimensions, chosen from
// fixed fragments.

// Aggregate counts items by their keys.
func (s *Store) Aggregate(ctx context.Context, q graph.AggregateQuery) (graph.AggregateResult, error) {
	if err := q.Check(); err != nil {
		return graph.AggregateResult{}, err
	}
	rows, err := s.aggregateRows(ctx, &q, false)
	if err != nil {
		return graph.AggregateResult{}, err
	}
	plain := make([]graph.AggregateRow, len(rows))
	for i, r := range rows {
		plain[i] = r.AggregateRow
	}
	return graph.GroupRows(&q, plain), nil
}

// TimeToAttribution: the attributions Aggregate would count, each with its
// date and the starts of its incidents, summarised by graph.GroupLags as in
// the memory store.
func (s *Store) TimeToAttribution(ctx context.Context, q graph.AggregateQuery) (graph.LagResult, error) {
	if err := q.CheckLags(); err != nil {
		return graph.LagResult{}, err
	}
	rows, err := s.aggregateRows(ctx, &q, true)
	if err != nil {
		return graph.LagResult{}, err
	}
	return graph.GroupLags(&q, rows), nil
}

// aggregateRows runs the query of an aggregate: one row per item that
// passes the filters, with its keys in q.GroupBy (and, with lags, its date
// and the starts of its incidents). Go groups them (graph.GroupRows), as
// for the memory store: grouping in Cypher, in a subquery over the
// collected rows, made Neo4j 5.26 take over 20 s (its read timeout) on
// some plans for the default data, against 40 ms for the rows alone.
func (s *Store) aggregateRows(ctx context.Context, q *graph.AggregateQuery, lags bool) ([]graph.LagRow, error) {
	query, params := aggregateQuery(q, lags)
	recs, err := s.read(ctx, query, params)
	if err != nil {
		return nil, err
	}
	rows := make([]graph.LagRow, 0, len(recs))
	for _, rec := range recs {
		r := graph.LagRow{AggregateRow: graph.AggregateRow{ID: value[string](rec, "id"), Keys: make([][]graph.Key, len(q.GroupBy))}}
		for i, d := range q.GroupBy {
			for _, k := range value[[]any](rec, fmt.Sprintf("g%d", i)) {
				k := k.([]any) // [id, name, kind]
				r.Keys[i] = append(r.Keys[i], graph.Key{Dimension: d, ID: k[0].(string), Name: k[1].(string), Kind: graph.Kind(k[2].(string))})
			}
		}
		if lags {
			r.Date = mustDate(value[string](rec, "date"))
			for _, st := range value[[]any](rec, "starts") {
				r.Starts = append(r.Starts, mustDate(st.(string)))
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// mustDate reads a date the store wrote (dateProp); "" is no date.
func mustDate(s string) graph.PartialDate {
	d, _ := graph.ParseDate(s)
	return d
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
//
// The far ends of these patterns carry no label (only entities have REL
// relations): with (x:Entity), Neo4j 5.26 may plan the subquery from an
// index seek on x.kind = COUNTRY and expand every country's relations back
// to e, for each item. Attributions by attributing country where the
// attributed country is China took 20 s that way on the default data; 0.26 s
// expanding from e.
func out(from, typ, pred string) string {
	return fmt.Sprintf("MATCH (%s)-[r:REL]->(x) WHERE r.type = $%s AND %s AND %s RETURN DISTINCT %s AS k", from, typ, pred, keeps("r"), keyOf)
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
				fmt.Sprintf("UNWIND incs AS i MATCH (x)-[r:REL]->(i) WHERE r.type = $tConducted AND %s AND %s RETURN DISTINCT %s AS k",
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
		return "states"
	case graph.ByAttributorType:
		typeKey := "[t, $attributorTypes[t], '']"
		return fmt.Sprintf(`CASE WHEN basis IN keys($basisTypes) THEN [[$basisTypes[basis], $attributorTypes[$basisTypes[basis]], '']]
			ELSE COLLECT { UNWIND (CASE WHEN size(states) > 0 THEN [$stateType] ELSE [] END) + COLLECT {
				MATCH (e)-[r:REL]->(x) WHERE r.type = $tIssuedBy AND %s AND x.kind = $kOrganization
				  AND %s IN keys($orgTypes) RETURN $orgTypes[%s] AS o } AS t
				RETURN DISTINCT %s AS k } END`, keeps("r"), attr("x", "aOrgType"), attr("x", "aOrgType"), typeKey)
	case graph.ByAccusedCountry:
		if q.Measure == graph.Attributions {
			return collect(out("e", "tAccuses", country))
		}
		return collect(fmt.Sprintf(`MATCH (a)-[c:REL]->(e) WHERE c.type = $tConcerns AND %s AND %s
			  AND a.kind = $kEvent AND %s = $attributionType
			MATCH (a)-[r:REL]->(x) WHERE r.type = $tAccuses AND %s AND %s RETURN DISTINCT %s AS k`,
			keeps("c"), known("a"), attr("a", "aEventType"), keeps("r"), country, keyOf))
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
		"datasets": nonNil(q.Datasets), "entities": nonNil(q.Entities),
		"monthUnknown": graph.MonthUnknown, "yearPrecision": int(graph.YearPrecision),
		"kEvent": string(graph.Event), "kCampaign": string(graph.Campaign), "kCountry": string(graph.Country), "kSector": string(graph.Sector),
		"tConcerns": "CONCERNS", "tIssuedBy": "ISSUED_BY", "tAccuses": "ACCUSES", "tAttributedTo": "ATTRIBUTED_TO",
		"tConducted": "CONDUCTED", "tTargeted": "TARGETED",
		"aEventType": graph.EventTypeKey, "aAttributionType": graph.AttributionTypeKey, "aAttributionBasis": graph.AttributionBasisKey,
		"aLegalAction": graph.LegalActionKey, "aResponseType": graph.ResponseTypeKey,
		"aOrgType": graph.OrgTypeKey, "kOrganization": string(graph.Organization), "tGovernmentOf": "GOVERNMENT_OF",
		"chainTypes": graph.StateChainTypes, "receiverBasis": graph.ReceiverGovernmentBasis, "nonStateBases": graph.NonStateBases(),
		"basisTypes": anyMap(graph.BasisAttributorTypes), "orgTypes": anyMap(graph.OrgTypeAttributorTypes),
		"attributorTypes": anyMap(graph.AttributorTypes), "stateType": graph.StateAttributor, "attributionType": "ATTRIBUTION",
	}
	if !q.KnownAt.IsZero() {
		p["knownAt"] = q.KnownAt.Last()
	}
	if q.MinConfidence != nil {
		p["minConfidence"] = *q.MinConfidence
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
			MATCH (e)-[c:REL]->(i)
			WHERE c.type = $tConcerns AND ` + keeps("c") + ` AND ` + known("i") + `
			  AND (i.kind = $kCampaign OR (i.kind = $kEvent AND ` + attr("i", "aEventType") + ` IN $incidentEventTypes))
			RETURN DISTINCT i
		} AS incs
	`)
	}
	needed := q.NeededDimensions()
	if slices.Contains(needed, graph.ByAttributingCountry) || slices.Contains(needed, graph.ByAttributorType) {
		// states: ATTRIBUTING_COUNTRY, which ATTRIBUTOR_TYPE reads too.
		const country = "x.kind = $kCountry"
		chain := fmt.Sprintf(`MATCH (e)-[r:REL]->(y)-[hs:REL*0..%d]->(g)-[rg:REL]->(x)
			WHERE r.type = $tIssuedBy AND %s AND all(h IN hs WHERE h.type IN $chainTypes AND %s)
			  AND rg.type = $tGovernmentOf AND %s AND %s RETURN DISTINCT %s AS k`,
			graph.StateChainHops, keeps("r"), keeps("h"), keeps("rg"), country, keyOf)
		b.WriteString(`WITH e, incs, ` + attr("e", "aAttributionBasis") + ` AS basis
		WITH e, incs, basis, CASE WHEN basis IN $nonStateBases THEN [] ELSE COLLECT { ` + out("e", "tIssuedBy", country) +
			" UNION " + chain + ` } END AS states
		WITH e, incs, basis, states, CASE WHEN size(states) = 0 AND basis = $receiverBasis
			THEN COLLECT { UNWIND incs AS i ` + out("i", "tTargeted", country) + ` } ELSE [] END AS receivers
		WITH e, incs, basis, CASE WHEN size(states) > 0 THEN states WHEN size(receivers) = 1 THEN receivers ELSE [] END AS states
		`)
	} else {
		b.WriteString("WITH e, incs, null AS basis, [] AS states\n")
	}
	vars := map[graph.Dimension]string{}
	b.WriteString("WITH e, incs, basis, states")
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

	// One row per item: its id, its keys in each dimension of GroupBy
	// (g0, g1), and for lags its date and the starts of its incidents.
	b.WriteString("RETURN e.id AS id")
	for i, d := range q.GroupBy {
		fmt.Fprintf(&b, ", %s AS g%d", vars[d], i)
	}
	if lags {
		b.WriteString(", coalesce(e.start, '') AS date, [i IN incs WHERE i.start IS NOT NULL | i.start] AS starts")
	}
	return b.String(), p
}

// anyMap is a map of strings as a Cypher parameter.
func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
