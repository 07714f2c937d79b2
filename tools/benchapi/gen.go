package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/graph/textmatch"
	"github.com/attribution-explorer/attribution/loaders"
)

// genMain writes storetest.RandomGraph(seed, n) as a STIX 2.1 bundle, the
// form `attribution import` and `attribution serve -import` read.
func genMain(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	seed := fs.Uint64("seed", 42, "the seed of storetest.RandomGraph")
	n := fs.Int("n", 50000, "entities of the random graph")
	out := fs.String("o", "", "the bundle to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("gen: -o FILE is required")
	}
	start := time.Now()
	b := storetest.RandomGraph(*seed, *n)
	dropped, err := dropCuratedLabels(&b)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	// A fixed time: the same seed gives the same bytes.
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := loaders.WriteSTIX(w, b, loaders.STIXExportOptions{Producer: "benchapi", Created: created}); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// The file's date is the imported dataset's date (attribution import
	// uses its modification time): fixed too.
	if err := os.Chtimes(tmp, created, created); err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Printf("wrote %s: RandomGraph(%d, %d): %d entities, %d relations, %d sources (%d aliases that are curated labels dropped) in %s\n",
		*out, *seed, *n, len(b.Entities), len(b.Relations), len(b.Sources), dropped, time.Since(start).Round(time.Millisecond))
	return nil
}

// dropCuratedLabels drops the random graph's aliases that are, within the
// same kind, a name or alias of the curated data ("leviathan" for a threat
// actor is APT40's alias). The binary always serves the curated data beside
// what -import adds, and its merge (loaders.Merge, "same name or alias")
// would fold those random entities into the curated ones: some random
// relations would then join APT40 to itself, and serve -import refuses the
// whole file. Without them, the random graph is imported as it is, beside
// the curated data, on both stores.
func dropCuratedLabels(b *graph.Batch) (int, error) {
	curated, err := loaders.Curated()
	if err != nil {
		return 0, err
	}
	taken := map[string]bool{}
	for _, e := range curated.Entities {
		for _, l := range append([]string{e.Name}, e.Aliases...) {
			taken[string(e.Kind)+"\x00"+textmatch.Fold(l)] = true
		}
	}
	dropped := 0
	for i := range b.Entities {
		e := &b.Entities[i]
		if taken[string(e.Kind)+"\x00"+textmatch.Fold(e.Name)] {
			return 0, fmt.Errorf("gen: random entity %s is named %q, a curated label", e.ID, e.Name)
		}
		kept := e.Aliases[:0:0]
		for _, a := range e.Aliases {
			if taken[string(e.Kind)+"\x00"+textmatch.Fold(a)] {
				dropped++
				continue
			}
			kept = append(kept, a)
		}
		e.Aliases = kept
	}
	return dropped, nil
}
