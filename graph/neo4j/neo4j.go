// Package neo4j is the graph.Store over Neo4j 5 (Cypher over Bolt), with the
// official driver. It behaves exactly as the embedded store: storetest and a
// differential test hold both to the same answers.
//
// The model: (:Entity {id, kind, name, aliases, ...}) and (:Source {...})
// nodes, and one relationship type, :REL, whose `type` property holds the
// relation type. One type keeps every value a parameter (Cypher cannot take
// a relationship type as one) and lets a single uniqueness constraint cover
// relation ids. Dates are stored as day numbers (lo/hi: the interval a
// start/end pair covers; known: the first day a source made the claim
// public), so that time windows and knownAt are range predicates on indexed
// properties.
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// Config says how to reach Neo4j.
type Config struct {
	URI      string // bolt://host:7687, neo4j://host (cluster, Aura) ...
	User     string // empty: no authentication
	Password string
	Database string // empty: "neo4j"
}

// Timeouts of the transactions the store runs.
const (
	// A backstop on Neo4j's side; the request's own deadline (shorter)
	// normally ends a read first. Bulk writes (graph.WithBulk, or any write
	// of replanAfter rows or more: a load, an import) have none: on a busy
	// machine the default data took longer than these (issue #23).
	readTimeout  = 20 * time.Second
	writeTimeout = 2 * time.Minute
	rowsPerQuery = 1000 // rows of one UNWIND
)

// Store is a graph.Store over Neo4j.
type Store struct {
	driver driver.DriverWithContext
	db     string
	where  string // "Neo4j at <uri>", for messages that say what failed

	// While Neo4j cannot be reached, each read would wait for the driver's
	// retries (seconds) before saying so. After a connection failure, reads
	// fail at once with the same error, but one read every failFast asks
	// Neo4j again; Ping always asks. The first success ends it.
	unreachableUntil atomic.Int64 // unix nanoseconds
	lastUnreachable  atomic.Pointer[graph.Error]
	lastSuccess      atomic.Int64 // unix nanoseconds

	searchFill searchFill // entities of older versions given a search property (search.go)
}

// failFast is how long reads fail at once after Neo4j could not be reached.
const failFast = time.Second

var _ graph.Store = (*Store)(nil)

// Open connects to Neo4j, checks that it answers, and creates the constraints
// and indexes the store needs if they do not exist.
func Open(ctx context.Context, c Config) (*Store, error) {
	auth := driver.NoAuth()
	if c.User != "" {
		auth = driver.BasicAuth(c.User, c.Password, "")
	}
	d, err := driver.NewDriverWithContext(c.URI, auth, driverConfig)
	if err != nil {
		return nil, fmt.Errorf("neo4j: %w", err)
	}
	s := &Store{driver: d, db: c.Database, where: "Neo4j at " + redactURI(c.URI)}
	if s.db == "" {
		s.db = "neo4j"
	}
	if err := d.VerifyConnectivity(ctx); err != nil {
		d.Close(ctx)
		err = s.mapError(err)
		if errors.Is(err, graph.ErrUnauthorized) && c.User != "" {
			err = fmt.Errorf("%w (user %q)", err, c.User)
		}
		return nil, err
	}
	if err := s.ensureSchema(ctx); err != nil {
		d.Close(ctx)
		return nil, err
	}
	return s, nil
}

func driverConfig(cfg *config.Config) {
	cfg.SocketConnectTimeout = 5 * time.Second
	cfg.ConnectionAcquisitionTimeout = 10 * time.Second
	// The driver retries failed transactions for this long (30 s by
	// default): long enough for a cluster to elect a leader, short enough
	// that a user soon hears "store unavailable" when Neo4j is down.
	cfg.MaxTransactionRetryTime = 3 * time.Second
}

// schemaStatements create what reads rely on. Each is idempotent.
var schemaStatements = []string{
	"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE",
	"CREATE CONSTRAINT source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE",
	"CREATE CONSTRAINT relation_id IF NOT EXISTS FOR ()-[r:REL]-() REQUIRE r.id IS UNIQUE",
	"CREATE INDEX entity_kind IF NOT EXISTS FOR (e:Entity) ON (e.kind)",
	"CREATE INDEX entity_lo IF NOT EXISTS FOR (e:Entity) ON (e.lo)",
	"CREATE INDEX entity_hi IF NOT EXISTS FOR (e:Entity) ON (e.hi)",
	"CREATE INDEX entity_known IF NOT EXISTS FOR (e:Entity) ON (e.known)",
	"CREATE INDEX relation_type IF NOT EXISTS FOR ()-[r:REL]-() ON (r.type)",
	"CREATE INDEX relation_lo IF NOT EXISTS FOR ()-[r:REL]-() ON (r.lo)",
	"CREATE INDEX relation_hi IF NOT EXISTS FOR ()-[r:REL]-() ON (r.hi)",
	"CREATE INDEX relation_known IF NOT EXISTS FOR ()-[r:REL]-() ON (r.known)",
	// Pages in order (read.go, traverse.go): entities of a kind by id, and
	// the items with an end by first day (only they have both properties).
	"CREATE INDEX entity_kind_id IF NOT EXISTS FOR (e:Entity) ON (e.kind, e.id)",
	"CREATE INDEX entity_lo_end IF NOT EXISTS FOR (e:Entity) ON (e.lo, e.end)",
	"CREATE INDEX relation_lo_end IF NOT EXISTS FOR ()-[r:REL]-() ON (r.lo, r.end)",
	// Search (search.go): the tokens of names, aliases and external ids,
	// folded and marked by the store, which a whitespace analyzer keeps as
	// they are. The indexes of earlier versions go.
	"DROP INDEX entity_labels IF EXISTS",
	"DROP INDEX entity_search IF EXISTS",
	"CREATE FULLTEXT INDEX entity_tokens IF NOT EXISTS FOR (e:Entity) ON EACH [e.search, e.typos] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
	"CALL db.awaitIndexes(300)",
}

func (s *Store) ensureSchema(ctx context.Context) error {
	for _, stmt := range schemaStatements {
		if _, err := driver.ExecuteQuery(ctx, s.driver, stmt, nil, driver.EagerResultTransformer,
			driver.ExecuteQueryWithDatabase(s.db), driver.ExecuteQueryWithWritersRouting(),
			driver.ExecuteQueryWithTransactionConfig(driver.WithTxTimeout(writeTimeout))); err != nil {
			return fmt.Errorf("neo4j: creating the schema (%s): %w", strings.Fields(stmt)[2], s.mapError(err))
		}
	}
	return nil
}

func (s *Store) Close() error { return s.driver.Close(context.Background()) }

// Ping checks that Neo4j answers a real read of the database, not only
// that Bolt accepts connections: after a restart Bolt answers well before
// the database serves queries.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.query(ctx, "MATCH (e:Entity) RETURN e.id LIMIT 1", nil)
	return err
}

// read runs one read query: readers routing, the named database, a timeout;
// at once ErrUnavailable while Neo4j was just found unreachable.
func (s *Store) read(ctx context.Context, query string, params map[string]any) ([]*driver.Record, error) {
	return s.readWithin(ctx, readTimeout, query, params)
}

// readWithin is read with a transaction timeout of its own: 0 is none (the
// reads of a bulk write, graph.WithBulk).
func (s *Store) readWithin(ctx context.Context, timeout time.Duration, query string, params map[string]any) ([]*driver.Record, error) {
	if until := s.unreachableUntil.Load(); until != 0 {
		now := time.Now()
		// One read at a time asks Neo4j again (it takes the next window);
		// the others fail at once meanwhile.
		if now.UnixNano() < until || !s.unreachableUntil.CompareAndSwap(until, now.Add(failFast).UnixNano()) {
			if last := s.lastUnreachable.Load(); last != nil {
				return nil, last
			}
		}
	}
	return s.queryWithin(ctx, timeout, query, params)
}

func (s *Store) query(ctx context.Context, query string, params map[string]any) ([]*driver.Record, error) {
	return s.queryWithin(ctx, readTimeout, query, params)
}

func (s *Store) queryWithin(ctx context.Context, timeout time.Duration, query string, params map[string]any) ([]*driver.Record, error) {
	start := time.Now().UnixNano()
	res, err := driver.ExecuteQuery(ctx, s.driver, query, params, driver.EagerResultTransformer,
		driver.ExecuteQueryWithDatabase(s.db), driver.ExecuteQueryWithReadersRouting(),
		driver.ExecuteQueryWithTransactionConfig(driver.WithTxTimeout(timeout)))
	if err != nil {
		err = s.mapError(err)
		var ge *graph.Error
		// A read that began before the last success says nothing new: Neo4j
		// has answered since.
		if errors.As(err, &ge) && ge.Kind == graph.ErrUnavailable && s.lastSuccess.Load() < start {
			s.lastUnreachable.Store(ge)
			s.unreachableUntil.Store(time.Now().Add(failFast).UnixNano())
		}
		return nil, err
	}
	s.lastSuccess.Store(time.Now().UnixNano())
	s.unreachableUntil.Store(0)
	return res.Records, nil
}

// mapError turns driver errors into graph errors that say what happened
// without the driver's internals: Neo4j that cannot be reached is
// graph.ErrUnavailable (refused, unknown host, no answer), rejected
// credentials graph.ErrUnauthorized, a transaction past its time
// context.DeadlineExceeded; anything else is an internal error that keeps
// its cause for the logs.
func (s *Store) mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// After retrying, the driver holds the errors of its attempts in a
	// TransactionExecutionLimit that does not unwrap to them: the last says why.
	var limit *driver.TransactionExecutionLimit
	if errors.As(err, &limit) && len(limit.Errors) > 0 {
		err = limit.Errors[len(limit.Errors)-1]
	}
	var ne *driver.Neo4jError
	if errors.As(err, &ne) {
		switch {
		case strings.Contains(ne.Code, "MemoryPoolOutOfMemoryError"):
			return &graph.Error{Kind: graph.ErrBusy, Message: fmt.Sprintf("%s ran out of memory for one transaction (%s): retry, write less at once, "+
				"or give Neo4j more (dbms.memory.transaction.total.max, server.memory.heap.max_size)", s.where, ne.Msg), Err: err}
		case strings.HasPrefix(ne.Code, "Neo.ClientError.Security.Unauthorized"),
			strings.HasPrefix(ne.Code, "Neo.ClientError.Security.AuthenticationRateLimit"),
			strings.HasPrefix(ne.Code, "Neo.ClientError.Security.CredentialsExpired"):
			return &graph.Error{Kind: graph.ErrUnauthorized, Message: s.where + " rejected the credentials", Err: err}
		case strings.Contains(ne.Code, "TransactionTimedOut"):
			return &graph.Error{Kind: context.DeadlineExceeded, Message: s.where + " did not finish the query in time", Err: err}
		case strings.HasPrefix(ne.Code, "Neo.TransientError.General.DatabaseUnavailable"),
			strings.HasPrefix(ne.Code, "Neo.ClientError.Database.DatabaseNotFound"),
			strings.HasPrefix(ne.Code, "Neo.ClientError.Security."):
			return &graph.Error{Kind: graph.ErrUnavailable, Message: fmt.Sprintf("%s: %s", s.where, ne.Msg), Err: err}
		case strings.HasPrefix(ne.Code, "Neo.TransientError."), strings.HasPrefix(ne.Code, "Neo.ClientError.Cluster.NotALeader"):
			// Still failing after the driver's retries (MaxTransactionRetryTime):
			// lock timeouts, deadlocks, a leader switch. The client may retry.
			return &graph.Error{Kind: graph.ErrBusy, Message: fmt.Sprintf("%s is busy (%s): retry", s.where, ne.Code), Err: err}
		}
		return fmt.Errorf("neo4j: %w", err)
	}
	var ue *driver.UsageError
	if errors.As(err, &ue) {
		return fmt.Errorf("neo4j: %w", err)
	}
	// Dial and pool errors of an unreachable server come in several types.
	return &graph.Error{Kind: graph.ErrUnavailable, Message: s.where + " " + unreachable(err), Err: err}
}

// unreachable says why a server could not be reached, from the network error
// under the driver's.
func unreachable(err error) string {
	// The driver's ConnectivityError holds the network error without
	// unwrapping to it.
	var ce *driver.ConnectivityError
	if errors.As(err, &ce) && ce.Inner != nil {
		err = ce.Inner
	}
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused the connection"
	case errors.As(err, &dns):
		return fmt.Sprintf("cannot be reached: the host %q does not resolve", dns.Name)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF):
		return "closed the connection"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "did not answer in time"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "did not answer in time"
	}
	return "cannot be reached"
}

// redactURI drops any password from a URI before it goes into a message.
func redactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(an unreadable URI)"
	}
	return u.Redacted()
}
