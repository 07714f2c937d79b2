package metrics_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/metrics"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/attribution-explorer/attribution/server"
)

func TestMetrics(t *testing.T) {
	m := metrics.New()
	store := m.Store(storetest.LoadCurated(t, memory.New()))
	sc, err := schema.New(store)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{Schema: sc, Store: store, Metrics: m, MetricsHandler: m.Handler(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	post := func(body string) {
		res, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	for range 3 {
		post(`{"query": "query Detail { entity(id: \"apt40\") { name relations { id } } }"}`)
	}
	post(`{"query": "{ search(query: \"x\", first: 0) { matched } }"}`)
	post(`{"query": "{...A} fragment A on Query {...A}"}`)
	// A store that computes aggregates still does through the metrics.
	post(`{"query": "query Agg { aggregate(measure: ATTRIBUTIONS) { total } timeToAttribution { total } }"}`)
	// Client-chosen names: at most 200 become label values (Detail, Agg and
	// Op0..Op197), the rest are "other".
	for i := range 250 {
		post(fmt.Sprintf(`{"query": "query Op%d { stats { entities } }"}`, i))
	}
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	text := string(body)
	for _, want := range []string{
		`attribution_graphql_requests_total{operation="Detail",outcome="ok"} 3`,
		`attribution_graphql_requests_total{operation="anonymous",outcome="error"} 1`,
		`attribution_graphql_requests_total{operation="anonymous",outcome="refused"} 1`,
		`attribution_graphql_requests_total{operation="other",outcome="ok"} 52`,
		`attribution_graphql_documents_total{cache="hit"} 2`,
		`attribution_graphql_requests_in_flight 0`,
		`attribution_graphql_request_duration_seconds_count{outcome="ok"} 254`,
		`attribution_store_call_duration_seconds_count{method="Entities"} 3`,
		`attribution_graphql_requests_total{operation="Agg",outcome="ok"} 1`,
		`attribution_store_call_duration_seconds_count{method="Aggregate"} 1`,
		`attribution_store_call_duration_seconds_count{method="TimeToAttribution"} 1`,
		`attribution_store_errors_total{kind="invalid",method="Search"} 1`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
