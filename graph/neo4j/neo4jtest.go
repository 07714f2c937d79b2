package neo4j

import (
	"context"
	"os"
	"testing"
)

// OpenForTest opens the Neo4j that NEO4J_URI names, emptied, and closes it
// when the test ends. Without NEO4J_URI the test is skipped, saying so,
// unless NEO4J_REQUIRED is set (make test and CI set it): then it fails.
func OpenForTest(t testing.TB) *Store {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		if os.Getenv("NEO4J_REQUIRED") != "" {
			t.Fatal("NEO4J_REQUIRED is set but NEO4J_URI is not")
		}
		t.Skip("NEO4J_URI is not set: skipping the Neo4j store (make test starts a Neo4j)")
	}
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: uri, User: os.Getenv("NEO4J_USER"), Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE")})
	if err != nil {
		t.Fatalf("opening Neo4j at %s: %v", uri, err)
	}
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	t.Logf("neo4j case: %s against %s", t.Name(), uri) // scripts/test counts these lines
	return s
}
