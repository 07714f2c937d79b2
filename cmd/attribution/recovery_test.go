package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNeo4jOutageAndRecovery stops Neo4j under a running server: GraphQL
// answers "store unavailable" and /readyz fails; when Neo4j is back, the
// server answers again without a restart. It runs a Neo4j of its own (on
// port 7698, data in .neo4j/recovery) with the scripts make test uses.
func TestNeo4jOutageAndRecovery(t *testing.T) {
	if os.Getenv("NEO4J_REQUIRED") == "" {
		t.Skip("NEO4J_REQUIRED is not set: skipping the Neo4j outage test (make test runs it)")
	}
	root, _ := filepath.Abs("../..")
	neo4jEnv := append(os.Environ(), "NEO4J_PORT=7698", "NEO4J_DIR=.neo4j/recovery")
	script := func(name string) {
		cmd := exec.Command(filepath.Join(root, "scripts", name))
		cmd.Dir, cmd.Env = root, neo4jEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	script("neo4j-up")
	t.Cleanup(func() { script("neo4j-down") })

	vars := env(map[string]string{"NEO4J_URI": "bolt://127.0.0.1:7698"})
	if err := run(context.Background(), []string{"load"}, vars, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	go run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, vars, pw, io.Discard)
	buf := make([]byte, 512)
	n, _ := pr.Read(buf)
	go io.Copy(io.Discard, pr)
	url := strings.Fields(strings.SplitAfter(string(buf[:n]), "listening on ")[1])[0]

	ask := func() (string, int) {
		res, err := http.Post(url+"graphql", "application/json",
			strings.NewReader(`{"query": "{ search(query: \"zirconium\") { entity { id } } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		ready, err := http.Get(url + "readyz")
		if err != nil {
			t.Fatal(err)
		}
		ready.Body.Close()
		return string(body), ready.StatusCode
	}
	if body, ready := ask(); !strings.Contains(body, "apt31") || ready != 200 {
		t.Fatalf("before the outage: %s, /readyz %d", body, ready)
	}

	script("neo4j-down")
	body, ready := ask()
	if !strings.Contains(body, `"store unavailable"`) || ready != 503 {
		t.Fatalf("during the outage: %s, /readyz %d", body, ready)
	}
	t.Logf("during the outage: %s, /readyz %d", strings.TrimSpace(body), ready)

	script("neo4j-up")
	deadline := time.Now().Add(60 * time.Second)
	for {
		body, ready = ask()
		if strings.Contains(body, "apt31") && ready == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery within 60 s: %s, /readyz %d", body, ready)
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("after the outage: %s, /readyz %d", strings.TrimSpace(body), ready)
}
