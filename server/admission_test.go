package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/graph/memory"
	"github.com/attribution-explorer/attribution/graph/storetest"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/attribution-explorer/attribution/server"
)

// gateStore holds each Counts call until the test lets it go, and tells
// the test when one has begun.
type gateStore struct {
	graph.Store
	entered chan struct{}
	release chan struct{}
	err     error
}

func (g *gateStore) Counts(ctx context.Context) (graph.Counts, error) {
	if g.err != nil {
		return graph.Counts{}, g.err
	}
	g.entered <- struct{}{}
	select {
	case <-g.release:
	case <-ctx.Done():
		return graph.Counts{}, ctx.Err()
	}
	return g.Store.Counts(ctx)
}

// Entities fails with the store's error when it has one: the batched
// calls of a query's thunks.
func (g *gateStore) Entities(ctx context.Context, ids []string) ([]graph.Entity, error) {
	if g.err != nil {
		return nil, g.err
	}
	return g.Store.Entities(ctx, ids)
}

func newGatedServer(t *testing.T, cfg server.Config, err error) (string, *gateStore) {
	store := &gateStore{Store: storetest.LoadCurated(t, memory.New()), entered: make(chan struct{}, 10),
		release: make(chan struct{}), err: err}
	sc, e := schema.New(store)
	if e != nil {
		t.Fatal(e)
	}
	cfg.Schema, cfg.Store = sc, store
	srv := newHardenedServer(t, cfg)
	return srv.URL, store
}

const statsQuery = `{"query": "{ stats { entities } }"}`

// TestOverloadIsRefusedAtOnce: past the requests in flight and the queue, a
// request gets 503 with Retry-After at once; a queued one is served when a
// place frees.
func TestOverloadIsRefusedAtOnce(t *testing.T) {
	url, store := newGatedServer(t, server.Config{Admission: server.Admission{InFlight: 1, Queued: 1, QueueWait: time.Minute, Express: -1}}, nil)
	type answer struct {
		status int
		body   string
	}
	send := func() chan answer {
		c := make(chan answer, 1)
		go func() {
			status, _, body := request(t, "POST", url+"/graphql", "application/json", statsQuery)
			c <- answer{status, body}
		}()
		return c
	}
	first := send()
	<-store.entered // the first is in flight
	second := send()
	// The second waits in the queue: give it time to get there.
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	status, h, body := request(t, "POST", url+"/graphql", "application/json", statsQuery)
	msg, ext := firstError(t, body)
	if status != 503 || h.Get("Retry-After") != "1" || ext["code"] != schema.CodeBusy || !strings.Contains(msg, "busy") {
		t.Fatalf("third request: %d Retry-After %q %s", status, h.Get("Retry-After"), body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the refusal took %s", d)
	}
	close(store.release)
	for i, c := range []chan answer{first, second} {
		if a := <-c; a.status != 200 || !strings.Contains(a.body, `"entities":`) {
			t.Errorf("request %d: %d %s", i+1, a.status, a.body)
		}
	}
}

// TestQueueWaitIsBounded: a request that waits QueueWait without a place
// gets 503.
func TestQueueWaitIsBounded(t *testing.T) {
	url, store := newGatedServer(t, server.Config{Admission: server.Admission{InFlight: 1, Queued: 4, QueueWait: 50 * time.Millisecond, Express: -1}}, nil)
	done := make(chan struct{})
	go func() {
		request(t, "POST", url+"/graphql", "application/json", statsQuery)
		close(done)
	}()
	<-store.entered
	status, h, body := request(t, "POST", url+"/graphql", "application/json", statsQuery)
	if status != 503 || h.Get("Retry-After") == "" {
		t.Fatalf("%d %s", status, body)
	}
	close(store.release)
	<-done
}

// TestBusyStoreIs503: a store that stays overloaded after its retries
// (Neo4j's transaction memory, lock timeouts) is a 503 to retry, not an
// internal error.
func TestBusyStoreIs503(t *testing.T) {
	url, _ := newGatedServer(t, server.Config{}, graph.Errorf(graph.ErrBusy, "Neo4j at bolt://x is busy (Neo.TransientError.General.MemoryPoolOutOfMemoryError): retry"))
	// A direct store call, and a batched one (a thunk's).
	for _, q := range []string{statsQuery, `{"query": "{ entity(id: \"apt40\") { name } }"}`} {
		status, h, body := request(t, "POST", url+"/graphql", "application/json", q)
		msg, ext := firstError(t, body)
		if status != 503 || h.Get("Retry-After") != "1" || ext["code"] != schema.CodeBusy || strings.Contains(msg, "internal") || strings.Contains(msg, "Neo4j") {
			t.Fatalf("%s: %d %q %s", q, status, h.Get("Retry-After"), body)
		}
	}
}

// TestPerClientRateLimit: with a limit set, a client past its burst gets
// 503 at once; without one (the default), it does not.
func TestPerClientRateLimit(t *testing.T) {
	for _, c := range []struct {
		cfg     server.Config
		refused bool
	}{
		{server.Config{Admission: server.Admission{PerClient: 0.01, Burst: 3}}, true},
		{server.Config{}, false},
	} {
		srv := newHardenedServer(t, c.cfg)
		refused := 0
		for range 6 {
			if status, _, _ := request(t, "POST", srv.URL+"/graphql", "application/json", statsQuery); status == 503 {
				refused++
			}
		}
		if c.refused && refused != 3 || !c.refused && refused != 0 {
			t.Errorf("%+v: %d of 6 refused", c.cfg.Admission, refused)
		}
	}
}

// TestAnswersAreBounded: an answer past MaxAnswerBytes is replaced by an
// error that says so.
func TestAnswersAreBounded(t *testing.T) {
	srv := newHardenedServer(t, server.Config{MaxAnswerBytes: 4096})
	status, _, body := request(t, "POST", srv.URL+"/graphql", "application/json",
		`{"query": "{ entities(first: 100) { edges { node { id name description } } } }"}`)
	msg, _ := firstError(t, body)
	if status != 200 || !strings.Contains(msg, "the answer is larger than 4096 bytes") || len(body) > 4096 {
		t.Fatalf("%d %.300s", status, body)
	}
	status, _, body = request(t, "POST", srv.URL+"/graphql", "application/json", statsQuery)
	if status != 200 || !strings.Contains(body, `"entities":`) {
		t.Fatalf("a small answer: %d %s", status, body)
	}
}

// TestCheapRequestsHaveExpressPlaces: with every place taken by heavy
// requests and no queue, a cheap one (a health probe, an entity) is still
// served, and another heavy one is refused.
func TestCheapRequestsHaveExpressPlaces(t *testing.T) {
	url, store := newGatedServer(t, server.Config{Admission: server.Admission{InFlight: 1, Queued: -1, Express: 1}}, nil)
	// stats reads Counts, which the gate holds; 500 entities make it heavy.
	const heavy = `{"query": "{ stats { entities } entities(first: 500) { edges { node { id name kind } } } }"}`
	done := make(chan int, 1)
	go func() {
		status, _, _ := request(t, "POST", url+"/graphql", "application/json", heavy)
		done <- status
	}()
	<-store.entered
	if status, _, body := request(t, "POST", url+"/graphql", "application/json", heavy); status != 503 {
		t.Errorf("a second heavy request: %d %.200s", status, body)
	}
	status, _, body := request(t, "POST", url+"/graphql", "application/json", `{"query": "{ entity(id: \"apt40\") { name } }"}`)
	if status != 200 || !strings.Contains(body, "APT40") {
		t.Errorf("a cheap request: %d %.200s", status, body)
	}
	close(store.release)
	if status := <-done; status != 200 {
		t.Errorf("the first heavy request: %d", status)
	}
}
