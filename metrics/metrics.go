// Package metrics exports the server's metrics in Prometheus format with the
// official client library: GraphQL requests by operation and outcome, their
// latency, requests in flight, the document cache, and every store call's
// latency and errors by method.
package metrics

import (
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxOperations bounds the distinct operation names kept as label values:
// names come from clients, and each new label value is a new time series.
const maxOperations = 200

// Metrics holds the collectors of one server.
type Metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	documents   *prometheus.CounterVec
	storeCalls  *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec

	mu         sync.Mutex
	operations map[string]bool
}

// New returns a registry with the process and Go collectors and the
// server's own.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "attribution_graphql_requests_total",
			Help: "GraphQL requests by operation name and outcome (ok, error, refused)."}, []string{"operation", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "attribution_graphql_request_duration_seconds",
			Help: "GraphQL request latency by outcome.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, []string{"outcome"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "attribution_graphql_requests_in_flight",
			Help: "GraphQL requests being served."}),
		documents: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "attribution_graphql_documents_total",
			Help: "Query documents by whether the parsed and validated document came from the cache (hit) or not (miss)."}, []string{"cache"}),
		storeCalls: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "attribution_store_call_duration_seconds",
			Help: "Store calls by method.", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 18)}, []string{"method"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "attribution_store_errors_total",
			Help: "Store calls that failed, by method and kind (invalid, unavailable, unauthorized, timeout, other)."}, []string{"method", "kind"}),
		operations: map[string]bool{},
	}
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.inFlight, m.documents, m.storeCalls, m.storeErrors)
	return m
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

var operationName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

// label turns a client's operation name into a label value: "anonymous",
// the name, or "other" once maxOperations names have been seen.
func (m *Metrics) label(op string) string {
	if op == "" {
		return "anonymous"
	}
	if !operationName.MatchString(op) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.operations[op] {
		if len(m.operations) >= maxOperations {
			return "other"
		}
		m.operations[op] = true
	}
	return op
}

// GraphQLRequest records one request that the server answered.
func (m *Metrics) GraphQLRequest(operation, outcome string, d time.Duration) {
	m.requests.WithLabelValues(m.label(operation), outcome).Inc()
	m.latency.WithLabelValues(outcome).Observe(d.Seconds())
}

// DocumentCache records whether a document came from the cache.
func (m *Metrics) DocumentCache(hit bool) {
	if hit {
		m.documents.WithLabelValues("hit").Inc()
	} else {
		m.documents.WithLabelValues("miss").Inc()
	}
}

// InFlight counts a request in until the returned function is called.
func (m *Metrics) InFlight() func() {
	m.inFlight.Inc()
	return m.inFlight.Dec
}
