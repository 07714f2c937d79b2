// Command attribution is the attribution explorer: one binary that serves the
// GraphQL API and the web explorer, and loads the curated dataset.
//
//	attribution serve [-addr host:port] [-dir DIR] [-load-if-empty]   serve the explorer
//	attribution load [-dir DIR]           validate the curated data, load it into Neo4j (NEO4J_URI)
//	attribution check [-dir DIR]          validate the curated data
//	attribution import [-format F] FILE...  import files into Neo4j
//	attribution export [-around ID]       write the graph as a STIX 2.1 bundle
//	attribution version                   print the version
//
// Flags and the environment are read in one place, config.go.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/loaders"
	"github.com/attribution-explorer/attribution/metrics"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/attribution-explorer/attribution/server"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "attribution:", err)
		os.Exit(1)
	}
}

const usage = `usage: attribution <command> [flags]

commands:
  serve [-addr host:port] [-dir DIR] [-data LIST] [-import FILE]... [-load-if-empty]
                                             serve the explorer and the API
  load [-dir DIR] [-data LIST]               validate the curated data; load it and the public datasets into Neo4j (NEO4J_URI)
  check [-dir DIR]                           validate the curated data (file:line of every problem)
  import [-format stix|misp|table] [-mapping FILE] [-dry-run] FILE...
                                             import files into Neo4j, merged with what it holds
  export [-format stix] [-around ID -depth N] [-dir DIR] [-o FILE]
                                             write the graph, or a neighbourhood, as a STIX 2.1 bundle
  version                                    print the version

"attribution <command> -h" tells more. The store is Neo4j when NEO4J_URI is set,
else the embedded store loaded with the curated data (-dir; default: data/curated
when the working directory has it, else the copy built into the binary)`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "version":
		fmt.Fprintln(stdout, "attribution", versionString())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	case "serve", "load", "check", "import", "export":
		cfg, err := parseConfig(args[0], args[1:], getenv, stderr)
		if errors.Is(err, errHelp) {
			return nil
		}
		if err != nil {
			return err
		}
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
		switch args[0] {
		case "serve":
			return serve(ctx, cfg, log, stdout)
		case "load":
			return load(ctx, cfg, log, stdout, stderr)
		case "import":
			return importFiles(ctx, cfg, log, stdout, stderr)
		case "export":
			return export(ctx, cfg, log, stdout)
		}
		_, err = readCurated(cfg, stdout)
		return err
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// openStore opens the configured store: Neo4j when NEO4J_URI is set, else
// the embedded store loaded with the curated data (cfg.DataDir, data/curated
// of the working directory when it exists, else the copy built into the
// binary), saying in the log which.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (graph.Store, error) {
	if cfg.Neo4j.URI != "" {
		return openNeo4j(ctx, cfg.Neo4j, log)
	}
	b, which, err := curatedBatch(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", which, err)
	}
	if cfg.DataDir != "" {
		log.Info("serving the curated data in "+which+", not the copy built into this binary (-dir chooses another folder)", "dir", which)
	} else {
		log.Info("serving " + which + " (there is no " + defaultDataDir + " here; -dir names a folder)")
	}
	if b, err = assemble(b, cfg, logWriter{log}); err != nil {
		return nil, err
	}
	s := memory.New()
	if err := s.Upsert(ctx, b); err != nil {
		return nil, err
	}
	log.Info("embedded store loaded", "entities", len(b.Entities), "relations", len(b.Relations), "sources", len(b.Sources))
	return s, nil
}

// listen listens on cfg.Addr, saying on failure which address and where it
// came from (-addr or ATTRIBUTION_ADDR).
func listen(cfg Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (from %s): %w", cfg.Addr, cfg.AddrFrom, err)
	}
	return ln, nil
}

// warnIfEmpty warns when the store holds no entity: a Neo4j whose load failed
// or never ran serves an empty explorer, which says nothing of why.
func warnIfEmpty(ctx context.Context, store graph.Store, log *slog.Logger) {
	c, err := store.Counts(ctx)
	if err != nil {
		log.Warn("could not count the store's entities", "err", err)
		return
	}
	if c.Entities == 0 {
		log.Warn("the store holds no entity: the explorer and the API will find nothing; load the data with `attribution load` (NEO4J_URI set), or serve with -load-if-empty")
	}
}

func serve(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	// Listen first: a port in use is said at once, not after the data is read.
	ln, err := listen(cfg)
	if err != nil {
		return err
	}
	defer ln.Close()
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.LoadIfEmpty {
		if err := loadCuratedIfEmpty(ctx, store, cfg, log); err != nil {
			return err
		}
	}
	warnIfEmpty(ctx, store, log)
	m := metrics.New()
	store = m.Store(store)
	datasets, err := knownDatasets(cfg)
	if err != nil {
		return err
	}
	sc, err := schema.New(store, datasets...)
	if err != nil {
		return err
	}
	fe := frontendHandler()
	h := server.New(server.Config{Schema: sc, Store: store, Logger: log, CORSOrigins: cfg.CORSOrigins,
		Version: versionString(), Frontend: fe,
		WriteToken: cfg.WriteToken, ReadToken: cfg.ReadToken, Admission: cfg.Admission,
		Metrics: m, MetricsHandler: m.Handler()})
	srv := server.HTTPServer(h)
	fmt.Fprintln(stdout, listeningLine(ln.Addr(), fe != nil))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// listeningLine is serve's one line of standard output; GraphiQL is named
// only when the web explorer, which builds it, is in the binary.
func listeningLine(addr net.Addr, frontend bool) string {
	if !frontend {
		return fmt.Sprintf("attribution explorer listening on http://%s/ (API at http://%s/graphql; this binary has no web explorer or GraphiQL: make build needs npm)", addr, addr)
	}
	return fmt.Sprintf("attribution explorer listening on http://%s/ (GraphiQL at http://%s/graphiql)", addr, addr)
}

// loadCuratedIfEmpty loads data/ into a store that holds no entity yet.
func loadCuratedIfEmpty(ctx context.Context, store graph.Store, cfg Config, log *slog.Logger) error {
	c, err := store.Counts(ctx)
	if err != nil || c.Entities > 0 {
		return err
	}
	b, err := loaders.Curated()
	if err != nil {
		return err
	}
	if b, err = assemble(b, cfg, logWriter{log}); err != nil {
		return err
	}
	log.Info("the store is empty: loading the curated data and the public datasets")
	// A log line every few seconds; no timeout, however slow the host:
	// a load that failed would fail again at every restart.
	progress := &progressLog{log: log, what: "loading", every: progressEvery, now: time.Now}
	return store.Upsert(graph.WithBulk(ctx, progress.report), b)
}

// curatedBatch reads and validates the curated data: the files in
// cfg.DataDir, or the copy built into the binary; which says which.
func curatedBatch(cfg Config) (b graph.Batch, which string, err error) {
	if cfg.DataDir != "" {
		b, err = loaders.LoadYAML(os.DirFS(cfg.DataDir), ".", strings.TrimSuffix(cfg.DataDir, "/")+"/")
		return b, cfg.DataDir, err
	}
	b, err = loaders.Curated()
	return b, "the curated data built into this binary", err
}

// readCurated reads and validates the curated data: the files in
// cfg.DataDir, or the copy built into the binary, saying which.
func readCurated(cfg Config, stdout io.Writer) (graph.Batch, error) {
	b, which, err := curatedBatch(cfg)
	if err != nil {
		return b, fmt.Errorf("%s: %w", which, err)
	}
	fmt.Fprintf(stdout, "%s is valid: %d entities, %d relations, %d sources\n", which, len(b.Entities), len(b.Relations), len(b.Sources))
	return b, nil
}

func load(ctx context.Context, cfg Config, log *slog.Logger, stdout, stderr io.Writer) error {
	b, err := readCurated(cfg, stdout)
	if err != nil {
		return err
	}
	if b, err = assemble(b, cfg, stdout); err != nil {
		return err
	}
	if cfg.Neo4j.URI == "" {
		fmt.Fprintln(stdout, "NEO4J_URI is not set: nothing loaded (the embedded store loads the data at start)")
		return nil
	}
	store, err := openNeo4j(ctx, cfg.Neo4j, log)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	progress, done := bulkProgress(stderr, log, "loading")
	err = store.Upsert(graph.WithBulk(ctx, progress), b)
	done()
	if err != nil {
		return err
	}
	c, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded in %s: the store holds %d entities, %d relations, %d sources\n",
		time.Since(start).Round(time.Millisecond), c.Entities, c.Relations, c.Sources)
	return nil
}

// logWriter turns the lines of a report into log lines, so that serve's
// standard output keeps its one line saying where it listens. Each write is
// one dataset's report (assemble): its first line, the summary ("MITRE
// ATT&CK Enterprise 18.1: 1700 entities, ... read in 2.3s"), is logged at
// info, the rest, line by line, at debug (LOG_LEVEL=debug shows it): the
// start-up log says each dataset in one line (issue #20).
type logWriter struct{ log *slog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	for i, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if i == 0 {
			w.log.Info("data", "report", strings.TrimSpace(line))
		} else {
			w.log.Debug("data", "report", strings.TrimSpace(line))
		}
	}
	return len(p), nil
}
