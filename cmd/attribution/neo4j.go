package main

import (
	"context"
	"log/slog"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j"
)

// openNeo4j opens the Neo4j store that NEO4J_URI names.
func openNeo4j(ctx context.Context, cfg neo4j.Config, log *slog.Logger) (graph.Store, error) {
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	log.Info("serving from Neo4j", "uri", cfg.URI, "database", cfg.Database)
	return s, nil
}
