package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/loaders"
)

// assemble merges into the curated batch the public datasets cfg.Data names
// and the files cfg.Imports names, in that order, saying what each brought.
func assemble(curated graph.Batch, cfg Config, out io.Writer) (graph.Batch, error) {
	b, err := loaders.AddPublic(curated, cfg.Data, out)
	if err != nil {
		return b, err
	}
	decisions, err := loaders.Decisions()
	if err != nil {
		return b, err
	}
	for _, file := range cfg.Imports {
		add, rep, err := readFile(cfg, file, b.Entities)
		if err != nil {
			return b, err
		}
		var mrep loaders.MergeReport
		b, mrep = loaders.Merge(b, add, decisions...)
		fmt.Fprintf(out, "%s: %d entities, %d relations, %d sources read\n%s%s", file, len(add.Entities), len(add.Relations), len(add.Sources), rep.String(), mrep.String())
	}
	return b, nil
}

// knownDatasets are the datasets the store may hold claims of: the public
// ones built in, and the files serve -import adds.
func knownDatasets(cfg Config) ([]graph.Dataset, error) {
	public, err := loaders.PublicDatasets()
	if err != nil {
		return nil, err
	}
	var out []graph.Dataset
	for _, d := range public {
		out = append(out, d.Graph())
	}
	for _, file := range cfg.Imports {
		out = append(out, graph.Dataset{ID: loaders.ImportID(file), Name: filepath.Base(file)})
	}
	return out, nil
}

// readFile reads one imported file in cfg's format; base is the graph it
// will be merged into.
func readFile(cfg Config, file string, base []graph.Entity) (graph.Batch, loaders.Report, error) {
	in := loaders.Input{Format: cfg.Format}
	if cfg.Mapping != "" {
		raw, err := os.ReadFile(cfg.Mapping)
		if err != nil {
			return graph.Batch{}, nil, err
		}
		if in.Mapping, err = loaders.ParseTableMapping(raw, cfg.Mapping); err != nil {
			return graph.Batch{}, nil, err
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return graph.Batch{}, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return graph.Batch{}, nil, err
	}
	// The file is the dataset: its name, and its date as the day it was written.
	name := filepath.Base(file)
	in.Dataset = loaders.DatasetOptions{ID: loaders.ImportID(file), Title: name,
		Published: graph.MustDate(st.ModTime().UTC().Format("2006-01-02"))}
	b, rep, err := loaders.Read(f, in, base)
	if err != nil {
		return b, rep, fmt.Errorf("%s: nothing of it was read: %w", file, err)
	}
	return b, rep, nil
}

// importFiles merges STIX bundles into the Neo4j store: the store's
// entities are the base, so an imported entity joins the one already there;
// sources the store already has are kept as they are.
func importFiles(ctx context.Context, cfg Config, log *slog.Logger, stdout, stderr io.Writer) error {
	if cfg.Neo4j.URI == "" && !cfg.DryRun {
		return fmt.Errorf("import writes into Neo4j (set NEO4J_URI); the embedded store takes files with serve -import, and -dry-run reports without writing")
	}
	decisions, err := loaders.Decisions()
	if err != nil {
		return err
	}
	var store graph.Store
	base := graph.Batch{}
	if cfg.Neo4j.URI != "" {
		s, err := openNeo4j(ctx, cfg.Neo4j, log)
		if err != nil {
			return err
		}
		defer s.Close()
		store = s
		if base.Entities, err = allEntities(ctx, store); err != nil {
			return err
		}
	}
	for _, file := range cfg.Imports {
		add, rep, err := readFile(cfg, file, base.Entities)
		if err != nil {
			return err
		}
		merged, mrep := loaders.Merge(base, add, decisions...)
		fmt.Fprintf(stdout, "%s\n%s%s", file, rep.String(), mrep.String())
		if store == nil || cfg.DryRun {
			continue
		}
		write := graph.Batch{Relations: merged.Relations}
		known, err := sourcesByID(ctx, store, sourceIDs(add.Sources))
		if err != nil {
			return err
		}
		stored := map[string]bool{}
		for _, k := range known {
			stored[k.ID] = true
		}
		for _, s := range add.Sources {
			if !stored[s.ID] {
				write.Sources = append(write.Sources, s)
			}
		}
		before := map[string]graph.Entity{}
		for _, e := range base.Entities {
			before[e.ID] = e
		}
		for _, e := range merged.Entities {
			if old, ok := before[e.ID]; !ok || !reflect.DeepEqual(old, e) {
				write.Entities = append(write.Entities, e)
			}
		}
		start := time.Now()
		progress, done := bulkProgress(stderr, log, "importing "+file)
		err = store.Upsert(graph.WithBulk(ctx, progress), write)
		done()
		if err != nil {
			return fmt.Errorf("%s: nothing was written: %w", file, err)
		}
		fmt.Fprintf(stdout, "written in %s: %d entities, %d relations, %d sources\n", time.Since(start).Round(time.Millisecond),
			len(write.Entities), len(write.Relations), len(write.Sources))
		base.Entities = merged.Entities
	}
	return nil
}

func sourceIDs(ss []graph.Source) []string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	return ids
}

// sourcesByID reads the sources with these ids that the store holds, in
// requests of at most graph.MaxIDs ids: a dataset cites thousands.
func sourcesByID(ctx context.Context, s graph.Store, ids []string) ([]graph.Source, error) {
	var out []graph.Source
	for chunk := range slices.Chunk(ids, graph.MaxIDs) {
		ss, err := s.Sources(ctx, chunk)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

// allEntities reads every entity of the store, page by page.
func allEntities(ctx context.Context, s graph.Store) ([]graph.Entity, error) {
	var out []graph.Entity
	q := graph.ListQuery{Limit: graph.MaxPage}
	for {
		page, err := s.List(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Entities...)
		if !page.HasNext || len(page.Entities) == 0 {
			return out, nil
		}
		q.After = page.Entities[len(page.Entities)-1].ID
	}
}
