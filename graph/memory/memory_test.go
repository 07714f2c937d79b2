package memory_test

import (
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store { return memory.New() })
}

func TestAggregate(t *testing.T) {
	storetest.AggregateCases(t, func(t *testing.T) graph.Store { return memory.New() })
}
