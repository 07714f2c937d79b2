// Package neo4jtest gives tests a Neo4j to write to without ever touching
// data they did not write. Only tests import it: the binary does not link
// the testing package.
//
// Tests use the Neo4j that NEO4J_TEST_URI names, never NEO4J_URI (a user's
// own), and make test starts a dedicated one. A database the tests may
// empty carries a marker node; one that holds other data and no marker is
// refused. A lock shared by every test process on the machine (flock) lets
// the packages' tests run in parallel while each test has the database to
// itself.
package neo4jtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/attribution-explorer/attribution/graph/neo4j"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Marker is the label of the node that says "the tests own this database".
const Marker = "AttributionTestDatabase"

// Config is the Neo4j the tests use, from NEO4J_TEST_URI, NEO4J_TEST_USER,
// NEO4J_TEST_PASSWORD and NEO4J_TEST_DATABASE.
func Config() neo4j.Config {
	return neo4j.Config{URI: os.Getenv("NEO4J_TEST_URI"), User: os.Getenv("NEO4J_TEST_USER"),
		Password: os.Getenv("NEO4J_TEST_PASSWORD"), Database: os.Getenv("NEO4J_TEST_DATABASE")}
}

// Open opens the test Neo4j, emptied, for the length of the test: it waits
// for the machine-wide lock, claims the database (refusing one that holds
// data the tests did not write), and empties it. Without NEO4J_TEST_URI the
// test is skipped, saying so, unless NEO4J_REQUIRED is set (make test and
// CI set it): then it fails.
func Open(t testing.TB) *neo4j.Store {
	t.Helper()
	cfg := Config()
	if cfg.URI == "" {
		if os.Getenv("NEO4J_REQUIRED") != "" {
			t.Fatal("NEO4J_REQUIRED is set but NEO4J_TEST_URI is not")
		}
		t.Skip("NEO4J_TEST_URI is not set: skipping the Neo4j store (make test starts a Neo4j for the tests)")
	}
	lock(t, cfg.URI)
	ctx := context.Background()
	if err := Empty(ctx, cfg); err != nil { // claims the database first
		t.Fatal(err)
	}
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("opening Neo4j at %s: %v", cfg.URI, err)
	}
	t.Cleanup(func() { s.Close() })
	t.Logf("neo4j case: %s against %s", t.Name(), cfg.URI) // scripts/test counts these lines
	return s
}

// Claim marks the database as the tests' own if it is empty; it fails if
// the database holds nodes and no marker: data someone else wrote.
func Claim(ctx context.Context, cfg neo4j.Config) error {
	return withSession(ctx, cfg, func(s driver.SessionWithContext) error {
		res, err := s.Run(ctx, "OPTIONAL MATCH (m:"+Marker+") WITH count(m) AS marked "+
			"OPTIONAL MATCH (n) WITH marked, count(n) AS nodes RETURN marked, nodes", nil)
		if err != nil {
			return err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return err
		}
		marked, _ := rec.Get("marked")
		nodes, _ := rec.Get("nodes")
		switch {
		case marked.(int64) > 0:
			return nil
		case nodes.(int64) > 0:
			return fmt.Errorf("Neo4j at %s holds %d nodes that the tests did not write (no :%s node): "+
				"refusing to touch it. Point NEO4J_TEST_URI at an empty Neo4j (make test starts one)", cfg.URI, nodes, Marker)
		}
		_, err = s.Run(ctx, "CREATE (:"+Marker+" {note: 'attribution explorer tests may empty this database'})", nil)
		return err
	})
}

// Empty deletes everything but the marker from a claimed database.
func Empty(ctx context.Context, cfg neo4j.Config) error {
	if err := Claim(ctx, cfg); err != nil {
		return err
	}
	// CALL ... IN TRANSACTIONS needs an auto-commit transaction: session.Run.
	return withSession(ctx, cfg, func(s driver.SessionWithContext) error {
		res, err := s.Run(ctx, "MATCH (n) WHERE NOT n:"+Marker+" CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS", nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		return err
	})
}

func withSession(ctx context.Context, cfg neo4j.Config, f func(driver.SessionWithContext) error) error {
	auth := driver.NoAuth()
	if cfg.User != "" {
		auth = driver.BasicAuth(cfg.User, cfg.Password, "")
	}
	d, err := driver.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return err
	}
	defer d.Close(ctx)
	db := cfg.Database
	if db == "" {
		db = "neo4j"
	}
	s := d.NewSession(ctx, driver.SessionConfig{DatabaseName: db, AccessMode: driver.AccessModeWrite})
	defer s.Close(ctx)
	if err := f(s); err != nil {
		return fmt.Errorf("Neo4j at %s: %w", cfg.URI, err)
	}
	return nil
}

// inProcess serialises the tests of one process; flock, those of several
// (flock locks belong to an open file, so one process could not wait on
// itself through it).
var inProcess sync.Mutex

// lock holds the database for the test: until it ends, no other test of any
// process on this machine uses it.
func lock(t testing.TB, uri string) {
	inProcess.Lock()
	sum := sha256.Sum256([]byte(uri))
	path := filepath.Join(os.TempDir(), "attribution-neo4j-test-"+hex.EncodeToString(sum[:8])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		inProcess.Unlock()
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		inProcess.Unlock()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
		inProcess.Unlock()
	})
}

// Server is a Neo4j of a test's own, run by scripts/neo4j-up.
type Server struct {
	URI   string
	Stop  func()
	Start func()
}

// Start runs a Neo4j for this test alone, on a free port with its data in a
// temporary directory, and stops it when the test ends. It is skipped
// unless NEO4J_REQUIRED is set (make test and CI set it, and have Java and
// Maven).
func Start(t testing.TB) *Server {
	t.Helper()
	if os.Getenv("NEO4J_REQUIRED") == "" {
		t.Skip("NEO4J_REQUIRED is not set: skipping a test that runs a Neo4j of its own (make test runs it)")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	env := append(os.Environ(), fmt.Sprintf("NEO4J_PORT=%d", port), "NEO4J_DIR="+t.TempDir())
	script := func(name string) {
		cmd := exec.Command(filepath.Join(root, "scripts", name))
		cmd.Dir, cmd.Env = root, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	s := &Server{URI: fmt.Sprintf("bolt://127.0.0.1:%d", port),
		Stop: func() { script("neo4j-down") }, Start: func() { script("neo4j-up") }}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
