package storetest

import (
	"context"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// BenchAggregates measures, as p50 and p95 in ms, the aggregates the
// explorer's trends view asks for, on a store holding the default data (the
// curated data and the public record: EuRepoC's attributions and
// incidents). Every case asks for ten ids a bucket, as the view does.
func BenchAggregates(b *testing.B, store graph.Store) {
	ctx := context.Background()
	a, ok := store.(graph.Aggregator)
	if !ok {
		b.Fatalf("%T does not compute aggregates", store)
	}
	q := func(m graph.Measure, dims ...graph.Dimension) graph.AggregateQuery {
		return graph.AggregateQuery{Measure: m, GroupBy: dims, IDs: 10, Limit: graph.MaxBuckets}
	}
	china := q(graph.Attributions, graph.ByYear, graph.ByAttributingCountry)
	china.Where = []graph.Condition{{Dimension: graph.ByAttributedCountry, Values: []string{"china"}}}
	whoNamesChina := q(graph.Attributions, graph.ByAttributingCountry)
	whoNamesChina.Where = china.Where
	typesOfChina := q(graph.Attributions, graph.ByAttributorType, graph.ByAttributingCountry)
	typesOfChina.Where = china.Where
	known := q(graph.Attributions, graph.ByYear, graph.ByAttributingCountry)
	known.KnownAt = graph.MustDate("2019-12-31")
	cases := []benchCase{
		{"AttributionsByYearAndCountry", func() error {
			_, err := a.Aggregate(ctx, q(graph.Attributions, graph.ByYear, graph.ByAttributingCountry))
			return err
		}},
		{"AttributionsOfChinaByYearAndCountry", func() error { _, err := a.Aggregate(ctx, china); return err }},
		{"AttributingCountriesOfChina", func() error { _, err := a.Aggregate(ctx, whoNamesChina); return err }},
		{"AttributorTypesOfChina", func() error { _, err := a.Aggregate(ctx, typesOfChina); return err }},
		{"AttributionsKnownAt", func() error { _, err := a.Aggregate(ctx, known); return err }},
		{"AttributingByAttributed", func() error {
			_, err := a.Aggregate(ctx, q(graph.Attributions, graph.ByAttributingCountry, graph.ByAttributedCountry))
			return err
		}},
		{"ResponsesByYearAndType", func() error {
			_, err := a.Aggregate(ctx, q(graph.LegalResponses, graph.ByYear, graph.ByResponseType))
			return err
		}},
		{"IncidentsByVictim", func() error { _, err := a.Aggregate(ctx, q(graph.Incidents, graph.ByVictimCountry)); return err }},
		{"TimeToAttributionByCountry", func() error {
			_, err := a.TimeToAttribution(ctx, q(graph.Attributions, graph.ByAttributingCountry))
			return err
		}},
	}
	benchLatencies(b, cases)
}
