package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/loaders"
)

// export writes the configured store's graph, or the neighbourhood of one
// entity, as a STIX 2.1 bundle.
func export(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	b, err := storeBatch(ctx, store, cfg.Around, cfg.Depth)
	if err != nil {
		return err
	}
	opts := loaders.STIXExportOptions{Created: time.Now().UTC()}
	if cfg.Out == "" || cfg.Out == "-" {
		return loaders.WriteSTIX(stdout, b, opts)
	}
	// Written beside the target, then renamed: a failed export leaves no half file.
	tmp, err := os.CreateTemp(filepath.Dir(cfg.Out), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := loaders.WriteSTIX(tmp, b, opts); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file private (0600); an export is for sharing:
	// readable by all, as the shell would create it, or as the file it replaces.
	mode := os.FileMode(0o644)
	if st, err := os.Stat(cfg.Out); err == nil && st.Mode().IsRegular() {
		mode = st.Mode().Perm()
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), cfg.Out); err != nil {
		return err
	}
	log.Info("exported", "file", cfg.Out, "entities", len(b.Entities), "relations", len(b.Relations), "sources", len(b.Sources))
	return nil
}

// storeBatch reads the whole graph of a store, or the neighbourhood of depth
// hops around one entity, with every source they cite.
func storeBatch(ctx context.Context, s graph.Store, around string, depth int) (graph.Batch, error) {
	var b graph.Batch
	if around != "" {
		sub, err := s.Neighborhood(ctx, graph.NeighborhoodQuery{IDs: []string{around}, Depth: depth, Limit: graph.MaxNodes})
		if err != nil {
			return b, err
		}
		if !slices.ContainsFunc(sub.Entities, func(e graph.Entity) bool { return e.ID == around }) {
			return b, fmt.Errorf("-around %q: no such entity", around)
		}
		if sub.Truncated {
			return b, fmt.Errorf("-around %q -depth %d reaches more than %d entities: ask for less depth", around, depth, graph.MaxNodes)
		}
		b.Entities, b.Relations = sub.Entities, sub.Relations
	} else {
		var err error
		if b.Entities, err = allEntities(ctx, s); err != nil {
			return b, err
		}
		ids := make([]string, len(b.Entities))
		for i, e := range b.Entities {
			ids[i] = e.ID
		}
		for chunk := range slices.Chunk(ids, graph.MaxIDs) {
			rels, err := s.Relations(ctx, chunk, graph.RelationQuery{Direction: graph.Out, Limit: graph.MaxRelations})
			if err != nil {
				return b, err
			}
			for _, id := range chunk {
				if len(rels[id]) == graph.MaxRelations {
					return b, fmt.Errorf("%s has %d relations or more, more than one call returns: the export would be incomplete", id, graph.MaxRelations)
				}
				b.Relations = append(b.Relations, rels[id]...)
			}
		}
	}
	var cited []string
	for _, e := range b.Entities {
		cited = append(cited, e.Sources...)
		for _, a := range e.Alternatives {
			cited = append(cited, a.Sources...)
		}
	}
	for _, r := range b.Relations {
		cited = append(cited, r.Sources...)
	}
	slices.Sort(cited)
	cited = slices.Compact(cited)
	var err error
	b.Sources, err = sourcesByID(ctx, s, cited)
	return b, err
}
