package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
	"github.com/attribution-explorer/attribution/loaders"
)

// TestMain lets a test run the command in a process of its own, to kill it:
// the test binary, run with ATTRIBUTION_TEST_MAIN="load ...", is
// `attribution load ...`.
func TestMain(m *testing.M) {
	if args := os.Getenv("ATTRIBUTION_TEST_MAIN"); args != "" {
		os.Args = append([]string{"attribution"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestLoadKilledMidWrite kills (SIGKILL) an `attribution load` of the
// default data while it writes: the graph is exactly what it was before,
// and the next load completes. The load's progress, on a standard error
// that is not a terminal, is log lines.
func TestLoadKilledMidWrite(t *testing.T) {
	store := neo4jtest.Open(t)
	cfg := neo4jtest.Config()
	ctx := context.Background()

	// The graph before: the curated data, one entity renamed (the load
	// names it back).
	b, err := loaders.Curated()
	if err != nil {
		t.Fatal(err)
	}
	b.Entities[0].Name = "Before the killed load"
	renamed := b.Entities[0].ID
	if err := store.Upsert(ctx, b); err != nil {
		t.Fatal(err)
	}
	type snapshot struct {
		counts   graph.Counts
		entities []graph.Entity
	}
	snap := func() snapshot {
		c, err := store.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		es, err := allEntities(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		return snapshot{c, es}
	}
	before := snap()

	// Killed once it writes relations: sources and entities are written,
	// not committed.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ATTRIBUTION_TEST_MAIN=load", "NEO4J_URI="+cfg.URI,
		"NEO4J_USER="+cfg.User, "NEO4J_PASSWORD="+cfg.Password, "NEO4J_DATABASE="+cfg.Database, "ATTRIBUTION_DATA=", "LOG_LEVEL=info")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	killed := false
	for lines.Scan() {
		line := lines.Text()
		if strings.Contains(line, "msg=loading") {
			t.Log(line)
		}
		if !killed && strings.Contains(line, "msg=loading step=relations rows=") {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !killed || !errors.As(err, &exit) || exit.ProcessState.String() != "signal: killed" {
		t.Fatalf("the load was not killed while writing relations (killed %v): %v", killed, err)
	}
	if after := snap(); !reflect.DeepEqual(after, before) {
		t.Fatalf("after the killed load the store holds %+v (%d entities listed), before it %+v (%d)",
			after.counts, len(after.entities), before.counts, len(before.entities))
	}

	// The next load completes, and reports its progress in log lines.
	var out, logs bytes.Buffer
	vars := env(map[string]string{"NEO4J_URI": cfg.URI, "NEO4J_USER": cfg.User, "NEO4J_PASSWORD": cfg.Password,
		"NEO4J_DATABASE": cfg.Database, "ATTRIBUTION_DATA": ""})
	if err := run(ctx, []string{"load"}, vars, &out, &logs); err != nil {
		t.Fatal(err)
	}
	after := snap()
	if after.counts.Entities <= before.counts.Entities || after.counts.Relations <= before.counts.Relations {
		t.Fatalf("after the load: %+v, before: %+v", after.counts, before.counts)
	}
	got, err := store.Entities(ctx, []string{renamed})
	if err != nil || len(got) != 1 || got[0].Name == "Before the killed load" {
		t.Fatalf("%s after the load: %+v, %v", renamed, got, err)
	}
	for _, want := range []string{"msg=loading step=sources rows=0", "msg=loading step=relations rows=", "msg=loading step=committed"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the load's log has no %q:\n%s", want, logs.String())
		}
	}
	t.Logf("the next load: %s", strings.TrimSpace(out.String()[strings.LastIndex(strings.TrimSpace(out.String()), "\n")+1:]))
}

// TestProgressLog: off a terminal, progress is a log line when a step
// begins and one every progressEvery, with rows, rows/s and the time left.
func TestProgressLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &progressLog{log: log, what: "loading", every: progressEvery, now: func() time.Time { return now }}
	l.report("sources", 0, 4000)
	now = now.Add(time.Second)
	l.report("sources", 1000, 4000) // same step, within progressEvery: no line
	l.report("entities", 1000, 4000)
	now = now.Add(4 * time.Second)
	l.report("entities", 2000, 4000) // 4 s since the last line: none
	now = now.Add(2 * time.Second)
	l.report("entities", 3000, 4000)
	l.report("committed", 4000, 4000)
	want := `level=INFO msg=loading step=sources rows=0 total=4000 elapsed=0s
level=INFO msg=loading step=entities rows=1000 total=4000 elapsed=1s rows_per_s=1000 eta=3s
level=INFO msg=loading step=entities rows=3000 total=4000 elapsed=7s rows_per_s=429 eta=2s
level=INFO msg=loading step=committed rows=4000 total=4000 elapsed=7s rows_per_s=571
`
	if buf.String() != want {
		t.Errorf("got\n%swant\n%s", buf.String(), want)
	}

	// Not a terminal: log lines.
	p, done := bulkProgress(io.Discard, log, "loading")
	buf.Reset()
	p("sources", 0, 10)
	done()
	if !strings.Contains(buf.String(), "msg=loading step=sources rows=0 total=10") {
		t.Errorf("off a terminal: %q", buf.String())
	}
}

// TestLoadIfEmpty: serve -load-if-empty loads an empty Neo4j as a bulk
// write, its progress in the log; a store that holds entities is left as
// it is.
func TestLoadIfEmpty(t *testing.T) {
	store := neo4jtest.Open(t)
	ctx := context.Background()
	cfg, err := parseConfig("serve", []string{"-load-if-empty"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if err := loadCuratedIfEmpty(ctx, store, cfg, log); err != nil {
		t.Fatal(err)
	}
	c, err := store.Counts(ctx)
	if err != nil || c.Entities == 0 {
		t.Fatalf("after -load-if-empty: %+v, %v", c, err)
	}
	if !strings.Contains(logs.String(), "msg=loading step=sources rows=0") || !strings.Contains(logs.String(), "msg=loading step=committed") {
		t.Errorf("the log says no progress:\n%s", logs.String())
	}
	logs.Reset()
	if err := loadCuratedIfEmpty(ctx, store, cfg, log); err != nil || strings.Contains(logs.String(), "msg=loading") {
		t.Errorf("a store with entities was loaded again (%v):\n%s", err, logs.String())
	}
}
