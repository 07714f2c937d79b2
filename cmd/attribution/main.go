// Command attribution is the attribution explorer: one binary that serves the
// GraphQL API and the web explorer, and loads the curated dataset.
//
//	attribution serve [-addr host:port] [-load-if-empty]   serve the explorer
//	attribution load                      load data/ into the store (Neo4j when NEO4J_URI is set)
//	attribution version                   print the version
//
// Configuration comes from the environment: ATTRIBUTION_ADDR, CORS_ORIGINS,
// LOG_LEVEL, NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE,
// ATTRIBUTION_WRITE_TOKEN, ATTRIBUTION_READ_TOKEN.
package main

import (
	"context"
	"errors"
	"flag"
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

const usage = `usage: attribution <command>

commands:
  serve [-addr host:port] [-load-if-empty]
                           serve the explorer (ATTRIBUTION_ADDR, default 127.0.0.1:8080)
  load                     load the curated data/ into the store
  version                  print the version

The store is Neo4j when NEO4J_URI is set, else the embedded store loaded with data/.`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	log := newLogger(getenv("LOG_LEVEL"), stderr)
	switch args[0] {
	case "version":
		fmt.Fprintln(stdout, "attribution", versionString())
		return nil
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(stderr)
		addr := fs.String("addr", envOr(getenv, "ATTRIBUTION_ADDR", "127.0.0.1:8080"), "address to listen on")
		loadIfEmpty := fs.Bool("load-if-empty", false, "load data/ first when the store holds no entity (docker-compose uses it)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return serve(ctx, *addr, *loadIfEmpty, getenv, log, stdout)
	case "load":
		return load(ctx, getenv, log, stdout)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(envLevel(level))); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func envLevel(s string) string {
	if s == "" {
		return "info"
	}
	return s
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
// the embedded store loaded with the curated dataset.
func openStore(ctx context.Context, getenv func(string) string, log *slog.Logger) (graph.Store, error) {
	if getenv("NEO4J_URI") != "" {
		return openNeo4j(ctx, getenv, log)
	}
	b, err := loaders.Curated()
	if err != nil {
		return nil, fmt.Errorf("the curated dataset is broken: %w", err)
	}
	s := memory.New()
	if err := s.Upsert(ctx, b); err != nil {
		return nil, err
	}
	log.Info("embedded store loaded", "entities", len(b.Entities), "relations", len(b.Relations), "sources", len(b.Sources))
	return s, nil
}

func serve(ctx context.Context, addr string, loadIfEmpty bool, getenv func(string) string, log *slog.Logger, stdout io.Writer) error {
	store, err := openStore(ctx, getenv, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if loadIfEmpty {
		if err := loadCuratedIfEmpty(ctx, store, log); err != nil {
			return err
		}
	}
	m := metrics.New()
	store = m.Store(store)
	sc, err := schema.New(store)
	if err != nil {
		return err
	}
	var origins []string
	for _, o := range strings.Split(getenv("CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	h := server.New(server.Config{Schema: sc, Store: store, Logger: log, CORSOrigins: origins,
		Version: versionString(), Frontend: frontendHandler(),
		WriteToken: getenv("ATTRIBUTION_WRITE_TOKEN"), ReadToken: getenv("ATTRIBUTION_READ_TOKEN"),
		Metrics: m, MetricsHandler: m.Handler()})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := server.HTTPServer(h)
	fmt.Fprintf(stdout, "attribution explorer listening on http://%s/ (GraphiQL at http://%s/graphiql)\n", ln.Addr(), ln.Addr())
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

// loadCuratedIfEmpty loads data/ into a store that holds no entity yet.
func loadCuratedIfEmpty(ctx context.Context, store graph.Store, log *slog.Logger) error {
	c, err := store.Counts(ctx)
	if err != nil || c.Entities > 0 {
		return err
	}
	b, err := loaders.Curated()
	if err != nil {
		return err
	}
	log.Info("the store is empty: loading data/")
	return store.Upsert(ctx, b)
}

func load(ctx context.Context, getenv func(string) string, log *slog.Logger, stdout io.Writer) error {
	b, err := loaders.Curated()
	if err != nil {
		return err
	}
	if getenv("NEO4J_URI") == "" {
		fmt.Fprintf(stdout, "data/ is valid: %d entities, %d relations, %d sources (set NEO4J_URI to load it into Neo4j)\n",
			len(b.Entities), len(b.Relations), len(b.Sources))
		return nil
	}
	store, err := openNeo4j(ctx, getenv, log)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if err := store.Upsert(ctx, b); err != nil {
		return err
	}
	c, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded data/ in %s: the store holds %d entities, %d relations, %d sources\n",
		time.Since(start).Round(time.Millisecond), c.Entities, c.Relations, c.Sources)
	return nil
}
