package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The closed loop (-clients N): N clients, each sending its next request as
// soon as its previous one is answered, for -duration. A client honours
// nothing special: a 503 is counted as shed and the client goes on at once,
// so the report says how fast the server sheds (the 503s' latency) as well
// as how fast it answers. With -mix hostile-reads the clients send the
// heaviest valid reads (heavy.go) and one more client sends a cheap probe
// query every -probe-every, whose latency says whether the server still
// answers the cheap queries of others.

// probeRecord is one probe request.
type probeRecord struct {
	start, end time.Duration
	fail, shed string
}

// closedLoad runs the clients until the load ends (loadEnd), then waits for
// their last answers.
func (s *soak) closedLoad(ctx context.Context) {
	var wg sync.WaitGroup
	if s.probe != nil {
		wg.Go(func() { s.probeLoop(ctx) })
	}
	for range s.cfg.clients {
		wg.Go(func() {
			for ctx.Err() == nil && s.since() < s.loadEnd() {
				s.mu.Lock()
				i := len(s.records)
				s.records = append(s.records, record{q: s.pick(i), arrival: s.since()})
				s.mu.Unlock()
				s.send(ctx, i)
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			s.progress()
		}
	}
}

// probeLoop sends the probe query every -probe-every until the load ends.
func (s *soak) probeLoop(ctx context.Context) {
	for ctx.Err() == nil && s.since() < s.loadEnd() {
		start := s.since()
		a := s.post(ctx, s.probe.body)
		end := s.since()
		p := probeRecord{start: start, end: end, shed: shedAnswer(a)}
		if p.shed == "" {
			p.fail = judge(s.probe, a)
		}
		s.mu.Lock()
		s.probes = append(s.probes, p)
		s.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(s.cfg.probeEvery):
		}
	}
}

// The closed loop's report.

type closedReport struct {
	Clients     int                    `json:"clients"`
	Mix         string                 `json:"mix"`
	Requests    int                    `json:"requests"` // answered or failed
	PerSecond   float64                `json:"requestsPerSecond"`
	OKPerSecond float64                `json:"okPerSecond"`
	Outcomes    map[string]int         `json:"outcomes"`   // every request, by outcome (outcome)
	OK          latencies              `json:"answeredOK"` // the requests answered OK (hostile ones aside)
	Shed        latencies              `json:"shed503"`    // the shed ones
	ShedBy      map[string]int         `json:"shedBy"`     // the shed ones, by message
	ByFamily    map[string]*queryStats `json:"byFamily"`   // by family of query (search, entity, neighborhood, ...)
	ByQuery     map[string]*queryStats `json:"byQuery"`
	Probe       *probeReport           `json:"probe,omitempty"`
	MaxP99ms    float64                `json:"maxP99ms,omitempty"` // the limit of OK.P99ms (-max-p99)
	// HeavyRefused: hostile reads, the larger ones refused before the load
	// (each replaced by one half as large), and why.
	HeavyRefused []string `json:"heavyRefused,omitempty"`
}

type latencies struct {
	N     int     `json:"n"`
	P50ms float64 `json:"p50ms"`
	P95ms float64 `json:"p95ms"`
	P99ms float64 `json:"p99ms"`
	MaxMs float64 `json:"maxMs"`
}

func latenciesOf(l []time.Duration) latencies {
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	r := latencies{N: len(l), P50ms: ms(quantile(l, 0.50)), P95ms: ms(quantile(l, 0.95)), P99ms: ms(quantile(l, 0.99))}
	if len(l) > 0 {
		r.MaxMs = ms(l[len(l)-1])
	}
	return r
}

type queryStats struct {
	Requests int            `json:"requests"`
	Outcomes map[string]int `json:"outcomes"`
	OK       latencies      `json:"answeredOK"`
	ok       []time.Duration
}

type probeReport struct {
	Query    string         `json:"query"`
	EveryMs  float64        `json:"everyMs"`
	Sent     int            `json:"sent"`
	Outcomes map[string]int `json:"outcomes"`
	OK       latencies      `json:"answeredOK"`
	Shed     latencies      `json:"shed503"`
}

// outcome names what became of a request: "ok", "shed 503", "GraphQL
// error: <message>", "400: <message>", "timeout: <why>" or "other: <why>".
func outcome(r record) string {
	switch {
	case r.shed != "":
		return "shed 503"
	case r.q != nil && r.q.hostile && r.fail == "" && r.status == 400:
		return "400 (hostile query, refused as it must be)"
	case r.q != nil && r.q.hostile && r.fail == "":
		return "GraphQL error (hostile argument, refused as it must be)"
	case r.allowed != "":
		return "GraphQL error: " + r.allowed
	case r.fail == "":
		return "ok"
	}
	return failOutcome(r.fail)
}

func failOutcome(fail string) string {
	switch {
	case fail == "timeout":
		return "timeout: no answer within the soak's -timeout"
	case strings.Contains(fail, "took longer than"):
		return "timeout: " + fail
	case strings.HasPrefix(fail, "GraphQL error: "):
		return fail
	case strings.HasPrefix(fail, "HTTP 400"):
		return "400: " + strings.TrimPrefix(strings.TrimPrefix(fail, "HTTP 400"), ": ")
	}
	return "other: " + fail
}

// closedFinish computes the closed loop's report and its verdict; s.mu is
// held.
func (s *soak) closedFinish(rep *report) {
	c := &closedReport{Clients: s.cfg.clients, Mix: s.cfg.mix, Outcomes: map[string]int{}, ByQuery: map[string]*queryStats{},
		ByFamily: map[string]*queryStats{}, ShedBy: map[string]int{},
		MaxP99ms: ms(s.cfg.maxP99), HeavyRefused: s.heavyRefused}
	rep.Closed = c
	var ok, shed []time.Duration
	failed := map[string]int{}   // realistic or heavy requests that failed, by reason
	failedBy := map[string]int{} // by query
	internal := map[string]int{} // internal errors, by query
	for _, r := range s.records {
		if r.end == 0 {
			continue
		}
		c.Requests++
		o := outcome(r)
		c.Outcomes[o]++
		d := r.end - r.start
		if r.shed != "" {
			shed = append(shed, d)
			c.ShedBy[r.shed]++
		}
		if strings.Contains(r.fail, "internal error") {
			internal[r.q.name]++
		}
		if r.q.hostile {
			continue // judged with the open loop's hostile report
		}
		for _, g := range []struct {
			m   map[string]*queryStats
			key string
		}{{c.ByFamily, r.q.family}, {c.ByQuery, r.q.name}} {
			qs := g.m[g.key]
			if qs == nil {
				qs = &queryStats{Outcomes: map[string]int{}}
				g.m[g.key] = qs
			}
			qs.Requests++
			qs.Outcomes[o]++
			if o == "ok" {
				qs.ok = append(qs.ok, d)
			}
		}
		switch {
		case o == "ok":
			ok = append(ok, d)
		case r.fail != "":
			failed[r.fail]++
			failedBy[r.q.name]++
		}
	}
	for _, m := range []map[string]*queryStats{c.ByFamily, c.ByQuery} {
		for _, qs := range m {
			qs.OK = latenciesOf(qs.ok)
		}
	}
	c.OK, c.Shed = latenciesOf(ok), latenciesOf(shed)
	if rep.LoadSeconds > 0 {
		c.PerSecond = float64(c.Requests) / rep.LoadSeconds
		c.OKPerSecond = float64(len(ok)) / rep.LoadSeconds
	}
	if s.probe != nil {
		p := &probeReport{Query: s.probe.name, EveryMs: ms(s.cfg.probeEvery), Outcomes: map[string]int{}}
		var pok, pshed []time.Duration
		for _, r := range s.probes {
			p.Sent++
			switch {
			case r.shed != "":
				p.Outcomes["shed 503"]++
				pshed = append(pshed, r.end-r.start)
			case r.fail == "":
				p.Outcomes["ok"]++
				pok = append(pok, r.end-r.start)
			default:
				p.Outcomes[failOutcome(r.fail)]++
				failed["probe: "+r.fail]++
				failedBy[s.probe.name]++
				if strings.Contains(r.fail, "internal error") {
					internal[s.probe.name]++
				}
			}
		}
		p.OK, p.Shed = latenciesOf(pok), latenciesOf(pshed)
		c.Probe = p
	}

	// The verdict. With an outage (-neo4j-dir), the phases judge the
	// realistic requests (finish); without, every one counts.
	if len(internal) > 0 {
		rep.fail("internal errors: %s", topReasons(internal, len(internal)))
	}
	if n := sum(failed); n > 0 && s.cfg.neo4jDir == "" {
		rep.fail("%d requests failed (neither answered nor shed): %s; by query: %s", n, topReasons(failed, 4), topReasons(failedBy, 6))
	}
	if s.cfg.maxP99 > 0 && c.OK.N > 0 && c.OK.P99ms > ms(s.cfg.maxP99) {
		rep.fail("the p99 of the requests answered OK is %.0f ms, over %s; the slowest: %s", c.OK.P99ms, s.cfg.maxP99, c.slowest(4))
	}
	if c.OK.N == 0 && c.Requests > 0 {
		rep.fail("no request was answered OK")
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// slowestKeys are the n queries of the highest p99.
func (c *closedReport) slowestKeys(n int) []string {
	keys := slices.SortedFunc(maps.Keys(c.ByQuery), func(a, b string) int {
		return cmp.Or(cmp.Compare(c.ByQuery[b].OK.P99ms, c.ByQuery[a].OK.P99ms), cmp.Compare(a, b))
	})
	return keys[:min(n, len(keys))]
}

// slowest names the n queries of the highest p99, with it.
func (c *closedReport) slowest(n int) string {
	var out []string
	for _, k := range c.slowestKeys(n) {
		out = append(out, fmt.Sprintf("%s p99 %.0f ms", k, c.ByQuery[k].OK.P99ms))
	}
	return strings.Join(out, ", ")
}

func (c *closedReport) print(w io.Writer, loadSeconds float64) {
	fmt.Fprintf(w, "closed loop: %d clients, %s mix, %.1fs: %d requests, %.1f requests/s (%.1f answered OK a second)\n",
		c.Clients, c.Mix, loadSeconds, c.Requests, c.PerSecond, c.OKPerSecond)
	fmt.Fprintf(w, "\noutcomes:\n")
	for _, o := range slices.SortedFunc(maps.Keys(c.Outcomes), func(a, b string) int {
		return cmp.Or(cmp.Compare(c.Outcomes[b], c.Outcomes[a]), cmp.Compare(a, b))
	}) {
		fmt.Fprintf(w, "  %7d  %s\n", c.Outcomes[o], o)
	}
	printLat := func(what string, l latencies) {
		fmt.Fprintf(w, "%s: %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n", what, l.N, l.P50ms, l.P95ms, l.P99ms, l.MaxMs)
	}
	fmt.Fprintln(w)
	printLat("answered OK", c.OK)
	printLat("shed (503) ", c.Shed)
	for _, m := range slices.Sorted(maps.Keys(c.ShedBy)) {
		fmt.Fprintf(w, "  %7d  %s\n", c.ShedBy[m], m)
	}
	if c.MaxP99ms > 0 {
		fmt.Fprintf(w, "(the p99 answered OK must stay under %.0f ms)\n", c.MaxP99ms)
	}
	fmt.Fprintf(w, "\nby family (p50 / p99 / max of those answered OK):\n")
	printStats(w, c.ByFamily, slices.Sorted(maps.Keys(c.ByFamily)))
	fmt.Fprintf(w, "\nthe %d queries of the highest p99 (of %d; all in the JSON report):\n", min(printQueries, len(c.ByQuery)), len(c.ByQuery))
	printStats(w, c.ByQuery, c.slowestKeys(printQueries))
	if len(c.HeavyRefused) > 0 {
		fmt.Fprintf(w, "\nrefused before the load, and asked for again half as large:\n")
		for _, r := range c.HeavyRefused {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
	if p := c.Probe; p != nil {
		fmt.Fprintf(w, "\nprobe %s every %.0f ms: %d sent", p.Query, p.EveryMs, p.Sent)
		for _, o := range slices.Sorted(maps.Keys(p.Outcomes)) {
			fmt.Fprintf(w, ", %d %s", p.Outcomes[o], o)
		}
		fmt.Fprintln(w)
		printLat("  probe answered OK", p.OK)
		printLat("  probe shed (503) ", p.Shed)
	}
}

// printQueries is how many queries the printed report shows.
const printQueries = 20

func printStats(w io.Writer, m map[string]*queryStats, keys []string) {
	for _, k := range keys {
		q := m[k]
		var others []string
		for _, o := range slices.Sorted(maps.Keys(q.Outcomes)) {
			if o != "ok" {
				others = append(others, fmt.Sprintf("%d %s", q.Outcomes[o], o))
			}
		}
		fmt.Fprintf(w, "  %-44s %6d sent, %6d ok: %8.1f / %8.1f / %8.1f ms  %s\n", k, q.Requests, q.Outcomes["ok"],
			q.OK.P50ms, q.OK.P99ms, q.OK.MaxMs, strings.Join(others, ", "))
	}
}
