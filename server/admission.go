package server

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// Admission control: a server that takes every request it is sent shares
// its CPU (and its Neo4j pool) among all of them, and under a burst every
// answer comes late: 32 clients pushed p99 past the 15-s request timeout.
// Instead, at most InFlight GraphQL requests run at once; up to Queued more
// wait, each at most QueueWait, for a place; any other gets 503 with
// Retry-After at once, which a client or load balancer can act on. Cheap
// requests (a search, an entity, a health probe: cost up to CheapCost) also
// have Express places of their own, so that heavy readers who fill every
// place cannot keep them out: 32 hostile readers had the probe shed 9 times
// in 10.

// Defaults of Admission, sized to the machine: a GraphQL request is mostly
// CPU (the executor and JSON, on either store), so a few per core keep the
// cores busy while one waits on Neo4j, without sharing them so thinly that
// every request is slow.
func defaultAdmission() Admission {
	n := 4 * runtime.GOMAXPROCS(0)
	return Admission{InFlight: n, Queued: 2 * n, QueueWait: 500 * time.Millisecond, Express: max(2, runtime.GOMAXPROCS(0))}
}

// Admission bounds the GraphQL requests served at once. Zero fields take
// their defaults (defaultAdmission); a negative Queued or Express means none.
type Admission struct {
	InFlight  int           // requests executed at once
	Queued    int           // requests waiting for a place
	QueueWait time.Duration // the longest a request waits before a 503
	Express   int           // places for cheap requests alone
	// PerClient, when above zero, limits each client (by IP address) to
	// this many GraphQL requests a second, with bursts of Burst (default:
	// twice PerClient, at least 1). Off by default: behind a proxy every
	// client has the proxy's address.
	PerClient float64
	Burst     int
}

func (a Admission) withDefaults() Admission {
	d := defaultAdmission()
	a.InFlight = max(1, orDefault(a.InFlight, d.InFlight))
	a.Queued = orDefault(a.Queued, d.Queued)
	a.Express = orDefault(a.Express, d.Express)
	if a.QueueWait <= 0 {
		a.QueueWait = d.QueueWait
	}
	if a.Burst <= 0 {
		a.Burst = max(1, int(2*a.PerClient))
	}
	return a
}

// orDefault is n, def for 0, and 0 for a negative n (none).
func orDefault(n, def int) int {
	switch {
	case n < 0:
		return 0
	case n == 0:
		return def
	}
	return n
}

// CheapCost is the estimated cost (schema.Prepared.Cost) up to which a
// request may take an express place: a search or an entity with a page of
// its relations, not a neighbourhood or a page of 500.
const CheapCost = 1000

// retryAfter is what a refused client is told to wait, in seconds.
const retryAfter = 1

// busyError is a request refused because the server is at its limit.
func busyError(why string) error {
	return &httpError{status: http.StatusServiceUnavailable, message: "the server is busy (" + why + "): retry in " +
		strconv.Itoa(retryAfter) + " s", retryAfter: retryAfter}
}

type admission struct {
	slots   chan struct{}
	express chan struct{}
	queue   chan struct{}
	wait    time.Duration
	clients *lru.Cache[string, *rate.Limiter] // nil: no per-client limit
	limit   rate.Limit
	burst   int
	mu      sync.Mutex // makes a client's limiter's creation atomic
}

// maxClients is how many clients' rate limiters are kept (least recently
// seen first out).
const maxClients = 10_000

func newAdmission(a Admission) *admission {
	a = a.withDefaults()
	ad := &admission{slots: make(chan struct{}, a.InFlight), express: make(chan struct{}, a.Express),
		queue: make(chan struct{}, a.Queued), wait: a.QueueWait}
	if a.PerClient > 0 {
		ad.clients, _ = lru.New[string, *rate.Limiter](maxClients)
		ad.limit, ad.burst = rate.Limit(a.PerClient), a.Burst
	}
	return ad
}

// enter waits for a place: the returned func gives it back. It fails at once
// with a 503 when the queue is full or the client is over its rate, after
// QueueWait when no place came, or with ctx's error when the client left.
// A cheap request may take an express place too. (The per-client rate is
// checked before, by allow.)
func (a *admission) enter(ctx context.Context, cheap bool) (func(), error) {
	leave := func() { <-a.slots }
	leaveExpress := func() { <-a.express }
	express := a.express
	if !cheap {
		express = nil // a nil channel: never ready
	}
	select {
	case a.slots <- struct{}{}:
		return leave, nil
	default:
	}
	select {
	case express <- struct{}{}:
		return leaveExpress, nil
	default:
	}
	select {
	case a.queue <- struct{}{}:
		defer func() { <-a.queue }()
	default:
		return nil, busyError("too many requests at once")
	}
	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		return leave, nil
	case express <- struct{}{}:
		return leaveExpress, nil
	case <-t.C:
		return nil, busyError("too many requests at once")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// allow says whether the client of r is within its rate (always, without a
// per-client limit), or the 503 to answer.
func (a *admission) allow(r *http.Request) error {
	if a.clients != nil && !a.client(r).Allow() {
		return busyError("more requests from this client than its limit")
	}
	return nil
}

func (a *admission) client(r *http.Request) *rate.Limiter {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.clients.Get(host)
	if !ok {
		l = rate.NewLimiter(a.limit, a.burst)
		a.clients.Add(host, l)
	}
	return l
}
