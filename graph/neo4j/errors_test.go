package neo4j

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestErrorsSayWhatHappened: the store's errors name the server and the
// cause, and rejected credentials are not "unavailable" (waiting does not
// mend them).
func TestErrorsSayWhatHappened(t *testing.T) {
	s := &Store{where: "Neo4j at bolt://db:7687"}
	for _, c := range []struct {
		err  error
		kind error
		want string
	}{
		{&driver.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized", Msg: "The client is unauthorized"}, graph.ErrUnauthorized, "Neo4j at bolt://db:7687 rejected the credentials"},
		{&driver.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"}, context.DeadlineExceeded, "did not finish the query in time"},
		{&driver.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable", Msg: "database is starting"}, graph.ErrUnavailable, "database is starting"},
		{&driver.ConnectivityError{Inner: &net.OpError{Op: "dial", Err: errors.New("x")}}, graph.ErrUnavailable, "cannot be reached"},
		// What a 50,000-entity write into a 1 GiB heap gave, once retried.
		{&driver.TransactionExecutionLimit{Cause: "timeout (exceeded max retry time: 3s)", Errors: []error{&driver.Neo4jError{
			Code: "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
			Msg:  "The allocation of an extra 2.0 MiB would use more than the limit 716.8 MiB. Currently using 716.0 MiB. dbms.memory.transaction.total.max threshold reached",
		}}}, nil, "Neo4j at bolt://db:7687 ran out of memory for one transaction (The allocation of an extra 2.0 MiB"},
		{&driver.TransactionExecutionLimit{Cause: "timeout", Errors: []error{&driver.Neo4jError{
			Code: "Neo.TransientError.General.DatabaseUnavailable", Msg: "database is starting"}}}, graph.ErrUnavailable, "database is starting"},
	} {
		got := s.mapError(c.err)
		if (c.kind != nil && !errors.Is(got, c.kind)) || !strings.Contains(got.Error(), c.want) {
			t.Errorf("%v: got %v (%T); want %v saying %q", c.err, got, got, c.kind, c.want)
		}
		if c.kind != graph.ErrUnavailable && errors.Is(got, graph.ErrUnavailable) || c.kind == nil && errors.Is(got, graph.ErrUnauthorized) {
			t.Errorf("%v: unavailable", c.err)
		}
	}
}

// TestOpenSaysConnectionRefused: a port where nothing listens.
func TestOpenSaysConnectionRefused(t *testing.T) {
	addr := deadAddr(t)
	_, err := Open(context.Background(), Config{URI: "bolt://" + addr, User: "neo4j", Password: "secret-pw"})
	if !errors.Is(err, graph.ErrUnavailable) || !strings.Contains(err.Error(), "Neo4j at bolt://"+addr+" refused the connection") {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "secret-pw") {
		t.Fatal("the password is in the message")
	}
}

// TestReadsFailFastWhileUnreachable: after a read found Neo4j unreachable,
// the next reads say so at once, with the same words, without waiting for
// the driver's retries; Ping still asks Neo4j.
func TestReadsFailFastWhileUnreachable(t *testing.T) {
	addr := deadAddr(t)
	d, err := driver.NewDriverWithContext("bolt://"+addr, driver.NoAuth(), driverConfig)
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{driver: d, db: "neo4j", where: "Neo4j at bolt://" + addr}
	defer s.Close()
	ctx := context.Background()
	_, first := s.Entities(ctx, []string{"apt40"})
	if !errors.Is(first, graph.ErrUnavailable) {
		t.Fatalf("first read: %v", first)
	}
	// The same *graph.Error: no new attempt was made.
	_, second := s.Entities(ctx, []string{"apt40"})
	if second != s.lastUnreachable.Load() || second.Error() != first.Error() {
		t.Errorf("second read: %v (%T), want the first error again", second, second)
	}
	s.lastUnreachable.Store(nil)
	if err := s.Ping(ctx); !errors.Is(err, graph.ErrUnavailable) || s.lastUnreachable.Load() == nil {
		t.Errorf("Ping did not ask Neo4j: %v", err)
	}
}

// deadAddr is a loopback address where nothing listens.
func deadAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
