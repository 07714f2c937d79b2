package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/attribution-explorer/attribution/server"
)

type pingStore struct {
	graph.Store
	err error
}

func (p *pingStore) Ping(context.Context) error { return p.err }

func newServer(t *testing.T) (*httptest.Server, *pingStore) {
	store := &pingStore{Store: storetest.LoadCurated(t, memory.New())}
	sc, err := schema.New(store)
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Config{Schema: sc, Store: store, Version: "test",
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		CORSOrigins: []string{"https://newsroom.example"}})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, store
}

func do(t *testing.T, req *http.Request) (int, http.Header, string) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(body)
}

func post(t *testing.T, srv *httptest.Server, body string) (int, string) {
	req, _ := http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	status, _, out := do(t, req)
	return status, out
}

func TestGraphQLOverHTTP(t *testing.T) {
	srv, _ := newServer(t)
	status, body := post(t, srv, `{"query": "query($q: String!) { search(query: $q) { entity { id } } }", "variables": {"q": "Judgment Panda"}}`)
	if status != 200 || !strings.Contains(body, `"id":"apt31"`) {
		t.Fatalf("POST: %d %s", status, body)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/graphql?query="+url.QueryEscape(`{ entity(id: "hafnium") { name } }`), nil)
	status, _, body = do(t, req)
	if status != 200 || !strings.Contains(body, `"name":"HAFNIUM"`) {
		t.Fatalf("GET: %d %s", status, body)
	}
}

func TestBadRequests(t *testing.T) {
	srv, _ := newServer(t)
	for _, c := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"query": `, 400, "the body must be JSON"},
		{`{}`, 400, "no query"},
		{`{"query": "` + strings.Repeat("x", server.MaxBodyBytes) + `"}`, 413, "larger than"},
		{`{"query": "{ search(query: \"x\", first: 0) { matched } }"}`, 200, "first must be between 1 and 100"},
	} {
		status, body := post(t, srv, c.body)
		var res struct{ Errors []struct{ Message string } }
		if err := json.Unmarshal([]byte(body), &res); err != nil || status != c.status ||
			len(res.Errors) == 0 || !strings.Contains(res.Errors[0].Message, c.want) {
			t.Errorf("%.40s: %d %.200s; want %d and %q", c.body, status, body, c.status, c.want)
		}
	}
	// The server keeps serving after bad requests.
	if status, _ := post(t, srv, `{"query": "{ stats { entities } }"}`); status != 200 {
		t.Fatal("the server stopped serving")
	}
}

func TestHealthAndReadiness(t *testing.T) {
	srv, store := newServer(t)
	get := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		s, _, b := do(t, req)
		return s, b
	}
	if s, b := get("/healthz"); s != 200 || !strings.Contains(b, "ok") {
		t.Errorf("/healthz: %d %s", s, b)
	}
	if s, _ := get("/readyz"); s != 200 {
		t.Errorf("/readyz: %d", s)
	}
	store.err = graph.Unavailable(errors.New("connection refused"))
	if s, b := get("/readyz"); s != 503 || !strings.Contains(b, "store unavailable") {
		t.Errorf("/readyz with the store down: %d %s", s, b)
	}
	// GraphiQL is built with the explorer (frontend/e2e tests it); without
	// it, the server says so.
	if s, b := get("/graphiql"); s != 404 || !strings.Contains(b, "GraphiQL is built with the web explorer") {
		t.Errorf("/graphiql without the explorer: %d %s", s, b)
	}
}

func TestCORSAndRequestIDs(t *testing.T) {
	srv, _ := newServer(t)
	for origin, allowed := range map[string]bool{"https://newsroom.example": true, "https://evil.example": false} {
		req, _ := http.NewRequest("OPTIONS", srv.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type") // as browsers send it
		_, h, _ := do(t, req)
		if got := h.Get("Access-Control-Allow-Origin") == origin; got != allowed {
			t.Errorf("origin %s: allowed %v, want %v", origin, got, allowed)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/healthz", nil)
	req.Header.Set("X-Request-Id", "abc123")
	if _, h, _ := do(t, req); h.Get("X-Request-Id") != "abc123" {
		t.Error("the request id is not echoed")
	}
}
