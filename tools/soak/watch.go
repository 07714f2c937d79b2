package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

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
