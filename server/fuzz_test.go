package server_test

import (
	"encoding/json"
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

// FuzzRequest sends arbitrary bodies to POST /graphql: the request decoder,
// the pipeline and the executor on the curated data. Whatever the body, the
// answer is JSON with data or errors, never a 500, and the server keeps
// serving.
func FuzzRequest(f *testing.F) {
	for _, seed := range []string{
		`{"query": "{ stats { entities } }"}`,
		`{"query": "query($q: String!) { search(query: $q) { entity { id name } } }", "variables": {"q": "apt"}}`,
		`{"query": "{ entity(id: \"apt40\") { name relations(first: 3) { type to { name } sources { title } } } }"}`,
		`{"query": "{ neighborhood(ids: [\"apt40\"], depth: 2, limit: 20) { nodes { id } edges { id } } }"}`,
		`{"query": "{ paths(from: \"ding-xiaoyang\", to: \"norway\") { length } }"}`,
		`{"query": "{ timeline(filter: {from: \"2021\", knownAt: \"2021-07-19\"}, first: 5) { totalCount edges { cursor node { title } } } }"}`,
		`{"query": "{...A} fragment A on Query {...A}"}`,
		`{"query": "query($a:){a}"}`,
		`{"query": "query($a: Int = ) { a }"}`,
		`{"query": "{ entities(after: \"dDo5MjIzMzcyMDM2ODU0Nzc1ODA3\") { totalCount } }"}`,
		`{"query": "{ timeline(after: \"dDo5MjIzMzcyMDM2ODU0Nzc1ODA3\") { totalCount } }"}`,
		`{"query": "query A { stats { entities } } query B { stats { sources } }", "operationName": "B"}`,
		`{"query": "{ __schema { types { name fields { name } } } }"}`,
		`{"query": 1}`, `[]`, `{"query": "{", "variables": []}`, `null`,
	} {
		f.Add(seed)
	}
	store := storetest.LoadCurated(f, memory.New())
	sc, err := schema.New(store)
	if err != nil {
		f.Fatal(err)
	}
	h := server.New(server.Config{Schema: sc, Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%d for %q: %s", rec.Code, body, rec.Body)
		}
		var res struct {
			Data   json.RawMessage
			Errors []struct{ Message string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatalf("not JSON for %q: %s", body, rec.Body)
		}
		if rec.Code != http.StatusOK && len(res.Errors) == 0 {
			t.Fatalf("%d without an error for %q", rec.Code, body)
		}
		for _, e := range res.Errors {
			if e.Message == "" || e.Message == "internal error" || len(e.Message) > 1100 {
				t.Fatalf("error %q for %q", e.Message, body)
			}
		}
	})
}
