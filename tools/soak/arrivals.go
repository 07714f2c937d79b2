package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
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
	fail     string        // why it failed; "" when it passed
	answered bool          // got an HTTP response
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
