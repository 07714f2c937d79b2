package docs_test

import (
	"os"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
)

// extraStores are the stores besides memory that the examples run on: Neo4j
// when one is configured (make test and CI always configure one).
func extraStores(t *testing.T) map[string]graph.Store {
	if os.Getenv("NEO4J_TEST_URI") == "" && os.Getenv("NEO4J_REQUIRED") == "" {
		t.Log("NEO4J_TEST_URI is not set: the examples run on the memory store only")
		return nil
	}
	return map[string]graph.Store{"neo4j": neo4jtest.Open(t)}
}
