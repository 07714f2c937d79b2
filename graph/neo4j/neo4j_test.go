package neo4j_test

import (
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
	"github.com/attribution-explorer/attribution/graph/storetest"
)

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store { return neo4jtest.Open(t) })
}

func TestAggregate(t *testing.T) {
	storetest.AggregateCases(t, func(t *testing.T) graph.Store { return neo4jtest.Open(t) })
}
