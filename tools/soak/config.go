package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
	maxShedBefore   float64

	// Closed loop (closed.go): clients > 0 replaces the arrival rate.
	clients    int
	mix        string        // mixRealistic or mixHostileReads
	maxP99     time.Duration // the answered-OK requests' p99 must stay under it (0: no limit)
	probeEvery time.Duration // hostile-reads: the cheap probe's period
}

// The mixes of the closed loop.
const (
	mixRealistic    = "realistic"
	mixHostileReads = "hostile-reads"
)

// parseFlags reads the flags; it exits 2 on a bad one.
func parseFlags() config {
	var c config
	var rate string
	flag.StringVar(&c.url, "url", "", "the server, http://127.0.0.1:PORT (loopback only)")
	flag.DurationVar(&c.duration, "duration", 3*time.Minute, "how long to send the load (extended to see the recovery, see -after-min)")
	flag.StringVar(&rate, "rate", "50/s", "arrival rate: requests per second, e.g. 50 or 50/s")
	flag.IntVar(&c.workers, "workers", 200, "requests in flight at most; an arrival with every worker busy is not sent and counted as such (more than the server admits, so that it is the server that sheds)")
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
	flag.Float64Var(&c.maxShedBefore, "max-shed-before", 0.01, "fraction of the realistic requests before the outage the server may shed (HTTP 503 with Retry-After)")
	flag.IntVar(&c.clients, "clients", 0, "closed loop: this many clients, each sending its next request as soon as its previous one is answered (a 503 included); -rate is then unused (0: open loop at -rate)")
	flag.StringVar(&c.mix, "mix", mixRealistic, "closed loop: what the clients send: "+mixRealistic+" (the realistic queries, and every -hostile-every th a hostile one) or "+
		mixHostileReads+" (the most expensive valid reads, and a cheap probe query every -probe-every)")
	flag.DurationVar(&c.maxP99, "max-p99", 0, "closed loop: fail when the p99 of the requests answered OK is over this (0: no limit)")
	flag.DurationVar(&c.probeEvery, "probe-every", 250*time.Millisecond, "closed loop, "+mixHostileReads+": how often the cheap probe query is sent")
	flag.Parse()

	r, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rate), "/s"), 64)
	if err != nil || r <= 0 || r > 1000 {
		fatalf("-rate %q: want a number of requests per second in (0, 1000]", rate)
	}
	c.rate = r
	if err := c.check(); err != nil {
		fatalf("%v", err)
	}
	return c
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
	case c.maxShedBefore < 0 || c.maxShedBefore > 1:
		return errors.New("-max-shed-before: a fraction in [0, 1]")
	}
	if c.clients > 0 {
		switch {
		case c.clients > 1000:
			return errors.New("-clients: 0 to 1000")
		case c.mix != mixRealistic && c.mix != mixHostileReads:
			return fmt.Errorf("-mix %q: %s or %s", c.mix, mixRealistic, mixHostileReads)
		case c.probeEvery <= 0:
			return errors.New("-probe-every must be positive")
		case c.maxP99 < 0:
			return errors.New("-max-p99 must not be negative")
		}
		if c.mix == mixHostileReads {
			c.hostileEvery = 0 // valid reads only; the refused queries are the realistic mix's
		}
		c.workers = c.clients + 1 // the connections: a client each, and the probe
		c.rate = 0
	} else if c.mix != mixRealistic {
		return fmt.Errorf("-mix %s needs -clients", c.mix)
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
