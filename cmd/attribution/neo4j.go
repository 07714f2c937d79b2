package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/attribution-explorer/attribution/graph"
)

func openNeo4j(ctx context.Context, getenv func(string) string, log *slog.Logger) (graph.Store, error) {
	return nil, errors.New("the Neo4j store is not built yet")
}
