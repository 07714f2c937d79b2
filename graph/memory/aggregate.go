package memory

import (
	"context"
	"slices"

	"github.com/attribution-explorer/attribution/graph"
)

var _ graph.Aggregator = (*Store)(nil)

// Aggregate follows the rules of graph/aggregate.go: items of the measure
// that pass the filters, their keys in every dimension needed, grouped by
// graph.GroupRows.
func (s *Store) Aggregate(ctx context.Context, q graph.AggregateQuery) (graph.AggregateResult, error) {
	if err := q.Check(); err != nil {
		return graph.AggregateResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return graph.AggregateResult{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var rows []graph.AggregateRow
	s.aggregateItems(&q, func(e *entity, keys [][]graph.Key, _ []*entity) {
		rows = append(rows, graph.AggregateRow{ID: e.ID, Keys: keys})
	})
	return graph.GroupRows(&q, rows), nil
}

// TimeToAttribution: the attributions Aggregate would count, with the
// dated incidents each CONCERNS, summarised by graph.GroupLags.
func (s *Store) TimeToAttribution(ctx context.Context, q graph.AggregateQuery) (graph.LagResult, error) {
	if err := q.CheckLags(); err != nil {
		return graph.LagResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return graph.LagResult{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var rows []graph.LagRow
	s.aggregateItems(&q, func(e *entity, keys [][]graph.Key, incidents []*entity) {
		row := graph.LagRow{AggregateRow: graph.AggregateRow{ID: e.ID, Keys: keys}, Date: e.Start}
		for _, inc := range incidents {
			if !inc.Start.IsZero() {
				row.Starts = append(row.Starts, inc.Start)
			}
		}
		rows = append(rows, row)
	})
	return graph.GroupLags(&q, rows), nil
}

// aggregateItems calls fn for every item q keeps, in no order, with its
// keys in q.GroupBy and its incidents. Callers hold the read lock.
func (s *Store) aggregateItems(q *graph.AggregateQuery, fn func(e *entity, keys [][]graph.Key, incidents []*entity)) {
	kinds, _ := q.Measure.MeasureItems()
	if len(q.Kinds) > 0 {
		kinds = q.Kinds
	}
	needed := q.NeededDimensions()
	entities := map[string]bool{}
	for _, id := range q.Entities {
		entities[id] = true
	}
	for _, id := range s.ids {
		e := s.entities[id]
		if !slices.Contains(kinds, e.Kind) || !q.Measure.Counts(&e.Entity) || !q.KeepsItem(&e.Entity, e.known) ||
			!graph.CitesDataset(e.Sources, q.Datasets) {
			continue
		}
		incidents := s.incidents(q, e)
		keys := map[graph.Dimension][]graph.Key{}
		for _, d := range needed {
			keys[d] = s.keys(q, d, e, incidents)
		}
		if !passes(q, keys, e, incidents, entities) {
			continue
		}
		grouped := make([][]graph.Key, len(q.GroupBy))
		for i, d := range q.GroupBy {
			grouped[i] = keys[d]
		}
		fn(e, grouped, incidents)
	}
}

// passes applies the where conditions and the entities filter.
func passes(q *graph.AggregateQuery, keys map[graph.Dimension][]graph.Key, e *entity, incidents []*entity, entities map[string]bool) bool {
	for _, c := range q.Where {
		if !slices.ContainsFunc(keys[c.Dimension], func(k graph.Key) bool { return slices.Contains(c.Values, k.ID) }) {
			return false
		}
	}
	if len(entities) == 0 || entities[e.ID] {
		return true
	}
	for _, inc := range incidents {
		if entities[inc.ID] {
			return true
		}
	}
	for d, ks := range keys {
		if d.IsEntity() && slices.ContainsFunc(ks, func(k graph.Key) bool { return entities[k.ID] }) {
			return true
		}
	}
	return false
}

// known reports whether q's known-at keeps a relation or an entity first public on knownFrom.
func known(q *graph.AggregateQuery, knownFrom int) bool { return graph.KnownBy(knownFrom, q.KnownAt) }

// incidents are the incidents of item e: itself for Incidents, else the
// known incidents it CONCERNS through known relations, each once, by id.
func (s *Store) incidents(q *graph.AggregateQuery, e *entity) []*entity {
	if q.Measure == graph.Incidents {
		return []*entity{e}
	}
	var out []*entity
	s.out(q, e.ID, "CONCERNS", func(x *entity) {
		if graph.IsIncident(&x.Entity) && known(q, x.known) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	})
	return out
}

// out calls fn with the far end of every known relation of type typ from id.
func (s *Store) out(q *graph.AggregateQuery, id, typ string, fn func(*entity)) {
	for _, r := range s.links[id] {
		if r.From == id && r.Type == typ && q.KeepsRelation(r.Confidence, r.known) {
			fn(s.entities[r.To])
		}
	}
}

// in calls fn with the near end of every known relation of type typ to id.
func (s *Store) in(q *graph.AggregateQuery, id, typ string, fn func(*entity)) {
	for _, r := range s.links[id] {
		if r.To == id && r.Type == typ && q.KeepsRelation(r.Confidence, r.known) {
			fn(s.entities[r.From])
		}
	}
}

// attributingStates are the COUNTRYs of item e's ATTRIBUTING_COUNTRY (see
// graph.ByAttributingCountry), each once.
func (s *Store) attributingStates(q *graph.AggregateQuery, e *entity, incidents []*entity) []*entity {
	basis := e.Attr(graph.AttributionBasisKey)
	if graph.NoAttributingState(basis) {
		return nil
	}
	var out []*entity
	add := func(x *entity) {
		if x.Kind == graph.Country && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	// up follows StateChainTypes from x, then GOVERNMENT_OF.
	var up func(x *entity, hops int)
	up = func(x *entity, hops int) {
		s.out(q, x.ID, "GOVERNMENT_OF", add)
		if hops == graph.StateChainHops {
			return
		}
		for _, typ := range graph.StateChainTypes {
			s.out(q, x.ID, typ, func(y *entity) { up(y, hops+1) })
		}
	}
	s.out(q, e.ID, "ISSUED_BY", func(x *entity) {
		add(x)
		up(x, 0)
	})
	if len(out) == 0 && basis == graph.ReceiverGovernmentBasis {
		for _, inc := range incidents {
			s.out(q, inc.ID, "TARGETED", add)
		}
		if len(out) > 1 { // several receivers: which one attributed is not said
			out = nil
		}
	}
	return out
}

// keys are the keys of item e in dimension d, each once, in id order.
func (s *Store) keys(q *graph.AggregateQuery, d graph.Dimension, e *entity, incidents []*entity) []graph.Key {
	var out []graph.Key
	add := func(k graph.Key) {
		if k.ID != "" && !slices.ContainsFunc(out, func(o graph.Key) bool { return o.ID == k.ID }) {
			out = append(out, k)
		}
	}
	entityKey := func(want func(*entity) bool) func(*entity) {
		return func(x *entity) {
			if want(x) {
				add(graph.Key{Dimension: d, ID: x.ID, Name: x.Name, Kind: x.Kind})
			}
		}
	}
	isCountry := func(x *entity) bool { return x.Kind == graph.Country }
	notCountry := func(x *entity) bool { return x.Kind != graph.Country }
	isSector := func(x *entity) bool { return x.Kind == graph.Sector }
	attributed := func(want func(*entity) bool) {
		s.out(q, e.ID, "ACCUSES", entityKey(want))
		if q.Measure == graph.Attributions {
			return
		}
		for _, inc := range incidents {
			s.out(q, inc.ID, "ATTRIBUTED_TO", entityKey(want))
			s.in(q, inc.ID, "CONDUCTED", entityKey(want))
		}
	}
	targeted := func(want func(*entity) bool) {
		for _, inc := range incidents {
			s.out(q, inc.ID, "TARGETED", entityKey(want))
		}
	}
	value := func(v string) {
		add(graph.Key{Dimension: d, ID: v, Name: v})
	}
	switch d {
	case graph.ByYear, graph.ByMonth:
		if id, name, ok := graph.TimeKey(d, e.Start); ok {
			add(graph.Key{Dimension: d, ID: id, Name: name})
		}
	case graph.ByAttributingCountry:
		for _, x := range s.attributingStates(q, e, incidents) {
			add(graph.Key{Dimension: d, ID: x.ID, Name: x.Name, Kind: x.Kind})
		}
	case graph.ByAttributorType:
		basis := e.Attr(graph.AttributionBasisKey)
		if t, ok := graph.BasisAttributorTypes[basis]; ok {
			add(graph.Key{Dimension: d, ID: t, Name: graph.AttributorTypes[t]})
			break
		}
		if len(s.attributingStates(q, e, incidents)) > 0 {
			add(graph.Key{Dimension: d, ID: graph.StateAttributor, Name: graph.AttributorTypes[graph.StateAttributor]})
		}
		s.out(q, e.ID, "ISSUED_BY", func(x *entity) {
			if t, ok := graph.OrgTypeAttributorTypes[x.Attr(graph.OrgTypeKey)]; ok && x.Kind == graph.Organization {
				add(graph.Key{Dimension: d, ID: t, Name: graph.AttributorTypes[t]})
			}
		})
	case graph.ByAccusedCountry:
		if q.Measure == graph.Attributions {
			s.out(q, e.ID, "ACCUSES", entityKey(isCountry))
			break
		}
		s.in(q, e.ID, "CONCERNS", func(a *entity) {
			if graph.Attributions.Counts(&a.Entity) && known(q, a.known) {
				s.out(q, a.ID, "ACCUSES", entityKey(isCountry))
			}
		})
	case graph.ByAttributingActor:
		s.out(q, e.ID, "ISSUED_BY", entityKey(notCountry))
	case graph.ByAttributedCountry:
		attributed(isCountry)
	case graph.ByAttributedActor:
		attributed(notCountry)
	case graph.ByVictimCountry:
		targeted(isCountry)
	case graph.BySector:
		targeted(isSector)
	case graph.ByAttributionType:
		value(e.Attr(graph.AttributionTypeKey))
	case graph.ByAttributionBasis:
		value(e.Attr(graph.AttributionBasisKey))
	case graph.ByResponseType:
		value(graph.ResponseType(&e.Entity))
	}
	slices.SortFunc(out, graph.CompareKeys)
	return out
}
