package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph/memory"
)

// syncBuffer is a log written by the server's goroutines and read by a test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveLog runs serve with args until it has printed its listening line (or
// failed), stops it, and returns its standard output, its log and its error.
func serveLog(t *testing.T, vars func(string) string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, log syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), vars, &out, &log) }()
	deadline := time.After(20 * time.Second)
	for !strings.Contains(out.String(), "listening on") {
		select {
		case err := <-done:
			return out.String(), log.String(), err
		case <-deadline:
			t.Fatalf("serve %v printed nothing in 20 s; log:\n%s", args, log.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	return out.String(), log.String(), <-done
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestServeSaysWhichCuratedData: serve on the embedded store reads
// data/curated of the working directory when there is one, like check and
// load, and says so; a broken one is an error naming it, not a silent fall
// back to the copy in the binary (#23).
func TestServeSaysWhichCuratedData(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	out, log, err := serveLog(t, env(nil), "-addr", "127.0.0.1:0")
	if err != nil || !strings.Contains(log, "serving the curated data built into this binary") {
		t.Fatalf("without data/curated: %v; log:\n%s", err, log)
	}
	if !strings.Contains(out, "listening on") {
		t.Errorf("printed %q", out)
	}

	writeFile(t, filepath.Join(dir, "data/curated/a.yaml"),
		"sources:\n  - {id: s1, title: A report, published: 2021-07-19}\nentities:\n  - {id: x, kind: THREAT_ACTOR, name: Only Here, sources: [s1]}\n")
	_, log, err = serveLog(t, env(nil), "-addr", "127.0.0.1:0")
	if err != nil || !strings.Contains(log, "serving the curated data in data/curated, not the copy built into this binary") ||
		!strings.Contains(log, "entities=1 ") {
		t.Fatalf("with data/curated: %v; log:\n%s", err, log)
	}

	writeFile(t, filepath.Join(dir, "data/curated/a.yaml"), "entities:\n  - id: x\n    kind: THREAT_ACTOR\n   name: X\n")
	_, _, err = serveLog(t, env(nil), "-addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "data/curated: ") || !strings.Contains(err.Error(), "data/curated/a.yaml:4: ") {
		t.Fatalf("with a broken data/curated: %v", err)
	}
	other := filepath.Join(dir, "other")
	writeFile(t, filepath.Join(other, "b.yaml"),
		"sources:\n  - {id: s1, title: A report, published: 2021-07-19}\nentities:\n  - {id: y, kind: PERSON, name: Y, sources: [s1]}\n  - {id: z, kind: PERSON, name: Z, sources: [s1]}\n")
	if _, log, err = serveLog(t, env(nil), "-addr", "127.0.0.1:0", "-dir", other); err != nil || !strings.Contains(log, "entities=2 ") {
		t.Fatalf("-dir %s: %v; log:\n%s", other, err, log)
	}
}

// TestServeAddressInUse: a port in use is said before any data is read (the
// curated data here is broken, and the error is still the address's), and
// the error names the address and where it came from (#23).
func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	broken := t.TempDir()
	writeFile(t, filepath.Join(broken, "a.yaml"), "entities: [\n")
	for _, c := range []struct {
		vars map[string]string
		args []string
		from string
	}{
		{nil, []string{"-addr", addr}, "(from -addr)"},
		{map[string]string{"ATTRIBUTION_ADDR": addr}, nil, "(from ATTRIBUTION_ADDR)"},
	} {
		start := time.Now()
		err := run(context.Background(), append([]string{"serve", "-dir", broken}, c.args...), env(c.vars), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "cannot listen on "+addr+" "+c.from) || !strings.Contains(err.Error(), "address already in use") {
			t.Errorf("%v %v: %v", c.vars, c.args, err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("the error took %s", time.Since(start))
		}
	}
}

// TestConfigErrorsNameTheirSource: NEO4J_URI without a scheme, and
// ATTRIBUTION_DATA or -data with none or all among other values (#23).
func TestConfigErrorsNameTheirSource(t *testing.T) {
	for _, c := range []struct {
		vars        map[string]string
		args        []string
		want, avoid string
	}{
		{map[string]string{"NEO4J_URI": "localhost:7687"}, nil, `NEO4J_URI="localhost:7687": want scheme://host[:port], e.g. bolt://127.0.0.1:7687`, ""},
		{map[string]string{"NEO4J_URI": "http://localhost:7474"}, nil, `NEO4J_URI="http://localhost:7474"`, ""},
		{map[string]string{"NEO4J_URI": "bolt://"}, nil, `NEO4J_URI="bolt://"`, ""},
		{map[string]string{"ATTRIBUTION_DATA": "none,all"}, nil, `ATTRIBUTION_DATA="none,all": "none" stands alone`, "-data"},
		{map[string]string{"ATTRIBUTION_DATA": "eurepoc-1.1,all"}, nil, `ATTRIBUTION_DATA="eurepoc-1.1,all": "all" stands alone`, "-data"},
		{map[string]string{"ATTRIBUTION_DATA": "nope"}, nil, `ATTRIBUTION_DATA="nope": no public dataset "nope"`, "-data"},
		{map[string]string{"ATTRIBUTION_DATA": "all"}, []string{"-data", "none,eurepoc-1.1"}, `-data="none,eurepoc-1.1": "none" stands alone`, "ATTRIBUTION_DATA"},
		{map[string]string{"ATTRIBUTION_MAX_IN_FLIGHT": "0"}, nil, `ATTRIBUTION_MAX_IN_FLIGHT="0": want a whole number from 1 to 10000`, ""},
		{map[string]string{"ATTRIBUTION_MAX_QUEUED": "many"}, nil, `ATTRIBUTION_MAX_QUEUED="many"`, ""},
		{map[string]string{"ATTRIBUTION_RATE_LIMIT": "-1"}, nil, `ATTRIBUTION_RATE_LIMIT="-1": want requests a second per client`, ""},
	} {
		for _, cmd := range []string{"serve", "load", "export"} {
			_, err := parseConfig(cmd, c.args, env(c.vars), io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) || c.avoid != "" && strings.Contains(err.Error(), c.avoid) {
				t.Errorf("%s %v %v: %v; want %q", cmd, c.vars, c.args, err, c.want)
			}
		}
	}
	c, err := parseConfig("serve", nil, env(map[string]string{"ATTRIBUTION_MAX_IN_FLIGHT": "3", "ATTRIBUTION_MAX_QUEUED": "7", "ATTRIBUTION_RATE_LIMIT": "0.5"}), io.Discard)
	if err != nil || c.Admission.InFlight != 3 || c.Admission.Queued != 7 || c.Admission.PerClient != 0.5 {
		t.Errorf("admission: %+v %v", c.Admission, err)
	}
	for _, uri := range []string{"bolt://127.0.0.1:7687", "neo4j://db", "neo4j+s://db.example:7687", "bolt+ssc://[::1]:7687"} {
		if _, err := parseConfig("serve", nil, env(map[string]string{"NEO4J_URI": uri}), io.Discard); err != nil {
			t.Errorf("NEO4J_URI=%s: %v", uri, err)
		}
	}
}

// TestServeWarnsOfAnEmptyStore: a store that holds no entity (a Neo4j whose
// load failed) is served with a warning saying how to load it (#23).
func TestServeWarnsOfAnEmptyStore(t *testing.T) {
	var log strings.Builder
	warnIfEmpty(context.Background(), memory.New(), slog.New(slog.NewTextHandler(&log, nil)))
	if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "holds no entity") ||
		!strings.Contains(log.String(), "attribution load") || !strings.Contains(log.String(), "-load-if-empty") {
		t.Errorf("logged %q", log.String())
	}
	empty := t.TempDir()
	writeFile(t, filepath.Join(empty, "a.yaml"), "# nothing yet\n")
	if _, log, err := serveLog(t, env(nil), "-addr", "127.0.0.1:0", "-dir", empty); err != nil || !strings.Contains(log, "holds no entity") {
		t.Errorf("serving an empty store: %v; log:\n%s", err, log)
	}
	if _, log, err := serveLog(t, env(nil), "-addr", "127.0.0.1:0"); err != nil || strings.Contains(log, "holds no entity") {
		t.Errorf("serving the curated data: %v; log:\n%s", err, log)
	}
}

// TestListeningLine: GraphiQL is named only when the binary has the web
// explorer, which builds it; without it /graphiql is a 404 (#23).
func TestListeningLine(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	if l := listeningLine(addr, true); !strings.Contains(l, "listening on http://127.0.0.1:8080/ (GraphiQL at http://127.0.0.1:8080/graphiql)") {
		t.Errorf("with the explorer: %q", l)
	}
	if l := listeningLine(addr, false); strings.Contains(l, "GraphiQL at") || !strings.Contains(l, "listening on http://127.0.0.1:8080/ ") {
		t.Errorf("without the explorer: %q", l)
	}
	out, _, err := serveLog(t, env(nil), "-addr", "127.0.0.1:0")
	if err != nil || strings.Contains(out, "GraphiQL at") != (frontendHandler() != nil) {
		t.Errorf("serve printed %q (explorer built in: %v), %v", out, frontendHandler() != nil, err)
	}
}

// TestExportFileMode: export -o writes a file others can read (0644), as a
// shell redirection would, not a private temporary file's 0600 (#23).
func TestExportFileMode(t *testing.T) {
	file := filepath.Join(t.TempDir(), "out.json")
	if err := run(context.Background(), []string{"export", "-data", "none", "-around", "ding-xiaoyang", "-o", file}, env(nil), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("export -o wrote mode %v, want -rw-r--r--", st.Mode().Perm())
	}
	// A file replaced keeps its mode.
	if err := os.Chmod(file, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"export", "-data", "none", "-around", "ding-xiaoyang", "-o", file}, env(nil), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("export -o over a 0640 file: %v, %v", st.Mode(), err)
	}
}
