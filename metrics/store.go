package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/attribution-explorer/attribution/graph"
)

// Store returns s with every call's latency and errors recorded. A store
// that computes aggregates (graph.Aggregator) stays one.
func (m *Metrics) Store(s graph.Store) graph.Store {
	if a, ok := s.(graph.Aggregator); ok {
		return &aggregatingStore{&store{s, m}, a}
	}
	return &store{s, m}
}

type store struct {
	graph.Store
	m *Metrics
}

type aggregatingStore struct {
	*store
	a graph.Aggregator
}

func (s *aggregatingStore) Aggregate(ctx context.Context, q graph.AggregateQuery) (graph.AggregateResult, error) {
	return observe(s.m, "Aggregate", func() (graph.AggregateResult, error) { return s.a.Aggregate(ctx, q) })
}

func (s *aggregatingStore) TimeToAttribution(ctx context.Context, q graph.AggregateQuery) (graph.LagResult, error) {
	return observe(s.m, "TimeToAttribution", func() (graph.LagResult, error) { return s.a.TimeToAttribution(ctx, q) })
}

func observe[T any](m *Metrics, method string, call func() (T, error)) (T, error) {
	start := time.Now()
	v, err := call()
	m.storeCalls.WithLabelValues(method).Observe(time.Since(start).Seconds())
	if err != nil {
		m.storeErrors.WithLabelValues(method, errorKind(err)).Inc()
	}
	return v, err
}

func errorKind(err error) string {
	switch {
	case errors.Is(err, graph.ErrInvalid):
		return "invalid"
	case errors.Is(err, graph.ErrUnavailable):
		return "unavailable"
	case errors.Is(err, graph.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "timeout"
	}
	return "other"
}

type none struct{}

func (s *store) Entities(ctx context.Context, ids []string) ([]graph.Entity, error) {
	return observe(s.m, "Entities", func() ([]graph.Entity, error) { return s.Store.Entities(ctx, ids) })
}

func (s *store) Sources(ctx context.Context, ids []string) ([]graph.Source, error) {
	return observe(s.m, "Sources", func() ([]graph.Source, error) { return s.Store.Sources(ctx, ids) })
}

func (s *store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.SearchHit, error) {
	return observe(s.m, "Search", func() ([]graph.SearchHit, error) { return s.Store.Search(ctx, q) })
}

func (s *store) List(ctx context.Context, q graph.ListQuery) (graph.EntityPage, error) {
	return observe(s.m, "List", func() (graph.EntityPage, error) { return s.Store.List(ctx, q) })
}

func (s *store) Relations(ctx context.Context, ids []string, q graph.RelationQuery) (map[string][]graph.Relation, error) {
	return observe(s.m, "Relations", func() (map[string][]graph.Relation, error) { return s.Store.Relations(ctx, ids, q) })
}

func (s *store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	return observe(s.m, "Neighborhood", func() (graph.Subgraph, error) { return s.Store.Neighborhood(ctx, q) })
}

func (s *store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	return observe(s.m, "Paths", func() ([]graph.Path, error) { return s.Store.Paths(ctx, q) })
}

func (s *store) Timeline(ctx context.Context, q graph.TimelineQuery) (graph.TimelinePage, error) {
	return observe(s.m, "Timeline", func() (graph.TimelinePage, error) { return s.Store.Timeline(ctx, q) })
}

func (s *store) Upsert(ctx context.Context, b graph.Batch) error {
	_, err := observe(s.m, "Upsert", func() (none, error) { return none{}, s.Store.Upsert(ctx, b) })
	return err
}

func (s *store) Counts(ctx context.Context) (graph.Counts, error) {
	return observe(s.m, "Counts", func() (graph.Counts, error) { return s.Store.Counts(ctx) })
}

func (s *store) Ping(ctx context.Context) error {
	_, err := observe(s.m, "Ping", func() (none, error) { return none{}, s.Store.Ping(ctx) })
	return err
}
