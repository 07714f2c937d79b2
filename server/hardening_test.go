package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/attribution-explorer/attribution/server"
)

// newHardenedServer runs the handler in the http.Server that serve uses,
// with its timeouts; on the curated data unless cfg has a schema.
func newHardenedServer(t *testing.T, cfg server.Config) *httptest.Server {
	if cfg.Schema == nil {
		store := storetest.LoadCurated(t, memory.New())
		sc, err := schema.New(store)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Schema, cfg.Store = sc, store
	}
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewUnstartedServer(nil)
	hs := server.HTTPServer(server.New(cfg))
	srv.Config = hs
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func request(t *testing.T, method, u, contentType, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, req)
}

func firstError(t *testing.T, body string) (string, map[string]any) {
	t.Helper()
	var res struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil || len(res.Errors) == 0 {
		t.Fatalf("not a GraphQL error response: %.300s", body)
	}
	return res.Errors[0].Message, res.Errors[0].Extensions
}

// TestHostileQueriesOverHTTP: every attack of schema's list is answered 400
// with its message and the request id, and the server keeps serving.
func TestHostileQueriesOverHTTP(t *testing.T) {
	srv := newHardenedServer(t, server.Config{})
	for _, q := range []string{`{...A} fragment A on Query {...A}`, `query($a:){a}`,
		strings.Repeat("{a", 8000) + strings.Repeat("}", 8000),
		`{entity(id:"apt31"){` + strings.Repeat("id ", 21832) + "}}"} {
		body, _ := json.Marshal(map[string]string{"query": q})
		status, h, out := request(t, "POST", srv.URL+"/graphql", "application/json", string(body))
		msg, ext := firstError(t, out)
		if status != 400 || msg == "" || ext["requestId"] != h.Get("X-Request-Id") {
			t.Errorf("%.40s: %d %.200s", q, status, out)
		}
	}
	status, _, out := request(t, "POST", srv.URL+"/graphql", "application/json", `{"query": "{ stats { entities } }"}`)
	if status != 200 || !strings.Contains(out, `"entities":`) {
		t.Fatalf("the server stopped serving: %d %s", status, out)
	}
}

func TestContentTypesAndMethods(t *testing.T) {
	srv := newHardenedServer(t, server.Config{})
	for _, c := range []struct {
		method, contentType, body, query string
		status                           int
		want                             string
	}{
		// Cross-site "simple" requests carry one of these types.
		{"POST", "text/plain", `{"query": "{ stats { entities } }"}`, "", 415, "application/json"},
		{"POST", "application/x-www-form-urlencoded", `query=x`, "", 415, "application/json"},
		{"POST", "", `{"query": "{ stats { entities } }"}`, "", 415, "application/json"},
		{"POST", "application/json; charset=utf-8", `{"query": "{ stats { entities } }"}`, "", 200, ""},
		// GET runs queries only, however the text begins.
		{"GET", "", "", "mutation { x }", 405, "GET runs queries only"},
		{"GET", "", "", "# a comment\nmutation { x }", 405, "GET runs queries only"},
		{"GET", "", "", "query A { stats { entities } } mutation B { x }", 400, "name the one to run"},
		{"GET", "", "", "{ stats { entities } }", 200, ""},
		// The cursor of the largest offset.
		{"GET", "", "", `{ timeline(after: "dDo5MjIzMzcyMDM2ODU0Nzc1ODA3") { totalCount } }`, 200, "the cursor is not valid"},
	} {
		u := srv.URL + "/graphql"
		if c.query != "" {
			u += "?query=" + url.QueryEscape(c.query)
		}
		status, _, out := request(t, c.method, u, c.contentType, c.body)
		if status != c.status || (c.want != "" && !strings.Contains(out, c.want)) {
			t.Errorf("%s %s %.40q: %d %.200s; want %d %q", c.method, c.contentType, c.query+c.body, status, out, c.status, c.want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv := newHardenedServer(t, server.Config{})
	for _, path := range []string{"/", "/graphql?query=%7Bstats%7Bentities%7D%7D", "/healthz", "/nope"} {
		_, h, _ := request(t, "GET", srv.URL+path, "", "")
		if h.Get("Content-Security-Policy") != server.ContentSecurityPolicy || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: %v", path, h)
		}
	}
}

func TestTokens(t *testing.T) {
	mutation := `{"query": "mutation { x }"}`
	t.Run("writes are refused without a write token configured", func(t *testing.T) {
		srv := newHardenedServer(t, server.Config{})
		status, _, out := request(t, "POST", srv.URL+"/graphql", "application/json", mutation, "Authorization", "Bearer anything")
		if msg, _ := firstError(t, out); status != 403 || !strings.Contains(msg, "writes are disabled") {
			t.Errorf("%d %s", status, out)
		}
	})
	t.Run("writes need the write token", func(t *testing.T) {
		srv := newHardenedServer(t, server.Config{WriteToken: "w-secret"})
		for auth, want := range map[string]int{"": 401, "Bearer wrong": 401, "Bearer w-secret": 200} {
			status, _, out := request(t, "POST", srv.URL+"/graphql", "application/json", mutation, "Authorization", auth)
			if status != want {
				t.Errorf("%q: %d %s; want %d", auth, status, out, want)
			}
		}
		// 200 with the token: the guard let it through to the executor,
		// which says the schema has no mutation yet.
	})
	t.Run("a read token makes the server private", func(t *testing.T) {
		srv := newHardenedServer(t, server.Config{ReadToken: "r-secret", WriteToken: "w-secret"})
		q := srv.URL + "/graphql?query=" + url.QueryEscape("{ stats { entities } }")
		for _, c := range []struct {
			path   string
			header []string
			want   int
		}{
			{q, nil, 401}, {q, []string{"Authorization", "Bearer nope"}, 401},
			{q, []string{"Authorization", "Bearer r-secret"}, 200}, {q, []string{"Authorization", "Bearer w-secret"}, 200},
			{q, []string{"Authorization", "Basic " + basic("reader", "r-secret")}, 200},
			{srv.URL + "/", nil, 401}, {srv.URL + "/healthz", nil, 200}, {srv.URL + "/readyz", nil, 200},
		} {
			status, h, out := request(t, "GET", c.path, "", "", c.header...)
			if status != c.want {
				t.Errorf("%s %v: %d %.100s; want %d", c.path, c.header, status, out, c.want)
			}
			if status == 401 && !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic") {
				t.Errorf("%s: 401 without WWW-Authenticate", c.path)
			}
		}
	})
}

func basic(user, pass string) string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, pass)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// TestSlowClientsAreCutOff: a body sent a byte at a time does not hold its
// connection past ReadTimeout.
func TestSlowClientsAreCutOff(t *testing.T) {
	if testing.Short() {
		t.Skip("takes ReadTimeout")
	}
	srv := newHardenedServer(t, server.Config{})
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
	start := time.Now()
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		io.Copy(io.Discard, bufio.NewReader(conn))
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-closed:
			if d := time.Since(start); d > server.ReadTimeout+5*time.Second {
				t.Fatalf("the connection was held %s", d)
			}
			return
		case <-tick.C:
			if time.Since(start) > server.ReadTimeout+5*time.Second {
				t.Fatalf("the connection is still open after %s", time.Since(start))
			}
			conn.Write([]byte("x"))
		}
	}
}
