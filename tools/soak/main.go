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
// The load mixes realistic queries (search, entity, neighborhood, paths,
// timeline, pages of entities), each checked (HTTP 200, no "errors", the
// expected content, the same data as before the load), with hostile ones
// (fragment cycle, fragment bomb, 2,000 nested levels, a 60 KB query, a syntax
// error, a 1 MB variable) that must be answered with HTTP 400. At most
// -workers requests are in flight; an arrival due while all are busy is not
// sent, and counted (reported, not a failure: the latencies tell why).
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
// with its relations through GraphQL and hashes them; counts and hash must be
// equal.
//
// It exits 1 when the server process died, a realistic request failed outside
// the outage window, a hostile request got anything but 400, the graph changed,
// the outage did not go as planned, or the server did not answer a query
// within -recovery-timeout of Neo4j answering again. The report goes to stdout
// and, as JSON, to -out.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// config is what the flags say.
type config struct {
	url             string
	duration        time.Duration
	rate            float64
	workers         int
	timeout         time.Duration
	hostileEvery    int
	serverPID       int
	out             string
	scripts         string
	neo4jDir        string
	neo4jPort       int
	outageAt        float64
	outageFor       time.Duration
	recoveryTimeout time.Duration
	afterMin        time.Duration
}

func main() {
	var c config
	var rate string
	flag.StringVar(&c.url, "url", "", "the server, http://127.0.0.1:PORT (loopback only)")
	flag.DurationVar(&c.duration, "duration", 3*time.Minute, "how long to send the load (extended to see the recovery, see -after-min)")
	flag.StringVar(&rate, "rate", "50/s", "arrival rate: requests per second, e.g. 50 or 50/s")
	flag.IntVar(&c.workers, "workers", 50, "requests in flight at most; an arrival with every worker busy is not sent and counted as such")
	flag.DurationVar(&c.timeout, "timeout", 20*time.Second, "client timeout of one request")
	flag.IntVar(&c.hostileEvery, "hostile-every", 50, "every Nth request is a hostile one (0: none)")
	flag.IntVar(&c.serverPID, "server-pid", 0, "pid of the server process: its RSS is sampled and its death detected (0: by /healthz only)")
	flag.StringVar(&c.out, "out", "test-results/soak.json", "where to write the JSON report")
	flag.StringVar(&c.scripts, "scripts", "scripts", "folder of neo4j-down and neo4j-up")
	flag.StringVar(&c.neo4jDir, "neo4j-dir", "", "NEO4J_DIR of the server's Neo4j, for neo4j-down/neo4j-up (empty: no outage)")
	flag.IntVar(&c.neo4jPort, "neo4j-port", 0, "NEO4J_PORT of the server's Neo4j")
	flag.Float64Var(&c.outageAt, "outage-at", 0.4, "when to stop Neo4j, as a fraction of -duration")
	flag.DurationVar(&c.outageFor, "outage-for", 15*time.Second, "how long Neo4j stays stopped")
	flag.DurationVar(&c.recoveryTimeout, "recovery-timeout", 60*time.Second, "the server must answer a query within this of Neo4j answering again")
	flag.DurationVar(&c.afterMin, "after-min", 10*time.Second, "traffic to send after recovery at least (extends the load if needed)")
	flag.Parse()

	r, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rate), "/s"), 64)
	if err != nil || r <= 0 || r > 1000 {
		fatalf("-rate %q: want a number of requests per second in (0, 1000]", rate)
	}
	c.rate = r
	if err := c.check(); err != nil {
		fatalf("%v", err)
	}
	rep := newSoak(c).run()
	if err := rep.write(c.out); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
	}
	if !rep.Pass {
		os.Exit(1)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "soak: "+format+"\n", args...)
	os.Exit(2)
}

func (c *config) check() error {
	u, err := url.Parse(c.url)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT", c.url)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q: the soak only talks to a loopback address", c.url)
	}
	c.url = strings.TrimSuffix(c.url, "/")
	switch {
	case c.duration < 5*time.Second:
		return errors.New("-duration: at least 5s")
	case c.workers < 1 || c.workers > 1000:
		return errors.New("-workers: 1 to 1000")
	case c.timeout <= 0:
		return errors.New("-timeout must be positive")
	case c.outageAt <= 0 || c.outageAt >= 1:
		return errors.New("-outage-at: a fraction in (0, 1)")
	}
	if c.neo4jDir != "" {
		// Never the developer's Neo4j (make neo4j-up: .neo4j/ on 7687).
		abs, _ := filepath.Abs(c.neo4jDir)
		dev, _ := filepath.Abs(".neo4j")
		if abs == dev || strings.HasPrefix(abs, dev+string(filepath.Separator)) {
			return fmt.Errorf("-neo4j-dir %q: that is the development Neo4j's; the soak runs its own", c.neo4jDir)
		}
		if c.neo4jPort <= 0 || c.neo4jPort == 7687 {
			return fmt.Errorf("-neo4j-port %d: give the port of the soak's own Neo4j (not 7687)", c.neo4jPort)
		}
	}
	return nil
}

// query is one request the soak sends.
type query struct {
	name    string
	hostile bool
	// badArgument: a hostile request whose document is valid but whose
	// argument is refused when executed: HTTP 200 with a short error is
	// right too (GraphQL reports argument errors per field).
	badArgument bool
	body        []byte
	// check looks at the data of a realistic answer (no "errors" in it).
	check func(data any) error
	// baseline is the canonical data answered before the load; every later
	// answer must equal it.
	baseline string
}

// record is what became of one scheduled arrival.
type record struct {
	q        *query
	arrival  time.Duration // when it was due, from the start
	start    time.Duration // when it was sent
	end      time.Duration // when it was answered or failed
	dropped  bool          // not sent: every worker was busy
	status   int           // HTTP status, 0 without a response
	fail     string        // why it failed; "" when it passed
	answered bool          // got an HTTP response
}

type soak struct {
	cfg    config
	client *http.Client
	start  time.Time

	realistic []*query
	hostile   []*query

	mu        sync.Mutex
	records   []record
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
		realistic: realisticQueries(),
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
	s.logf("soak of %s: %.0f requests/s for %s, every %dth hostile, %d workers", s.cfg.url, s.cfg.rate,
		s.cfg.duration, s.cfg.hostileEvery, s.cfg.workers)

	if s.cfg.serverPID > 0 {
		if rss, alive := readProc(s.cfg.serverPID); alive {
			s.rssStart, s.rssMax = rss, rss
		} else {
			rep.fail("the server process %d is not running", s.cfg.serverPID)
			return s.finish(rep)
		}
	}
	if err := s.takeBaseline(); err != nil {
		rep.fail("before the load: %v", err)
		return s.finish(rep)
	}
	before := s.snapshotPatiently()
	rep.NothingLost.Before = before
	if before.Error != "" {
		rep.fail("before the load, reading the graph: %s", before.Error)
		return s.finish(rep)
	}
	s.logf("before the load (answers and graph read in %.1fs): %d entities, %d relations, %d sources, sha256 %s; the clock restarts with the load",
		s.since().Seconds(), before.Entities, before.Relations, before.Sources, before.SHA256[:16])

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
	s.load(ctx)
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
		rep.NothingLost.After = s.snapshotPatiently()
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

// load sends the arrivals and waits for the answers. At most -workers
// requests are in flight; an arrival due while all of them are is not sent.
func (s *soak) load(ctx context.Context) {
	busy := make(chan struct{}, s.cfg.workers)
	var wg sync.WaitGroup
	hardEnd := s.cfg.duration + 10*time.Minute
	interval := float64(time.Second) / s.cfg.rate
	nextReport := 10 * time.Second
	for i := 0; ; i++ {
		at := time.Duration(float64(i) * interval)
		if at >= s.loadEnd() || at >= hardEnd {
			break
		}
		if d := time.Until(s.start.Add(at)); d > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		}
		if ctx.Err() != nil {
			break
		}
		q := s.pick(i)
		s.mu.Lock()
		s.records = append(s.records, record{q: q, arrival: at})
		s.mu.Unlock()
		select {
		case busy <- struct{}{}:
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.send(ctx, i)
				<-busy
			}()
		default:
			s.mu.Lock()
			s.records[i].dropped, s.records[i].start, s.records[i].end = true, at, at
			s.records[i].fail = fmt.Sprintf("not sent: all %d workers busy", s.cfg.workers)
			s.mu.Unlock()
		}
		if at >= nextReport {
			nextReport += 10 * time.Second
			s.progress()
		}
	}
	wg.Wait()
}

// loadEnd is when the load stops: after -duration, or later while the
// outage and the recovery have not been seen through.
func (s *soak) loadEnd() time.Duration {
	end := s.cfg.duration
	if s.cfg.neo4jDir == "" {
		return end
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch back := s.neo4jBack(); {
	case s.downStart < 0:
		return end
	case s.recovered >= 0:
		return max(end, s.recovered+s.cfg.afterMin)
	case back >= 0:
		return max(end, back+s.cfg.recoveryTimeout)
	case s.outageErr != "":
		return end
	}
	return time.Duration(math.MaxInt64) // Neo4j is stopping, stopped or starting
}

// neo4jBack is when Neo4j answered again: when neo4j-up returned or, if it
// did not, when Bolt first answered a handshake; -1 before. s.mu is held.
func (s *soak) neo4jBack() time.Duration {
	if s.upDone >= 0 {
		return s.upDone
	}
	return s.boltAt
}

func (s *soak) progress() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sent, ok, failed, dropped int
	for _, r := range s.records {
		switch {
		case r.dropped:
			dropped++
		case r.end == 0:
			sent++
		case r.fail == "":
			sent++
			ok++
		default:
			sent++
			failed++
		}
	}
	s.logf("sent %d, passed %d, failed %d, not sent %d", sent, ok, failed, dropped)
}

// pick is the query of arrival i: every hostileEvery-th a hostile one in
// turn, else the realistic ones in turn.
func (s *soak) pick(i int) *query {
	if n := s.cfg.hostileEvery; n > 0 && i%n == n-1 {
		return s.hostile[(i/n)%len(s.hostile)]
	}
	if n := s.cfg.hostileEvery; n > 0 {
		i -= i / n
	}
	return s.realistic[i%len(s.realistic)]
}

// send sends arrival i and records what became of it.
func (s *soak) send(ctx context.Context, i int) {
	s.mu.Lock()
	q := s.records[i].q
	if q.hostile {
		s.inflight[i] = q
	}
	s.mu.Unlock()
	start := s.since()
	status, body, err := s.post(ctx, q.body)
	end := s.since()
	fail := ""
	if q.hostile {
		fail = judgeHostile(q, status, body, err)
	} else {
		fail = judge(q, status, body, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inflight, i)
	r := &s.records[i]
	r.start, r.end, r.status, r.fail, r.answered = start, end, status, fail, err == nil
	if !q.hostile && fail == "" && s.upStart >= 0 && s.recovered < 0 && end > s.upStart {
		s.recovered = end
		s.logf("first query answered after Neo4j came back: %s", q.name)
	}
}

func (s *soak) post(ctx context.Context, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	return res.StatusCode, b, err
}

// gqlResponse is a GraphQL answer.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// judge returns why a realistic answer fails, or "".
func judge(q *query, status int, body []byte, err error) string {
	if err != nil {
		return transportFailure(err)
	}
	var res gqlResponse
	jerr := json.Unmarshal(body, &res)
	if status != http.StatusOK {
		if jerr == nil && len(res.Errors) > 0 {
			return fmt.Sprintf("HTTP %d: %s", status, short(res.Errors[0].Message))
		}
		return fmt.Sprintf("HTTP %d", status)
	}
	if jerr != nil {
		return "HTTP 200 but not JSON"
	}
	if len(res.Errors) > 0 {
		return "GraphQL error: " + short(res.Errors[0].Message)
	}
	var data any
	if err := json.Unmarshal(res.Data, &data); err != nil || data == nil {
		return "wrong answer: no data"
	}
	if err := q.check(data); err != nil {
		return "wrong answer: " + err.Error()
	}
	if q.baseline != "" && canonical(data) != q.baseline {
		return "wrong answer: differs from the answer before the load"
	}
	return ""
}

// judgeHostile returns why a hostile request's answer fails: anything but
// 400, or, for a bad argument, 200 with short errors (a megabyte argument
// must not come back whole).
func judgeHostile(q *query, status int, body []byte, err error) string {
	if err != nil {
		return transportFailure(err)
	}
	if status == http.StatusBadRequest {
		return ""
	}
	var res gqlResponse
	if q.badArgument && status == http.StatusOK && json.Unmarshal(body, &res) == nil && len(res.Errors) > 0 {
		for _, e := range res.Errors {
			if len(e.Message) > 1100 {
				return fmt.Sprintf("HTTP 200 with a %d-byte error message", len(e.Message))
			}
		}
		return ""
	}
	if json.Unmarshal(body, &res) == nil && len(res.Errors) > 0 {
		return fmt.Sprintf("HTTP %d (want 400): %s", status, short(res.Errors[0].Message))
	}
	return fmt.Sprintf("HTTP %d (want 400)", status)
}

func transportFailure(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled (the soak stopped)"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server (EOF)"
	}
	return "transport error: " + short(err.Error())
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 110 {
		s = s[:110] + "…"
	}
	return s
}

// canonical is the data as sorted JSON, hashed.
func canonical(v any) string {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// takeBaseline asks every realistic query once before the load; the answers
// must pass their checks and become the reference of later ones. The pages
// of entities are found here, following the cursors.
func (s *soak) takeBaseline() error {
	countries, err := s.countryPages()
	if err != nil {
		return err
	}
	s.realistic = append(s.realistic, countries...)
	for _, q := range s.realistic {
		body, err := s.ask(q)
		if err != nil {
			return err
		}
		var res gqlResponse
		var data any
		json.Unmarshal(body, &res)
		json.Unmarshal(res.Data, &data)
		q.baseline = canonical(data)
	}
	return nil
}

// ask sends a realistic query until it passes, 10 times at most (a Neo4j
// just started can be slow to answer the first ones), and returns the answer.
func (s *soak) ask(q *query) ([]byte, error) {
	var last string
	for try := 0; try < 10; try++ {
		status, body, err := s.post(context.Background(), q.body)
		if last = judge(q, status, body, err); last == "" {
			return body, nil
		}
		time.Sleep(time.Second)
	}
	return nil, fmt.Errorf("%s: %s", q.name, last)
}

const countriesQuery = `query ($after: String) { entities(kinds: [COUNTRY], first: 5, after: $after) {
  totalCount pageInfo { endCursor hasNextPage }
  edges { cursor node { id name kind aliases ... on Country { iso2 iso3 } } } } }`

// countryPages returns one query per page of entities(kinds: [COUNTRY]).
func (s *soak) countryPages() ([]*query, error) {
	var out []*query
	var after any
	for page := 1; page <= 20; page++ {
		q := &query{name: fmt.Sprintf("entities-country-p%d", page),
			body: gqlBody(countriesQuery, map[string]any{"after": after}), check: checkCountryPage}
		body, err := s.ask(q)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
		var res struct {
			Data struct {
				Entities struct {
					PageInfo struct {
						EndCursor   string
						HasNextPage bool
					}
				}
			}
		}
		json.Unmarshal(body, &res)
		if !res.Data.Entities.PageInfo.HasNextPage {
			return out, nil
		}
		after = res.Data.Entities.PageInfo.EndCursor
	}
	return nil, errors.New("entities(kinds: [COUNTRY]): more than 20 pages")
}

func checkCountryPage(data any) error {
	edges := list(get(data, "entities", "edges"))
	if len(edges) == 0 {
		return errors.New("an empty page of countries")
	}
	for _, e := range edges {
		if k := get(e, "node", "kind"); k != "COUNTRY" {
			return fmt.Errorf("a %v among the countries", k)
		}
	}
	return nil
}

func gqlBody(q string, vars map[string]any) []byte {
	m := map[string]any{"query": q}
	if vars != nil {
		m["variables"] = vars
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// get walks maps by keys.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func firstHit(want string) func(any) error {
	return func(data any) error {
		hits := list(get(data, "search"))
		if len(hits) == 0 {
			return errors.New("no hit")
		}
		if id := get(hits[0], "entity", "id"); id != want {
			return fmt.Errorf("first hit %v, want %s", id, want)
		}
		return nil
	}
}

func realisticQueries() []*query {
	q := func(name, text string, check func(any) error) *query {
		return &query{name: name, body: gqlBody(text, nil), check: check}
	}
	return []*query{
		q("search-leviathan", `{ search(query: "Leviathan", first: 5) { matched score entity { id name kind aliases } } }`, firstHit("apt40")),
		q("search-apt31", `{ search(query: "APT31", first: 5) { matched score entity { id name kind } } }`, firstHit("apt31")),
		q("search-zirconium", `{ search(query: "Zirconium", first: 5) { matched score entity { id name kind } } }`, firstHit("apt31")),
		q("entity-apt40", `{ entity(id: "apt40") { id name kind aliases description start end
  ... on ThreatActor { mitreAttackId }
  relations(first: 100) { id type role confidence start end from { id name kind } to { id name kind } sources { id title published language } }
  sources { id title publisher published url } } }`, func(data any) error {
			if id := get(data, "entity", "id"); id != "apt40" {
				return fmt.Errorf("entity id %v, want apt40", id)
			}
			if len(list(get(data, "entity", "relations"))) == 0 || len(list(get(data, "entity", "sources"))) == 0 {
				return errors.New("apt40 without relations or sources")
			}
			return nil
		}),
		q("neighborhood-apt40", `{ neighborhood(ids: ["apt40"], depth: 2) { truncated nodes { id name kind } edges { id type from { id } to { id } } } }`, func(data any) error {
			nodes := list(get(data, "neighborhood", "nodes"))
			for _, n := range nodes {
				if get(n, "id") == "apt40" {
					if len(nodes) < 2 || len(list(get(data, "neighborhood", "edges"))) == 0 {
						return errors.New("apt40 alone in its neighbourhood")
					}
					return nil
				}
			}
			return errors.New("apt40 is not in its own neighbourhood")
		}),
		q("paths-ding-norway", `{ paths(from: "ding-xiaoyang", to: "norway", first: 3) { length nodes { id name } edges { id type from { id } to { id } sources { id } } } }`, func(data any) error {
			paths := list(get(data, "paths"))
			if len(paths) == 0 {
				return errors.New("no path from ding-xiaoyang to norway")
			}
			nodes := list(get(paths[0], "nodes"))
			if len(nodes) < 2 || get(nodes[0], "id") != "ding-xiaoyang" || get(nodes[len(nodes)-1], "id") != "norway" {
				return errors.New("the first path does not go from ding-xiaoyang to norway")
			}
			return nil
		}),
		q("timeline-2021-07", `{ timeline(first: 50, filter: {from: "2021-07", to: "2021-07", kinds: [EVENT, INDICTMENT]}) {
  totalCount pageInfo { endCursor hasNextPage } edges { cursor node { id date end title sources { id } } } } }`, func(data any) error {
			if n, _ := get(data, "timeline", "totalCount").(float64); n < 1 || len(list(get(data, "timeline", "edges"))) == 0 {
				return errors.New("nothing on the timeline in July 2021")
			}
			return nil
		}),
		q("timeline-apt31-knownat", `{ timeline(first: 20, filter: {entities: ["apt31"], knownAt: "2020-12-31"}) {
  totalCount edges { node { id date title sources { id publisher published } } } } }`, func(data any) error {
			if len(list(get(data, "timeline", "edges"))) == 0 {
				return errors.New("nothing known about apt31 at the end of 2020")
			}
			return nil
		}),
	}
}

// hostileQueries must each be refused: HTTP 400, or a short argument error.
func hostileQueries() []*query {
	var bomb strings.Builder
	bomb.WriteString("{ ...F0 }\n")
	const n = 30
	for i := 0; i < n; i++ {
		fmt.Fprintf(&bomb, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&bomb, "fragment F%d on Query { stats { entities } }\n", n)

	deep := `{ entity(id: "apt40") { ` + strings.Repeat("relations { from { ", 1000) + "id" +
		strings.Repeat(" } }", 1000) + " } }"

	var wide strings.Builder
	wide.WriteString(`{entity(id:"apt31"){`)
	for wide.Len() < 60000-3 {
		wide.WriteString("id ")
	}
	wide.WriteString("}}")

	big := strings.Repeat("A", 1_000_000) // the body stays under the server's 1 MiB limit
	h := func(name string, body []byte) *query { return &query{name: name, hostile: true, body: body} }
	return []*query{
		h("fragment-cycle", gqlBody(`{...A} fragment A on Query {...A}`, nil)),
		h("fragment-bomb-30", gqlBody(bomb.String(), nil)),
		h("nested-2000", gqlBody(deep, nil)),
		h("wide-60KB", gqlBody(wide.String(), nil)),
		h("syntax-error", gqlBody(`query($a:){a}`, nil)),
		{name: "variable-1MB", hostile: true, badArgument: true,
			body: gqlBody(`query ($q: String!) { search(query: $q) { entity { id } } }`, map[string]any{"q": big})},
	}
}

// outage stops Neo4j, waits, and starts it again.
func (s *soak) outage(ctx context.Context) {
	at := time.Duration(float64(s.cfg.duration) * s.cfg.outageAt)
	select {
	case <-ctx.Done():
		return
	case <-time.After(time.Until(s.start.Add(at))):
	}
	s.mu.Lock()
	s.downStart = s.since()
	s.mu.Unlock()
	s.logf("stopping Neo4j (%s/neo4j-down, NEO4J_DIR=%s)", s.cfg.scripts, s.cfg.neo4jDir)
	if err := s.script(ctx, "neo4j-down", 2*time.Minute); err != nil {
		s.outageFailed("neo4j-down: %v", err)
		return
	}
	s.mu.Lock()
	s.downDone = s.since()
	s.mu.Unlock()
	s.logf("Neo4j stopped; starting it again in %s", s.cfg.outageFor)
	select {
	case <-ctx.Done():
		return
	case <-time.After(s.cfg.outageFor):
	}
	s.mu.Lock()
	s.upStart = s.since()
	s.mu.Unlock()
	s.logf("starting Neo4j (%s/neo4j-up, NEO4J_PORT=%d)", s.cfg.scripts, s.cfg.neo4jPort)
	go s.boltProbe(ctx)
	if err := s.script(ctx, "neo4j-up", 5*time.Minute); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("had not returned %.0fs after it started, when the load ended", (s.since() - s.upStart).Seconds())
		}
		s.outageFailed("neo4j-up: %v", err)
		return
	}
	s.mu.Lock()
	s.upDone = s.since()
	s.mu.Unlock()
	s.logf("Neo4j answers on Bolt again")
}

// boltProbe records when Neo4j's port first answers a Bolt handshake: it
// tells when Neo4j is back even if neo4j-up, which waits for a line in
// Neo4j's log, does not return.
func (s *soak) boltProbe(ctx context.Context) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.cfg.neo4jPort))
	for {
		if boltAnswers(ctx, addr) {
			s.mu.Lock()
			s.boltAt = s.since()
			s.mu.Unlock()
			s.logf("Bolt answers a handshake on %s", addr)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// boltAnswers opens a connection and proposes Bolt 5.0-5.8 and 4.4: a server
// that picks a version answers.
func boltAnswers(ctx context.Context, addr string) bool {
	d := net.Dialer{Timeout: time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	hello := []byte{0x60, 0x60, 0xB0, 0x17, 0, 8, 8, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := c.Write(hello); err != nil {
		return false
	}
	var v [4]byte
	if _, err := io.ReadFull(c, v[:]); err != nil {
		return false
	}
	return v != [4]byte{}
}

func (s *soak) outageFailed(format string, args ...any) {
	s.mu.Lock()
	s.outageErr = fmt.Sprintf(format, args...)
	s.mu.Unlock()
	s.logf("outage: %s", s.outageErr)
}

func (s *soak) script(ctx context.Context, name string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(s.cfg.scripts, name))
	cmd.Env = append(os.Environ(), "NEO4J_DIR="+s.cfg.neo4jDir, "NEO4J_PORT="+strconv.Itoa(s.cfg.neo4jPort))
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}

// watch samples the server's RSS and notices its death; it cancels the
// load when the server is gone.
func (s *soak) watch(ctx context.Context, cancel context.CancelFunc) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	refused := 0
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if s.cfg.serverPID > 0 {
			rss, alive := readProc(s.cfg.serverPID)
			if !alive {
				s.serverDied("the server process exited")
				cancel()
				return
			}
			s.mu.Lock()
			s.rssMax = max(s.rssMax, rss)
			s.mu.Unlock()
			continue
		}
		if n%4 != 0 {
			continue
		}
		// Without a pid: three refused connections in a row to /healthz.
		hc, hcancel := context.WithTimeout(ctx, 2*time.Second)
		req, _ := http.NewRequestWithContext(hc, http.MethodGet, s.cfg.url+"/healthz", nil)
		res, err := s.client.Do(req)
		hcancel()
		if err == nil {
			res.Body.Close()
			refused = 0
		} else if errors.Is(err, syscall.ECONNREFUSED) {
			if refused++; refused == 3 {
				s.serverDied("the server refuses connections on /healthz")
				cancel()
				return
			}
		}
	}
}

func (s *soak) serverDied(how string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.died >= 0 {
		return
	}
	s.died, s.diedHow = s.since(), how
	for _, i := range slices.Sorted(maps.Keys(s.inflight)) {
		r := s.records[i]
		s.atDeath = append(s.atDeath, fmt.Sprintf("%s (due at %.1fs)", r.q.name, r.arrival.Seconds()))
	}
	fmt.Printf("[%6.1fs] SERVER PROCESS DIED (%s); hostile requests in flight: %s\n", s.died.Seconds(), how,
		orNone(strings.Join(s.atDeath, ", ")))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// readProc returns the VmRSS (KiB) of a process and whether it is alive (a
// zombie is not).
func readProc(pid int) (rssKB int, alive bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	alive = true
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		switch {
		case k == "State" && len(f) > 0 && (f[0] == "Z" || f[0] == "X"):
			alive = false
		case k == "VmRSS" && len(f) > 0:
			rssKB, _ = strconv.Atoi(f[0])
		}
	}
	return rssKB, alive
}

// snapshot is the graph as GraphQL shows it.
type snapshot struct {
	Entities        int    `json:"entities"`
	Relations       int    `json:"relations"`
	Sources         int    `json:"sources"`
	HashedEntities  int    `json:"hashedEntities"`
	HashedRelations int    `json:"hashedRelations"`
	SHA256          string `json:"sha256"`
	Error           string `json:"error,omitempty"`
}

// snapshotQuery reads 50 entities a page: the server refuses a query whose
// lists multiply out above its cost limit (500,000), and 500 entities with
// up to 1,000 relations each would be 3 million.
const snapshotQuery = `query ($after: String) { stats { entities relations sources }
  entities(first: 50, after: $after) { pageInfo { endCursor hasNextPage }
    edges { node { id name kind aliases relations(first: 1000) { id type from { id } to { id } } } } } }`

type snapEntity struct {
	ID        string
	Name      string
	Kind      string
	Aliases   []string
	Relations []struct {
		ID   string
		Type string
		From struct{ ID string }
		To   struct{ ID string }
	}
}

// snapshotPatiently takes a snapshot, trying again for about 30 s if the
// server cannot answer yet.
func (s *soak) snapshotPatiently() snapshot {
	snap := s.snapshot()
	for tries := 0; snap.Error != "" && tries < 15; tries++ {
		time.Sleep(2 * time.Second)
		snap = s.snapshot()
	}
	return snap
}

// snapshot reads stats and every entity with its relations, and hashes them
// sorted by id.
func (s *soak) snapshot() snapshot {
	var snap snapshot
	var ents []snapEntity
	var after any
	for page := 0; ; page++ {
		if page == 1000 {
			snap.Error = "more than 1000 pages of entities"
			return snap
		}
		status, body, err := s.post(context.Background(), gqlBody(snapshotQuery, map[string]any{"after": after}))
		var res struct {
			Data struct {
				Stats    struct{ Entities, Relations, Sources int }
				Entities struct {
					PageInfo struct {
						EndCursor   string
						HasNextPage bool
					}
					Edges []struct{ Node snapEntity }
				}
			}
			Errors []struct{ Message string }
		}
		switch {
		case err != nil:
			snap.Error = transportFailure(err)
		case status != http.StatusOK:
			snap.Error = fmt.Sprintf("HTTP %d: %s", status, short(string(body)))
		case json.Unmarshal(body, &res) != nil:
			snap.Error = "the answer is not JSON"
		case len(res.Errors) > 0:
			snap.Error = "GraphQL error: " + short(res.Errors[0].Message)
		}
		if snap.Error != "" {
			return snap
		}
		if page == 0 {
			snap.Entities, snap.Relations, snap.Sources = res.Data.Stats.Entities, res.Data.Stats.Relations, res.Data.Stats.Sources
		}
		for _, e := range res.Data.Entities.Edges {
			if len(e.Node.Relations) >= 1000 {
				snap.Error = fmt.Sprintf("%s has 1,000 relations or more: the hash would miss some", e.Node.ID)
				return snap
			}
			ents = append(ents, e.Node)
		}
		if !res.Data.Entities.PageInfo.HasNextPage {
			break
		}
		after = res.Data.Entities.PageInfo.EndCursor
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].ID < ents[j].ID })
	h := sha256.New()
	rels := map[string]bool{}
	for _, e := range ents {
		fmt.Fprintf(h, "E\t%s\t%s\t%s\t%s\n", e.ID, e.Name, e.Kind, strings.Join(e.Aliases, "\x1f"))
		sort.Slice(e.Relations, func(i, j int) bool { return e.Relations[i].ID < e.Relations[j].ID })
		for _, r := range e.Relations {
			fmt.Fprintf(h, "R\t%s\t%s\t%s\t%s\n", r.ID, r.Type, r.From.ID, r.To.ID)
			rels[r.ID] = true
		}
	}
	snap.HashedEntities, snap.HashedRelations = len(ents), len(rels)
	snap.SHA256 = hex.EncodeToString(h.Sum(nil))
	return snap
}

// The report.

type report struct {
	URL            string  `json:"url"`
	Started        string  `json:"started"`
	Rate           float64 `json:"ratePerSecond"`
	Workers        int     `json:"workers"`
	HostileEvery   int     `json:"hostileEvery"`
	PlannedSeconds float64 `json:"plannedSeconds"`
	LoadSeconds    float64 `json:"loadSeconds"`

	Scheduled int `json:"scheduled"` // arrivals due
	Sent      int `json:"sent"`      // sent (not dropped)
	NotSent   int `json:"notSent"`   // every worker busy
	Answered  int `json:"answered"`  // got an HTTP response
	Passed    int `json:"passed"`    // realistic: checked; hostile: 400

	Phases  map[string]*phaseReport   `json:"phases"`
	Hostile map[string]*hostileReport `json:"hostile"`
	Outage  *outageReport             `json:"outage,omitempty"`
	Server  serverReport              `json:"server"`

	NothingLost struct {
		Before snapshot `json:"before"`
		After  snapshot `json:"after"`
		Equal  bool     `json:"equal"`
	} `json:"nothingLost"`

	Failures []string `json:"failures"`
	Pass     bool     `json:"pass"`
}

type phaseReport struct {
	FromSeconds *float64       `json:"fromSeconds,omitempty"`
	ToSeconds   *float64       `json:"toSeconds,omitempty"`
	Realistic   int            `json:"realistic"` // sent
	Passed      int            `json:"passed"`
	NotSent     int            `json:"notSent"` // due while every worker was busy (reported, not a failure)
	Errors      map[string]int `json:"errors"`
	P50ms       float64        `json:"p50ms"` // of realistic requests that passed
	P99ms       float64        `json:"p99ms"`
	MaxMs       float64        `json:"maxMs"`
	AllP50ms    float64        `json:"allP50ms"` // of every realistic request answered or failed
	AllP99ms    float64        `json:"allP99ms"`
}

type hostileReport struct {
	Sent     int            `json:"sent"`
	Got400   int            `json:"got400"`
	Failures map[string]int `json:"failures"`
	MaxMs    float64        `json:"maxMs"`
}

type outageReport struct {
	StopRequestedAt     *float64 `json:"neo4jStopRequestedAt"`
	StoppedAt           *float64 `json:"neo4jStoppedAt"`
	StartRequestedAt    *float64 `json:"neo4jStartRequestedAt"`
	BoltAnsweredAt      *float64 `json:"neo4jBoltAnsweredAt"` // neo4j-up returned
	BoltHandshakeAt     *float64 `json:"boltHandshakeAt"`     // the soak's own Bolt handshake first answered
	FirstSuccessAt      *float64 `json:"firstSuccessAt"`
	RecoverySeconds     *float64 `json:"recoverySeconds"` // first success - neo4j-up returned (or the handshake, if it did not)
	RecoveryLimit       float64  `json:"recoveryLimitSeconds"`
	Error               string   `json:"error,omitempty"`
	SecondsWithoutStore *float64 `json:"secondsWithoutAnswers"` // stop requested to first success
}

type serverReport struct {
	PID          int      `json:"pid"`
	RSSStartKB   int      `json:"rssStartKB"`
	RSSMaxKB     int      `json:"rssMaxKB"`
	RSSEndKB     int      `json:"rssEndKB"`
	Died         bool     `json:"died"`
	DiedAt       *float64 `json:"diedAt,omitempty"`
	How          string   `json:"how,omitempty"`
	HostileAtEnd []string `json:"hostileInFlightAtDeath,omitempty"`
}

func (r *report) fail(format string, args ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
}

func secs(d time.Duration) *float64 {
	if d < 0 {
		return nil
	}
	v := math.Round(d.Seconds()*1000) / 1000
	return &v
}

// The phases, in order, and how the report names them.
const (
	phaseBefore = "before"
	phaseDuring = "during"
	phaseAfter  = "after"
)

var (
	phases     = []string{phaseBefore, phaseDuring, phaseAfter}
	phaseLabel = map[string]string{phaseBefore: "before outage", phaseDuring: "during outage", phaseAfter: "after recovery"}
)

// finish computes the report from the records, prints it and decides.
func (s *soak) finish(rep *report) *report {
	s.mu.Lock()
	defer s.mu.Unlock()
	inf := time.Duration(math.MaxInt64)

	// The outage window: from the stop to the first success after the start.
	winStart, winEnd := inf, inf
	recovered := time.Duration(-1)
	if s.cfg.neo4jDir != "" && s.downStart >= 0 {
		winStart = s.downStart
		for _, r := range s.records {
			if !r.q.hostile && !r.dropped && r.end > 0 && r.fail == "" && s.upStart >= 0 && r.end > s.upStart &&
				(recovered < 0 || r.end < recovered) {
				recovered = r.end
			}
		}
		if recovered >= 0 {
			winEnd = recovered
		}
	}
	phaseOf := func(r record) string {
		switch {
		case r.end < winStart:
			return phaseBefore
		case r.start >= winEnd:
			return phaseAfter
		}
		return phaseDuring
	}
	lat := map[string][]time.Duration{}
	latAll := map[string][]time.Duration{}
	for _, name := range phases {
		rep.Phases[name] = &phaseReport{Errors: map[string]int{}}
	}
	if winStart < inf {
		rep.Phases[phaseBefore].ToSeconds = secs(winStart)
		rep.Phases[phaseDuring].FromSeconds = secs(winStart)
		if winEnd < inf {
			rep.Phases[phaseDuring].ToSeconds = secs(winEnd)
			rep.Phases[phaseAfter].FromSeconds = secs(winEnd)
		}
	}
	for _, r := range s.records {
		if r.end == 0 && !r.dropped { // never finished: the soak was stopped
			continue
		}
		rep.Scheduled++
		if r.dropped {
			rep.NotSent++
		} else {
			rep.Sent++
		}
		if r.answered {
			rep.Answered++
		}
		if r.fail == "" && !r.dropped {
			rep.Passed++
		}
		if r.q.hostile {
			h := rep.Hostile[r.q.name]
			if h == nil {
				h = &hostileReport{Failures: map[string]int{}}
				rep.Hostile[r.q.name] = h
			}
			if r.dropped {
				continue
			}
			h.Sent++
			h.MaxMs = max(h.MaxMs, ms(r.end-r.start))
			if r.fail == "" {
				h.Got400++
			} else {
				h.Failures[r.fail]++
			}
			continue
		}
		ph := phaseOf(r)
		p := rep.Phases[ph]
		if r.dropped {
			p.NotSent++
			continue
		}
		p.Realistic++
		if r.fail == "" {
			p.Passed++
			lat[ph] = append(lat[ph], r.end-r.start)
		} else {
			p.Errors[r.fail]++
		}
		latAll[ph] = append(latAll[ph], r.end-r.start)
	}
	for name, p := range rep.Phases {
		l := lat[name]
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		p.P50ms, p.P99ms = ms(quantile(l, 0.50)), ms(quantile(l, 0.99))
		if len(l) > 0 {
			p.MaxMs = ms(l[len(l)-1])
		}
		a := latAll[name]
		sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
		p.AllP50ms, p.AllP99ms = ms(quantile(a, 0.50)), ms(quantile(a, 0.99))
	}

	if s.cfg.neo4jDir != "" {
		o := &outageReport{StopRequestedAt: secs(s.downStart), StoppedAt: secs(s.downDone),
			StartRequestedAt: secs(s.upStart), BoltAnsweredAt: secs(s.upDone), BoltHandshakeAt: secs(s.boltAt),
			FirstSuccessAt: secs(recovered), RecoveryLimit: s.cfg.recoveryTimeout.Seconds(), Error: s.outageErr}
		if back := s.neo4jBack(); recovered >= 0 && back >= 0 {
			v := math.Round((recovered-back).Seconds()*1000) / 1000
			o.RecoverySeconds = &v
		}
		if recovered >= 0 {
			o.SecondsWithoutStore = secs(recovered - s.downStart)
		}
		rep.Outage = o
	}
	rep.Server = serverReport{PID: s.cfg.serverPID, RSSStartKB: s.rssStart, RSSMaxKB: s.rssMax, RSSEndKB: s.rssEnd,
		Died: s.died >= 0, DiedAt: secs(s.died), How: s.diedHow, HostileAtEnd: s.atDeath}
	b, a := rep.NothingLost.Before, rep.NothingLost.After
	rep.NothingLost.Equal = b.Error == "" && a.Error == "" && b.SHA256 != "" && b == a

	// The verdict.
	if s.died >= 0 {
		rep.fail("SERVER PROCESS DIED at %.1fs (%s); hostile requests in flight: %s", s.died.Seconds(), s.diedHow,
			orNone(strings.Join(s.atDeath, ", ")))
	}
	for _, ph := range []string{phaseBefore, phaseAfter} {
		if n := rep.Phases[ph].Realistic - rep.Phases[ph].Passed; n > 0 {
			rep.fail("%d realistic requests failed %s (outside the outage window)", n, phaseLabel[ph])
		}
	}
	var hostileFailed int
	for _, h := range rep.Hostile {
		hostileFailed += h.Sent - h.Got400
	}
	if hostileFailed > 0 {
		rep.fail("%d hostile requests were not answered with HTTP 400", hostileFailed)
	}
	if b.SHA256 != "" && s.died < 0 {
		switch {
		case a.Error != "":
			rep.fail("after the load, reading the graph: %s", a.Error)
		case !rep.NothingLost.Equal:
			rep.fail("the graph changed: before %d/%d/%d %s, after %d/%d/%d %s", b.Entities, b.Relations, b.Sources,
				b.SHA256[:16], a.Entities, a.Relations, a.Sources, a.SHA256[:16])
		}
	}
	if o := rep.Outage; o != nil && s.died < 0 && len(s.records) > 0 {
		if o.Error != "" {
			rep.fail("the outage did not go as planned: %s", short(o.Error))
		}
		switch {
		case s.downStart < 0:
			rep.fail("the outage never started")
		case s.upStart < 0:
			// Neo4j was not restarted: nothing to recover from.
		case s.neo4jBack() < 0:
			rep.fail("Neo4j never answered again")
		case o.RecoverySeconds == nil:
			rep.fail("the server did not answer a query within %s of Neo4j answering again", s.cfg.recoveryTimeout)
		case *o.RecoverySeconds > s.cfg.recoveryTimeout.Seconds():
			rep.fail("the server answered %.1fs after Neo4j answered again (limit %s)", *o.RecoverySeconds, s.cfg.recoveryTimeout)
		}
	}
	rep.Pass = len(rep.Failures) == 0
	rep.print(os.Stdout)
	return rep
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func fsecs(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.1fs", *p)
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\n==== soak report: %s ====\n", r.URL)
	fmt.Fprintf(w, "load: %.0f req/s for %.1fs (planned %.0fs), %d workers, every %dth request hostile\n",
		r.Rate, r.LoadSeconds, r.PlannedSeconds, r.Workers, r.HostileEvery)
	fmt.Fprintf(w, "requests: %d due, %d sent, %d not sent (workers busy), %d answered, %d passed\n",
		r.Scheduled, r.Sent, r.NotSent, r.Answered, r.Passed)

	if o := r.Outage; o != nil {
		fmt.Fprintf(w, "\noutage: Neo4j stop asked %s, stopped %s, start asked %s, Bolt handshake %s, neo4j-up returned %s, first query answered %s\n",
			fsecs(o.StopRequestedAt), fsecs(o.StoppedAt), fsecs(o.StartRequestedAt), fsecs(o.BoltHandshakeAt),
			fsecs(o.BoltAnsweredAt), fsecs(o.FirstSuccessAt))
		if o.RecoverySeconds != nil {
			from := "neo4j-up returned"
			if o.BoltAnsweredAt == nil {
				from = "Bolt answered a handshake (neo4j-up did not return)"
			}
			fmt.Fprintf(w, "  recovery: first query answered %+.2fs after %s (limit %.0fs); no answers for %s\n",
				*o.RecoverySeconds, from, o.RecoveryLimit, fsecs(o.SecondsWithoutStore))
			if *o.RecoverySeconds < 0 {
				fmt.Fprintf(w, "  (negative: the server answered before neo4j-up, which looks at Neo4j's log once a second, returned)\n")
			}
		} else {
			fmt.Fprintf(w, "  recovery: NONE seen\n")
		}
		if o.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", o.Error)
		}
	}

	fmt.Fprintf(w, "\nrealistic queries by phase (latency of the passed ones; \"all\" includes failures):\n")
	for _, n := range phases {
		p := r.Phases[n]
		window := ""
		if p.FromSeconds != nil || p.ToSeconds != nil {
			window = fmt.Sprintf(" [%s .. %s]", fsecs(p.FromSeconds), fsecs(p.ToSeconds))
		}
		fmt.Fprintf(w, "  %-17s%s: %d sent, %d passed, p50 %.1fms, p99 %.1fms, max %.1fms (all: p50 %.1fms, p99 %.1fms)\n",
			phaseLabel[n], window, p.Realistic, p.Passed, p.P50ms, p.P99ms, p.MaxMs, p.AllP50ms, p.AllP99ms)
		for _, e := range slices.Sorted(maps.Keys(p.Errors)) {
			fmt.Fprintf(w, "      %6d  %s\n", p.Errors[e], e)
		}
		if p.NotSent > 0 {
			fmt.Fprintf(w, "      %6d  not sent: every worker was busy (the server fell behind the arrival rate)\n", p.NotSent)
		}
	}

	fmt.Fprintf(w, "\nhostile queries (each must get HTTP 400):\n")
	for _, n := range slices.Sorted(maps.Keys(r.Hostile)) {
		h := r.Hostile[n]
		fmt.Fprintf(w, "  %-17s %d sent, %d got 400, slowest %.1fms\n", n, h.Sent, h.Got400, h.MaxMs)
		for _, e := range slices.Sorted(maps.Keys(h.Failures)) {
			fmt.Fprintf(w, "      %6d  %s\n", h.Failures[e], e)
		}
	}

	s := r.Server
	fmt.Fprintf(w, "\nserver: ")
	if s.Died {
		fmt.Fprintf(w, "PROCESS DIED at %s (%s)", fsecs(s.DiedAt), s.How)
	} else {
		fmt.Fprintf(w, "alive")
	}
	if s.PID > 0 {
		fmt.Fprintf(w, "; RSS %.1f MiB at start, max %.1f MiB, %.1f MiB at end", float64(s.RSSStartKB)/1024,
			float64(s.RSSMaxKB)/1024, float64(s.RSSEndKB)/1024)
	}
	fmt.Fprintln(w)

	b, a := r.NothingLost.Before, r.NothingLost.After
	fmt.Fprintf(w, "\nnothing lost: before %s\n              after  %s\n", b, a)
	if r.NothingLost.Equal {
		fmt.Fprintf(w, "              equal\n")
	}

	if r.Pass {
		fmt.Fprintf(w, "\nPASS\n")
		return
	}
	fmt.Fprintf(w, "\nFAIL:\n")
	for _, f := range r.Failures {
		fmt.Fprintf(w, "  - %s\n", f)
	}
}

func (s snapshot) String() string {
	if s.Error != "" {
		return "error: " + s.Error
	}
	if s.SHA256 == "" {
		return "not read"
	}
	return fmt.Sprintf("%d entities, %d relations, %d sources (hashed %d entities, %d relations), sha256 %s",
		s.Entities, s.Relations, s.Sources, s.HashedEntities, s.HashedRelations, s.SHA256[:16])
}

func (r *report) write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
