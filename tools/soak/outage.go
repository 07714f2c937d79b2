package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

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
// neo4jBack is when Neo4j answered again: when neo4j-up returned or, if it
// did not, when Bolt first answered a handshake; -1 before. s.mu is held.
func (s *soak) neo4jBack() time.Duration {
	if s.upDone >= 0 {
		return s.upDone
	}
	return s.boltAt
}
