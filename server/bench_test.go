package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/attribution-explorer/attribution/server"
)

// BenchmarkRequest is the server's CPU for one request of each class, from
// the HTTP body in to the JSON body out (no network), on the memory store
// with the curated data, each query's document cached as it is after the
// first request: go test -run '^$' -bench Request -benchmem ./server
// Profile with -cpuprofile; docs/benchmarks.md says where the time goes.
func BenchmarkRequest(b *testing.B) {
	store := storetest.LoadCurated(b, memory.New())
	sc, err := schema.New(store)
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(server.Config{Schema: sc, Store: store, Version: "bench",
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))})
	for _, c := range []struct{ name, body string }{
		{"entity-by-id", `{"query":"query($id: ID!) { entity(id: $id) { id name kind } }","variables":{"id":"apt40"}}`},
		{"entity-with-relations-and-sources", `{"query":"query($id: ID!) { entity(id: $id) { id name kind aliases sources { id title url published } relations(first: 100) { id type from { id name } to { id name } sources { id title url published } } } }","variables":{"id":"apt40"}}`},
		{"search", `{"query":"{ search(query: \"apt\", first: 20) { score matched entity { id name kind } } }"}`},
		{"neighbourhood-depth-2", `{"query":"{ neighborhood(ids: [\"apt40\"], depth: 2, limit: 500) { nodes { id name kind } edges { id type from { id } to { id } } } }"}`},
		{"timeline", `{"query":"{ timeline(filter: {from: \"2021\", to: \"2021\"}, first: 100) { totalCount edges { node { id date title } } } }"}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 || strings.Contains(rec.Body.String(), `"errors"`) {
					b.Fatalf("%d %s", rec.Code, rec.Body.String())
				}
			}
		})
	}
}
