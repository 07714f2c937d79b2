package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

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
	Shed      int `json:"shed"`      // HTTP 503 with Retry-After (shedAnswer)

	Phases  map[string]*phaseReport   `json:"phases"`
	Hostile map[string]*hostileReport `json:"hostile"`
	Outage  *outageReport             `json:"outage,omitempty"`
	Closed  *closedReport             `json:"closedLoop,omitempty"` // -clients
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
	Shed        int            `json:"shed"`    // answered at once HTTP 503 with Retry-After
	NotSent     int            `json:"notSent"` // due while every worker was busy
	Errors      map[string]int `json:"errors"`  // the failures, by reason
	ShedBy      map[string]int `json:"shedBy"`  // the shed answers, by status and message
	ShedMaxMs   float64        `json:"shedMaxMs"`
	FailedBy    map[string]int `json:"failedByFamily"` // the failures, by family of query
	P50ms       float64        `json:"p50ms"`          // of realistic requests that passed
	P99ms       float64        `json:"p99ms"`
	MaxMs       float64        `json:"maxMs"`
	AllP50ms    float64        `json:"allP50ms"` // of every realistic request answered or failed
	AllP99ms    float64        `json:"allP99ms"`
}

type hostileReport struct {
	Sent     int            `json:"sent"`
	Got400   int            `json:"got400"`
	Shed     int            `json:"shed"` // HTTP 503 with Retry-After: not refused, not run either
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
			if !r.q.hostile && !r.dropped && r.end > 0 && r.fail == "" && r.shed == "" && s.upStart >= 0 && r.end > s.upStart &&
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
		rep.Phases[name] = &phaseReport{Errors: map[string]int{}, ShedBy: map[string]int{}, FailedBy: map[string]int{}}
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
		if r.shed != "" {
			rep.Shed++
		} else if r.fail == "" && !r.dropped {
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
			if r.shed != "" {
				h.Shed++
			} else if r.fail == "" {
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
		if r.shed != "" {
			p.Shed++
			p.ShedBy[r.shed]++
			p.ShedMaxMs = max(p.ShedMaxMs, ms(r.end-r.start))
		} else if r.fail == "" {
			p.Passed++
			lat[ph] = append(lat[ph], r.end-r.start)
		} else {
			p.Errors[r.fail]++
			p.FailedBy[r.q.family]++
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
	rep.NothingLost.Equal = b.equal(a)

	// The verdict.
	if s.died >= 0 {
		rep.fail("SERVER PROCESS DIED at %.1fs (%s); hostile requests in flight: %s", s.died.Seconds(), s.diedHow,
			orNone(strings.Join(s.atDeath, ", ")))
	}
	closed := s.cfg.clients > 0
	if closed {
		s.closedFinish(rep)
	}
	for _, ph := range []string{phaseBefore, phaseAfter} {
		if closed && s.cfg.neo4jDir == "" {
			break // closedFinish judged every request
		}
		p := rep.Phases[ph]
		if n := p.Realistic - p.Passed - p.Shed; n > 0 {
			rep.fail("%d realistic requests failed %s (outside the outage window): %s", n, phaseLabel[ph], topReasons(p.Errors, 3))
		}
		if p.NotSent > 0 {
			rep.fail("%d requests not sent %s: all %d workers were waiting for answers (the server neither answered nor shed them)",
				p.NotSent, phaseLabel[ph], s.cfg.workers)
		}
	}
	if p := rep.Phases[phaseBefore]; !closed && p.Shed > 0 && float64(p.Shed) > s.cfg.maxShedBefore*float64(p.Realistic) {
		rep.fail("%d of %d realistic requests shed before the outage (over %.1f%%): the server does not carry %.0f requests/s",
			p.Shed, p.Realistic, 100*s.cfg.maxShedBefore, s.cfg.rate)
	}
	var hostileFailed int
	for _, h := range rep.Hostile {
		hostileFailed += h.Sent - h.Got400 - h.Shed
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

// topReasons is the n most frequent reasons, with their counts.
func topReasons(m map[string]int, n int) string {
	keys := slices.SortedFunc(maps.Keys(m), func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	var out []string
	for i, k := range keys {
		if i == n {
			out = append(out, fmt.Sprintf("%d more reasons", len(keys)-n))
			break
		}
		out = append(out, fmt.Sprintf("%d %q", m[k], k))
	}
	return strings.Join(out, ", ")
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
	if r.Closed != nil {
		r.Closed.print(w, r.LoadSeconds)
	} else {
		fmt.Fprintf(w, "load: %.0f req/s for %.1fs (planned %.0fs), %d workers, every %dth request hostile\n",
			r.Rate, r.LoadSeconds, r.PlannedSeconds, r.Workers, r.HostileEvery)
		fmt.Fprintf(w, "requests: %d due, %d sent, %d not sent (workers busy), %d answered, %d passed, %d shed (HTTP 503 with Retry-After)\n",
			r.Scheduled, r.Sent, r.NotSent, r.Answered, r.Passed, r.Shed)
	}

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

	if r.Closed == nil || r.Outage != nil {
		r.printPhases(w)
	}
	if len(r.Hostile) > 0 {
		fmt.Fprintf(w, "\nhostile queries (each must get HTTP 400):\n")
	}
	for _, n := range slices.Sorted(maps.Keys(r.Hostile)) {
		h := r.Hostile[n]
		fmt.Fprintf(w, "  %-17s %d sent, %d got 400, %d shed, slowest %.1fms\n", n, h.Sent, h.Got400, h.Shed, h.MaxMs)
		for _, e := range slices.Sorted(maps.Keys(h.Failures)) {
			fmt.Fprintf(w, "      %6d  %s\n", h.Failures[e], e)
		}
	}
	r.printEnd(w)
}

func (r *report) printPhases(w io.Writer) {
	fmt.Fprintf(w, "\nrealistic queries by phase (latency of the passed ones; \"all\" includes failures):\n")
	for _, n := range phases {
		p := r.Phases[n]
		window := ""
		if p.FromSeconds != nil || p.ToSeconds != nil {
			window = fmt.Sprintf(" [%s .. %s]", fsecs(p.FromSeconds), fsecs(p.ToSeconds))
		}
		fmt.Fprintf(w, "  %-17s%s: %d sent, %d passed, %d shed, %d failed; p50 %.1fms, p99 %.1fms, max %.1fms (all: p50 %.1fms, p99 %.1fms)\n",
			phaseLabel[n], window, p.Realistic, p.Passed, p.Shed, p.Realistic-p.Passed-p.Shed, p.P50ms, p.P99ms, p.MaxMs, p.AllP50ms, p.AllP99ms)
		for _, e := range slices.Sorted(maps.Keys(p.Errors)) {
			fmt.Fprintf(w, "      %6d  failed: %s\n", p.Errors[e], e)
		}
		if len(p.FailedBy) > 0 {
			fmt.Fprintf(w, "              (failed by family: %s)\n", topReasons(p.FailedBy, len(p.FailedBy)))
		}
		for _, e := range slices.Sorted(maps.Keys(p.ShedBy)) {
			fmt.Fprintf(w, "      %6d  shed: %s\n", p.ShedBy[e], e)
		}
		if p.Shed > 0 {
			fmt.Fprintf(w, "              (the slowest shed answer took %.1fms)\n", p.ShedMaxMs)
		}
		if p.NotSent > 0 {
			fmt.Fprintf(w, "      %6d  not sent: every worker was busy (the server fell behind the arrival rate)\n", p.NotSent)
		}
	}
}

func (r *report) printEnd(w io.Writer) {
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
