package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j"
	"github.com/attribution-explorer/attribution/loaders"
)

// upsertMain is the fallback when the binary cannot write a dataset into
// Neo4j (see scripts/bench-api): it assembles the graph exactly as
// `attribution serve -data none -import FILE` does for the embedded store
// (the curated data, then each file read as the binary reads it and merged
// with loaders.Merge and the decisions), and writes it with the Neo4j
// store's own Upsert, the code `attribution load` and `import` run, but in
// several transactions: sources and entities in chunks, then relations in
// chunks. Both stores then hold the same graph.
func upsertMain(args []string) error {
	fs := flag.NewFlagSet("upsert", flag.ContinueOnError)
	uri := fs.String("neo4j", "", "the Bolt URI of an empty Neo4j")
	chunk := fs.Int("chunk", 10000, "entities or relations per transaction")
	var files []string
	fs.Func("import", "a STIX 2.1 bundle, read as `attribution serve -import` reads it (repeatable)", func(v string) error {
		files = append(files, v)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *uri == "" || len(files) == 0 {
		return fmt.Errorf("upsert: -neo4j URI and -import FILE are required")
	}
	start := time.Now()
	b, err := assemble(files, os.Stdout)
	if err != nil {
		return err
	}
	read := time.Since(start)
	ctx := context.Background()
	s, err := neo4j.Open(ctx, neo4j.Config{URI: *uri})
	if err != nil {
		return err
	}
	defer s.Close()
	if c, err := s.Counts(ctx); err != nil {
		return err
	} else if c.Entities > 0 {
		return fmt.Errorf("upsert: the Neo4j at %s is not empty (%d entities)", *uri, c.Entities)
	}
	start = time.Now()
	batches := 0
	for i := 0; i < len(b.Entities); i += *chunk {
		w := graph.Batch{Entities: b.Entities[i:min(i+*chunk, len(b.Entities))]}
		if i == 0 {
			w.Sources = b.Sources
		}
		t := time.Now()
		if err := s.Upsert(ctx, w); err != nil {
			return fmt.Errorf("upsert: entities %d-: %w", i, err)
		}
		fmt.Fprintf(os.Stderr, "entities %d-: %s\n", i, time.Since(t).Round(time.Millisecond))
		batches++
	}
	for i := 0; i < len(b.Relations); i += *chunk {
		t := time.Now()
		if err := s.Upsert(ctx, graph.Batch{Relations: b.Relations[i:min(i+*chunk, len(b.Relations))]}); err != nil {
			return fmt.Errorf("upsert: relations %d-: %w", i, err)
		}
		fmt.Fprintf(os.Stderr, "relations %d-: %s\n", i, time.Since(t).Round(time.Millisecond))
		batches++
	}
	c, err := s.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("read and merged in %s; written in %s (%d transactions): the store holds %d entities, %d relations, %d sources\n",
		read.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), batches, c.Entities, c.Relations, c.Sources)
	return nil
}

// assemble is cmd/attribution's assemble for `serve -data none -import
// FILE...`: the curated data built into the binary, then each file, read
// with the dataset options readFile gives it and merged in order.
func assemble(files []string, out io.Writer) (graph.Batch, error) {
	b, err := loaders.Curated()
	if err != nil {
		return b, err
	}
	decisions, err := loaders.Decisions()
	if err != nil {
		return b, err
	}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return b, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return b, err
		}
		name := filepath.Base(file)
		in := loaders.Input{Format: "stix", Dataset: loaders.DatasetOptions{ID: loaders.ImportID(file), Title: name,
			Published: graph.MustDate(st.ModTime().UTC().Format("2006-01-02"))}}
		add, _, err := loaders.Read(f, in, b.Entities)
		f.Close()
		if err != nil {
			return b, fmt.Errorf("%s: %w", file, err)
		}
		var rep loaders.MergeReport
		b, rep = loaders.Merge(b, add, decisions...)
		fmt.Fprintf(out, "%s: %s", file, rep.String())
	}
	return b, nil
}
