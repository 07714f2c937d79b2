package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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
