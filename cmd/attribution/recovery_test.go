package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
)

// TestNeo4jOutageAndRecovery stops Neo4j under a running server: GraphQL
// answers "store unavailable" and /readyz fails; when Neo4j is back, the
// server answers again without a restart. It runs a Neo4j of its own (on a
// free port, data in a temporary directory) with the scripts make test uses.
func TestNeo4jOutageAndRecovery(t *testing.T) {
	neo := neo4jtest.Start(t)
	t.Logf("neo4j case: %s against %s", t.Name(), neo.URI) // scripts/test counts these lines
	vars := env(map[string]string{"NEO4J_URI": neo.URI})
	if err := run(context.Background(), []string{"load"}, vars, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, _ := startServe(t, ctx, vars)

	query := func() string {
		res, err := http.Post(url+"graphql", "application/json",
			strings.NewReader(`{"query": "{ search(query: \"zirconium\") { entity { id } } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return string(body)
	}
	readyz := func() int {
		ready, err := http.Get(url + "readyz")
		if err != nil {
			t.Fatal(err)
		}
		ready.Body.Close()
		return ready.StatusCode
	}
	ask := func() (string, int) { return query(), readyz() }
	if body, ready := ask(); !strings.Contains(body, "apt31") || ready != 200 {
		t.Fatalf("before the outage: %s, /readyz %d", body, ready)
	}

	neo.Stop()
	body, ready := ask()
	if !strings.Contains(body, `"store unavailable"`) || ready != 503 {
		t.Fatalf("during the outage: %s, /readyz %d", body, ready)
	}
	t.Logf("during the outage: %s, /readyz %d", strings.TrimSpace(body), ready)

	neo.Start()
	back := time.Now()
	deadline := back.Add(60 * time.Second)
	for {
		// /readyz is asked before the query: once it says ready, queries
		// must succeed (it once said ready 38 s too early).
		ready = readyz()
		body = query()
		if ready == 200 && !strings.Contains(body, "apt31") {
			t.Fatalf("/readyz said ready but the query failed: %s", body)
		}
		if strings.Contains(body, "apt31") && ready == 200 {
			t.Logf("queries succeed %s after Neo4j answered again", time.Since(back).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery within 60 s: %s, /readyz %d", body, ready)
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("after the outage: %s, /readyz %d", strings.TrimSpace(body), ready)
}
