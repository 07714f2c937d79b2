package docs_test

import (
	"testing"

	"github.com/attribution-explorer/attribution/graph"
)

// extraStores are the stores besides memory that the examples run on.
func extraStores(t *testing.T) map[string]graph.Store { return nil }
