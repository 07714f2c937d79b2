// Command benchapi is the load benchmark of the API (make bench-api,
// scripts/bench-api): it writes the random graph as a STIX bundle, serves
// "the limit" (the same query classes answered by hand-written Cypher through
// the same driver, as plain JSON), drives closed-loop load against the real
// binary on both stores and against the limit, and writes the table into
// docs/benchmarks.md.
//
//	benchapi gen -seed S -n N -o FILE       the random graph as a STIX 2.1 bundle
//	benchapi limit -neo4j URI [-addr A]     serve the limit
//	benchapi wipe -neo4j URI                delete everything in a Neo4j
//	benchapi run ...                        run the cells of one dataset (benchapi run -h)
//	benchapi report ...                     write the table (benchapi report -h)
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchapi gen|limit|wipe|run|report [flags]")
		os.Exit(2)
	}
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "gen":
		err = genMain(args)
	case "limit":
		err = limitMain(args)
	case "wipe":
		err = wipeMain(args)
	case "upsert":
		err = upsertMain(args)
	case "run":
		err = runMain(args)
	case "report":
		err = reportMain(args)
	default:
		err = fmt.Errorf("unknown command %q: want gen, limit, wipe, run or report", os.Args[1])
	}
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchapi:", err)
		os.Exit(1)
	}
}
