package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// record is what became of one scheduled arrival.
type record struct {
	q        *query
	arrival  time.Duration // when it was due, from the start
	start    time.Duration // when it was sent
	end      time.Duration // when it was answered or failed
	dropped  bool          // not sent: every worker was busy
	status   int           // HTTP status, 0 without a response
	fail     string        // why it failed; "" when it passed or was shed
	allowed  string        // neither passed nor failed: a heavy read's answer refused for its size (judgeHeavy)
	shed     string        // the server shed it (HTTP 503 with Retry-After): its answer; "" otherwise
	answered bool          // got an HTTP response
}

// answer is what the server sent back for one request.
type answer struct {
	status     int    // 0 without a response
	retryAfter string // the Retry-After header
	body       []byte
	err        error // no response, or the body could not be read
	// postLight: the size of the body, its last bytes, and body only when
	// it is short.
	size int64
	tail []byte
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

func (s *soak) progress() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sent, ok, shed, failed, dropped int
	for _, r := range s.records {
		switch {
		case r.dropped:
			dropped++
		case r.end == 0:
			sent++
		case r.shed != "":
			sent++
			shed++
		case r.fail == "":
			sent++
			ok++
		default:
			sent++
			failed++
		}
	}
	s.logf("sent %d, passed %d, shed %d, failed %d, not sent %d", sent, ok, shed, failed, dropped)
}

// pick is the query of arrival i: every hostileEvery-th a hostile one in
// turn, else the families of realistic queries in turn (search, entity,
// neighbourhood, ...), each cycling through its queries: a family of many
// queries (the pages of lists) weighs no more than one of few.
func (s *soak) pick(i int) *query {
	if n := s.cfg.hostileEvery; n > 0 && i%n == n-1 {
		return s.hostile[(i/n)%len(s.hostile)]
	}
	if n := s.cfg.hostileEvery; n > 0 {
		i -= i / n
	}
	fam := s.families[i%len(s.families)]
	return fam[(i/len(s.families))%len(fam)]
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
	var a answer
	if q.heavy {
		a = s.postLight(ctx, q.body)
	} else {
		a = s.post(ctx, q.body)
	}
	end := s.since()
	fail, allowed, shed := "", "", shedAnswer(a)
	switch {
	case shed != "":
	case q.heavy:
		fail, allowed = judgeHeavy(a)
	case q.hostile:
		fail = judgeHostile(q, a)
	default:
		fail = judge(q, a)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inflight, i)
	r := &s.records[i]
	r.start, r.end, r.status, r.fail, r.allowed, r.shed, r.answered = start, end, a.status, fail, allowed, shed, a.err == nil
	if !q.hostile && fail == "" && shed == "" && s.upStart >= 0 && s.recovered < 0 && end > s.upStart {
		s.recovered = end
		s.logf("first query answered after Neo4j came back: %s", q.name)
	}
}

func (s *soak) post(ctx context.Context, body []byte) answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	return answer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: b, err: err}
}

// shedAnswer says how the server shed a request: HTTP 503 with a Retry-After
// header, the server too busy to take it or its store transiently
// unavailable, answered at once. "" for any other answer; a 503 saying the
// request took longer than the server's timeout was not shed but run out of
// time, and stays a failure.
func shedAnswer(a answer) string {
	if a.err != nil || a.status != http.StatusServiceUnavailable || a.retryAfter == "" {
		return ""
	}
	msg := "no GraphQL error"
	var res gqlResponse
	if json.Unmarshal(a.body, &res) == nil && len(res.Errors) > 0 {
		msg = res.Errors[0].Message
	}
	if strings.Contains(msg, "took longer than") {
		return ""
	}
	return fmt.Sprintf("HTTP 503, Retry-After %s: %s", short(a.retryAfter), short(msg))
}

// retryDelay is how long to wait before asking again after an answer that
// was not a pass: its Retry-After in seconds (0.2 to 5), else a second.
func retryDelay(a answer) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(a.retryAfter)); err == nil && n >= 0 {
		return max(min(time.Duration(n)*time.Second, 5*time.Second), 200*time.Millisecond)
	}
	return time.Second
}
