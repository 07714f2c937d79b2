// Command soak is the load generator of `make soak` (scripts/soak): it sends
// GraphQL requests to an attribution server on 127.0.0.1 at a fixed arrival
// rate (open loop: a request is due every 1/rate seconds whether or not the
// previous ones were answered), stops and restarts the server's Neo4j in the
// middle, and reports what the server answered before, during and after the
// outage.
//
//	go run ./tools/soak -url http://127.0.0.1:PORT -duration 3m -rate 50 \
//	    -server-pid PID -neo4j-dir test-results/neo4j-soak -neo4j-port 7697
//
// The load mixes realistic queries with hostile ones. The realistic ones
// come in families taken in turn (search, entity, neighborhood, paths,
// timeline, pages of entities): those of the curated data whose entities the
// loaded data has, and, for each kind of the loaded data, its most connected
// entity and one of median connections (detail, neighbours, a search of the
// name), and the first pages of the list of each kind. Each answer is checked
// (HTTP 200, no "errors", the expected content, the same data as before the
// load). The hostile ones (fragment cycle, fragment bomb, 2,000 nested levels,
// a 60 KB query, a syntax error, a 1 MB variable) must be answered with HTTP
// 400. At most -workers requests are in flight; an arrival due while all are
// busy is not sent, and counted.
//
// An answer HTTP 503 with a Retry-After header is "shed": the server was too
// busy to take the request, or its store transiently unavailable, and said so
// at once. Shed requests are reported apart; they are not failures, but more
// than -max-shed-before of the realistic requests before the outage is (the
// server does not carry the rate). A 503 saying the request took longer than
// the server's timeout was not shed and is a failure.
//
// The outage: at -outage-at of the duration it runs scripts/neo4j-down with
// NEO4J_DIR=-neo4j-dir, waits -outage-for, then runs scripts/neo4j-up with
// NEO4J_DIR and NEO4J_PORT; neo4j-up returns once Neo4j answers. Meanwhile the
// soak tries a Bolt handshake on the port every 250 ms, to tell when Neo4j is
// back should neo4j-up not return. Requests are classified by phase: before
// the outage, during it (from the moment Neo4j is asked to stop until the
// first realistic query that succeeds after neo4j-up was started; a request
// overlapping that window belongs to it), and after recovery. The load runs
// for -duration, longer if needed to see the recovery and -after-min of
// traffic after it (at most -recovery-timeout after Neo4j answers).
//
// "Nothing lost": before and after the load, it reads stats and every entity
// with its relations through GraphQL, 50 entities a page following the
// cursors, and hashes them; every entity and relation stats counts must be
// read, and counts and hash must be equal. The queries pick their ids from
// the graph read before.
//
// It exits 1 when the server process died, a realistic request failed or was
// not sent outside the outage window (a timeout, an internal error, a wrong
// answer; shed is not failed), too many were shed before the outage, a
// hostile request got anything but 400 (or a shed 503), the graph changed,
// the outage did not go as planned, or the server did not answer a query
// within -recovery-timeout of Neo4j answering again. The report goes to stdout
// and, as JSON, to -out.
//
// With -clients N the load is a closed loop instead (closed.go; `make load`,
// scripts/load): N clients, each sending its next request as soon as its
// previous one is answered, a 503 included; -rate is unused. The report counts
// the requests by outcome (ok, GraphQL error by message, shed 503, 400,
// timeout, other) and gives the latencies of those answered OK and of the
// 503s, requests/s and the server's peak RSS; it fails on any failed request
// (an internal error, a timeout, ...) and, with -max-p99, on a p99 of those
// answered OK over it. -mix hostile-reads sends the most expensive valid
// reads instead (heavy.go), each as large as the server's limits let it be,
// and a cheap probe query every -probe-every, whose latency it reports.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	c := parseFlags()
	rep := newSoak(c).run()
	if err := rep.write(c.out); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
	}
	if !rep.Pass {
		os.Exit(1)
	}
}

type soak struct {
	cfg    config
	client *http.Client
	start  time.Time

	families [][]*query // the realistic queries, by family (takeBaseline)
	hostile  []*query
	probe    *query // -mix hostile-reads: the cheap query whose latency is watched (takeHeavy)
	// heavyRefused: the heavy reads refused before the load, each replaced
	// by a smaller one (takeHeavy), and why.
	heavyRefused []string

	mu        sync.Mutex
	records   []record
	probes    []probeRecord
	inflight  map[int]*query // hostile requests in flight, by arrival index
	downStart time.Duration  // Neo4j asked to stop; -1 before
	downDone  time.Duration  // neo4j-down returned
	upStart   time.Duration  // neo4j-up started
	upDone    time.Duration  // neo4j-up returned: Bolt answers
	boltAt    time.Duration  // a Bolt handshake on the port first succeeded after upStart
	recovered time.Duration  // first realistic success ending after upStart
	outageErr string
	died      time.Duration // the server process died; -1 while alive
	diedHow   string
	atDeath   []string // hostile requests in flight when it died
	rssMax    int
	rssStart  int
	rssEnd    int
}

func newSoak(c config) *soak {
	tr := &http.Transport{
		Proxy:               nil, // loopback only, never through a proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        c.workers,
		MaxIdleConnsPerHost: c.workers,
		MaxConnsPerHost:     c.workers,
		IdleConnTimeout:     30 * time.Second,
	}
	return &soak{
		cfg: c,
		client: &http.Client{Transport: tr, Timeout: c.timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		hostile:   hostileQueries(),
		inflight:  map[int]*query{},
		downStart: -1, downDone: -1, upStart: -1, upDone: -1, boltAt: -1, recovered: -1, died: -1,
	}
}

func (s *soak) since() time.Duration { return time.Since(s.start) }

func (s *soak) logf(format string, args ...any) {
	fmt.Printf("[%6.1fs] %s\n", s.since().Seconds(), fmt.Sprintf(format, args...))
}

// run does the whole soak and returns its report.
func (s *soak) run() *report {
	s.start = time.Now()
	rep := &report{URL: s.cfg.url, Started: s.start.UTC().Format(time.RFC3339), Rate: s.cfg.rate,
		Workers: s.cfg.workers, PlannedSeconds: s.cfg.duration.Seconds(), HostileEvery: s.cfg.hostileEvery,
		Phases: map[string]*phaseReport{}, Hostile: map[string]*hostileReport{}}
	if s.cfg.clients > 0 {
		hostile := "no hostile query"
		if s.cfg.hostileEvery > 0 {
			hostile = fmt.Sprintf("every %dth request hostile", s.cfg.hostileEvery)
		}
		s.logf("soak of %s: closed loop of %d clients (%s) for %s, %s", s.cfg.url, s.cfg.clients, s.cfg.mix, s.cfg.duration, hostile)
	} else {
		s.logf("soak of %s: %.0f requests/s for %s, every %dth hostile, %d workers", s.cfg.url, s.cfg.rate,
			s.cfg.duration, s.cfg.hostileEvery, s.cfg.workers)
	}

	if s.cfg.serverPID > 0 {
		if rss, alive := readProc(s.cfg.serverPID); alive {
			s.rssStart, s.rssMax = rss, rss
		} else {
			rep.fail("the server process %d is not running", s.cfg.serverPID)
			return s.finish(rep)
		}
	}
	before, g := s.snapshot()
	rep.NothingLost.Before = before
	if before.Error != "" {
		rep.fail("before the load, reading the graph: %s", before.Error)
		return s.finish(rep)
	}
	s.logf("graph read: %s", before)
	take := s.takeBaseline
	if s.cfg.mix == mixHostileReads {
		take = s.takeHeavy
	}
	if err := take(g); err != nil {
		rep.fail("before the load: %v", err)
		return s.finish(rep)
	}
	s.logf("before the load (graph read and answers taken in %.1fs); the clock restarts with the load", s.since().Seconds())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.start = time.Now() // phases, arrivals and outage times count from the start of the load
	loadStart := s.start
	var bg sync.WaitGroup
	bg.Add(1)
	go func() { defer bg.Done(); s.watch(ctx, cancel) }()
	outageDone := make(chan struct{})
	octx, ocancel := context.WithCancel(ctx)
	defer ocancel()
	if s.cfg.neo4jDir != "" {
		go func() { defer close(outageDone); s.outage(octx) }()
	} else {
		close(outageDone)
	}
	if s.cfg.clients > 0 {
		s.closedLoad(ctx)
	} else {
		s.load(ctx)
	}
	rep.LoadSeconds = time.Since(loadStart).Seconds()
	select {
	case <-outageDone:
	case <-ctx.Done():
	case <-time.After(10 * time.Second): // neo4j-up hangs though Bolt answered: stop waiting for it
	}
	ocancel()
	<-outageDone
	cancel()
	bg.Wait()

	s.mu.Lock()
	died := s.died >= 0
	s.mu.Unlock()
	if died {
		rep.NothingLost.After.Error = "not read: the server process died"
	} else {
		rep.NothingLost.After, _ = s.snapshot()
		if s.cfg.serverPID > 0 {
			rss, alive := readProc(s.cfg.serverPID)
			if !alive {
				s.serverDied("the server process exited")
			}
			s.rssEnd = rss
		}
	}
	return s.finish(rep)
}
