package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/attribution-explorer/attribution/graph"
)

// Cell is one measurement: one server, one class, one concurrency, for a
// fixed duration, closed loop (each client sends its next request when the
// answer to the last one is in).
type Cell struct {
	Class       string  `json:"class"`
	Server      string  `json:"server"`
	Concurrency int     `json:"concurrency"`
	Rep         int     `json:"rep"`
	Requests    int     `json:"requests"`
	Seconds     float64 `json:"seconds"`
	Throughput  float64 `json:"throughput"` // requests per second
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	// CPU per request, in microseconds: the server process (the binary or
	// the limit), the Neo4j JVM, and this load generator.
	ServerCPUus float64 `json:"server_cpu_us"`
	Neo4jCPUus  float64 `json:"neo4j_cpu_us"`
	ClientCPUus float64 `json:"client_cpu_us"`
	// Answers that were not byte for byte an answer verified before the
	// cells, and were checked in full; failures among all answers.
	FullChecks   int    `json:"full_checks"`
	Failures     int    `json:"failures"`
	FirstFailure string `json:"first_failure,omitempty"`
}

// Result is everything one dataset's run measured.
type Result struct {
	Dataset     string             `json:"dataset"`
	Title       string             `json:"title"`
	Date        string             `json:"date"`
	Machine     string             `json:"machine"`
	Version     string             `json:"version"` // of the binary`
	Counts      graph.Counts       `json:"counts"`
	Load        string             `json:"load"` // how the data got into Neo4j
	Start       map[string]float64 `json:"start_seconds"`
	RSSMiB      map[string]float64 `json:"rss_mib"`
	Duration    float64            `json:"cell_seconds"`
	Reps        int                `json:"reps"`
	Seed        uint64             `json:"seed"`
	ArgsPer     int                `json:"args_per_class"`
	Problems    []string           `json:"problems"`  // answers of the checking pass that were wrong
	Checked     map[string]int     `json:"checked"`   // arguments whose answers agreed, per class
	Identical   map[string]int     `json:"identical"` // of which memory and Neo4j gave the same bytes
	LoadAvg     []string           `json:"loadavg"`   // of the machine, /proc/loadavg, at the start and at the end of the cells
	Cells       []Cell             `json:"cells"`
	Cached      *Cell              `json:"cached"`
	Concurrency []int              `json:"concurrency"`
}

type target struct {
	name  string // memory, neo4j, limit
	url   string
	pid   int
	cmd   *exec.Cmd
	limit bool
	// per class, per argument: the request body, the verified answer's hash
	bodies map[string][][]byte
	hashes map[string][][32]byte
}

type runner struct {
	client   *http.Client
	drawn    *drawn
	ref      map[string][]string // the expected key of each argument
	neo4jPID int
	res      *Result
}

func runMain(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	dataset := fs.String("dataset", "default", "the dataset's name (default, random)")
	title := fs.String("title", "", "what the dataset is, for the table")
	bin := fs.String("bin", "bin/attribution", "the binary")
	uri := fs.String("neo4j", "", "the Bolt URI of the Neo4j holding the dataset")
	neo4jPID := fs.Int("neo4j-pid", 0, "the Neo4j JVM's pid, for its CPU time")
	serveArgs := fs.String("serve-args", "", "flags of `attribution serve` for both servers (e.g. -data none -import FILE)")
	load := fs.String("load", "", "how the data was loaded into Neo4j, for the report")
	out := fs.String("out", "", "the result file (JSON)")
	logDir := fs.String("log-dir", "test-results/bench-api", "where the servers' logs go")
	duration := fs.Duration("duration", 6*time.Second, "the duration of each cell")
	warmup := fs.Duration("warmup", time.Second, "untimed load before the cells of each class and server")
	reps := fs.Int("reps", 1, "repetitions of each cell")
	seed := fs.Uint64("seed", 1, "the seed the arguments are drawn with")
	nargs := fs.Int("args", 16, "arguments drawn per class (requests cycle through them in order)")
	concs := fs.String("concurrency", "1,16", "closed-loop clients of the cells, comma-separated")
	only := fs.String("classes", "", "only these classes, comma-separated (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *uri == "" || *out == "" {
		return fmt.Errorf("run: -neo4j URI and -out FILE are required")
	}
	var conc []int
	for _, s := range strings.Split(*concs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("run: -concurrency %q", *concs)
		}
		conc = append(conc, n)
	}
	cls := classes
	if *only != "" {
		cls = nil
		for _, c := range classes {
			if slices.Contains(strings.Split(*only, ","), c.name) {
				cls = append(cls, c)
			}
		}
	}
	ctx, stop := signalContext()
	defer stop()

	logf("%s: drawing %d arguments per class from %s (seed %d)", *dataset, *nargs, *uri, *seed)
	d, err := draw(ctx, *uri, *seed, *nargs)
	if err != nil {
		return err
	}
	version, err := exec.Command(*bin, "version").Output()
	if err != nil {
		return fmt.Errorf("%s version: %v", *bin, err)
	}
	res := &Result{Dataset: *dataset, Title: *title, Date: time.Now().UTC().Format("2006-01-02"), Machine: machine(),
		Version: strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(version)), "attribution")),
		Counts:  d.counts, Load: *load, Start: map[string]float64{}, RSSMiB: map[string]float64{},
		Duration: duration.Seconds(), Reps: *reps, Seed: *seed, ArgsPer: *nargs, Problems: []string{},
		Checked: map[string]int{}, Identical: map[string]int{}, Concurrency: conc}
	r := &runner{drawn: d, neo4jPID: *neo4jPID, res: res, ref: map[string][]string{},
		client: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
			MaxIdleConns: 128, MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute, DisableCompression: true}}}

	// The servers: the binary on the embedded store, the binary on Neo4j,
	// the limit. Each is stopped on the way out.
	sa := strings.Fields(*serveArgs)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	specs := []struct {
		name  string
		path  string
		args  []string
		env   []string
		limit bool
	}{
		{"memory", *bin, append([]string{"serve", "-addr", "127.0.0.1:0"}, sa...), nil, false},
		{"neo4j", *bin, append([]string{"serve", "-addr", "127.0.0.1:0"}, sa...), []string{"NEO4J_URI=" + *uri}, false},
		{"limit", self, []string{"limit", "-neo4j", *uri, "-addr", "127.0.0.1:0"}, nil, true},
	}
	var targets []*target
	defer func() {
		for _, t := range targets {
			t.stop()
		}
	}()
	for _, s := range specs {
		start := time.Now()
		t, err := startTarget(ctx, s.name, s.path, s.args, s.env, filepath.Join(*logDir, *dataset+"-"+s.name+".log"))
		if err != nil {
			return err
		}
		t.limit = s.limit
		targets = append(targets, t)
		res.Start[s.name] = time.Since(start).Seconds()
		logf("%s: %s server pid %d on %s (ready in %.1f s)", *dataset, s.name, t.pid, t.url, res.Start[s.name])
	}
	if err := r.checkCounts(targets); err != nil {
		return err
	}
	// The checking pass: every argument of every class on every server,
	// the limit's answer first; each answer of ours must have the limit's
	// ids. It warms every server up too.
	for _, t := range targets {
		t.bodies, t.hashes = map[string][][]byte{}, map[string][][32]byte{}
	}
	for _, c := range append(slices.Clone(cls), cachedClass) {
		if err := r.verify(ctx, c, targets); err != nil {
			return err
		}
	}
	res.LoadAvg = append(res.LoadAvg, loadAvg())
	for _, c := range cls {
		for _, t := range targets {
			r.cell(ctx, c, t, 2, *warmup, 0) // warm-up, not recorded
		}
		for _, n := range conc {
			for rep := 1; rep <= *reps; rep++ {
				for _, t := range targets {
					if ctx.Err() != nil {
						return ctx.Err()
					}
					cell := r.cell(ctx, c, t, n, *duration, rep)
					res.Cells = append(res.Cells, cell)
					logf("%s %-13s c=%-2d %-6s %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  server %7.0f µs/req  neo4j %7.0f µs/req%s",
						*dataset, c.name, n, t.name, cell.Throughput, cell.P50ms, cell.P99ms, cell.ServerCPUus, cell.Neo4jCPUus, failNote(cell))
				}
			}
		}
	}
	// The cached simple query on the embedded store.
	mem := targets[0]
	r.cell(ctx, cachedClass, mem, 1, *warmup, 0)
	cached := r.cell(ctx, cachedClass, mem, 1, *duration, 1)
	res.Cached = &cached
	logf("%s %-13s c=1  memory %8.1f req/s  p50 %7.3f ms  server CPU %.0f µs/req%s", *dataset, cachedClass.name,
		cached.Throughput, cached.P50ms, cached.ServerCPUus, failNote(cached))
	res.LoadAvg = append(res.LoadAvg, loadAvg())
	for _, t := range targets {
		res.RSSMiB[t.name] = float64(rssKB(t.pid)) / 1024
	}
	if r.neo4jPID != 0 {
		res.RSSMiB["neo4j-jvm"] = float64(rssKB(r.neo4jPID)) / 1024
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	failures := len(res.Problems)
	for _, c := range append(res.Cells, cached) {
		failures += c.Failures
	}
	if failures > 0 {
		return fmt.Errorf("%s: %d wrong answers (see %s: problems, and failures of the cells)", *dataset, failures, *out)
	}
	return nil
}

func failNote(c Cell) string {
	if c.Failures == 0 {
		return ""
	}
	return fmt.Sprintf("  %d FAILED: %s", c.Failures, c.FirstFailure)
}

func logf(format string, args ...any) {
	fmt.Printf("%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// loadAvg is the machine's load over the last 1, 5 and 15 minutes.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				if _, v, ok := strings.Cut(line, ":"); ok {
					model = strings.TrimSpace(v)
				}
				break
			}
		}
	}
	return fmt.Sprintf("%d cores, %s, %s", runtime.NumCPU(), model, runtime.Version())
}

var listening = regexp.MustCompile(`listening on (http://[0-9.:]+)/`)

// startTarget starts a server, its output to logFile, and waits for the
// line saying where it listens.
func startTarget(ctx context.Context, name, path string, args, env []string, logFile string) (*target, error) {
	if err := os.MkdirAll(filepath.Dir(logFile), 0o755); err != nil {
		return nil, err
	}
	log, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		log.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	t := &target{name: name, pid: cmd.Process.Pid, cmd: cmd}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(log, sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		log.Close()
		close(found)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			cmd.Wait()
			return nil, fmt.Errorf("the %s server exited while starting: see %s", name, logFile)
		}
		t.url = url
		return t, nil
	case <-time.After(5 * time.Minute):
	case <-ctx.Done():
	}
	t.stop()
	return nil, fmt.Errorf("the %s server did not start: see %s", name, logFile)
}

func (t *target) stop() {
	if t.cmd == nil || t.cmd.Process == nil {
		return
	}
	t.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { t.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.cmd.Process.Kill()
		<-done
	}
	t.cmd = nil
}

// cleanEnv is the environment without anything that configures the
// binary: each server gets only what it is given.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "NEO4J_") || strings.HasPrefix(k, "ATTRIBUTION_") || k == "CORS_ORIGINS" || k == "LOG_LEVEL" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// post sends one request and reads the whole answer.
func (r *runner) post(ctx context.Context, url string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

func (t *target) route(c *class) string {
	if t.limit {
		return t.url + "/" + c.name
	}
	return t.url + "/graphql"
}

// checkCounts: both of our servers hold the graph Neo4j holds.
func (r *runner) checkCounts(targets []*target) error {
	want := r.drawn.counts
	for _, t := range targets {
		if t.limit {
			continue
		}
		status, body, err := r.post(context.Background(), t.url+"/graphql", []byte(`{"query":"{ stats { entities relations sources } }"}`))
		if err != nil || status != 200 {
			return fmt.Errorf("%s server: stats: HTTP %d %v", t.name, status, err)
		}
		var res struct {
			Data struct {
				Stats graph.Counts `json:"stats"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			return fmt.Errorf("%s server: stats: %v", t.name, err)
		}
		if res.Data.Stats != want {
			return fmt.Errorf("the %s server holds %+v, Neo4j %+v: not the same graph", t.name, res.Data.Stats, want)
		}
	}
	return nil
}

// verify asks every server each argument of the class once, checks every
// answer in full and keeps the hash of the verified ones.
func (r *runner) verify(ctx context.Context, c *class, targets []*target) error {
	args := r.drawn.args[c.name]
	refs := make([]string, len(args))
	for _, t := range targets {
		t.bodies[c.name] = make([][]byte, len(args))
		t.hashes[c.name] = make([][32]byte, len(args))
	}
	ok, identical := 0, 0
	for i, a := range args {
		byTarget := map[string][]byte{}
		good := true
		// The limit first: its answer is the reference.
		order := slices.Clone(targets)
		slices.SortStableFunc(order, func(a, b *target) int {
			switch {
			case a.limit == b.limit:
				return 0
			case a.limit:
				return -1
			}
			return 1
		})
		for _, t := range order {
			if c.limit == nil && t.limit {
				continue
			}
			if c == cachedClass && t.name != "memory" {
				continue
			}
			var body []byte
			var err error
			if t.limit {
				body, err = json.Marshal(a)
			} else {
				body, err = json.Marshal(map[string]any{"query": c.graphql, "variables": c.vars(a)})
			}
			if err != nil {
				return err
			}
			t.bodies[c.name][i] = body
			status, ans, err := r.post(ctx, t.route(c), body)
			if err != nil {
				return fmt.Errorf("%s %s: %v", t.name, c.name, err)
			}
			key, n, err := r.answer(c, t, status, ans)
			switch {
			case err != nil:
				r.problem("%s %s %+v: %v", t.name, c.name, a, err)
			case n == 0 && r.drawn.nonEmpty[c.name][i]:
				r.problem("%s %s %+v: an empty answer where the data has one", t.name, c.name, a)
			case t.limit || c == cachedClass:
				refs[i] = key
				if c == cachedClass && key != a.ID {
					r.problem("%s %s %+v: entity %s", t.name, c.name, a, key)
					break
				}
				t.hashes[c.name][i] = sha256.Sum256(ans)
			case key != refs[i]:
				r.problem("%s %s %+v: differs from the limit:\n    ours:  %s\n    limit: %s", t.name, c.name, a, short(key), short(refs[i]))
				good = false
			default:
				t.hashes[c.name][i] = sha256.Sum256(ans)
			}
			if err != nil {
				good = false
			}
			byTarget[t.name] = ans
		}
		if good {
			ok++
		}
		if m, n := byTarget["memory"], byTarget["neo4j"]; m != nil && bytes.Equal(m, n) {
			identical++
		}
	}
	r.ref[c.name] = refs
	r.res.Checked[c.name] = ok
	if c != cachedClass {
		r.res.Identical[c.name] = identical
	}
	if c == cachedClass {
		logf("%s %-13s checked: %d of %d arguments", r.res.Dataset, c.name, ok, len(args))
	} else {
		logf("%s %-13s checked: %d of %d arguments agree with the limit; memory and Neo4j gave the same bytes for %d",
			r.res.Dataset, c.name, ok, len(args), identical)
	}
	return nil
}

func (r *runner) problem(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	if len(r.res.Problems) < 50 {
		logf("PROBLEM: %s", p)
	}
	r.res.Problems = append(r.res.Problems, p)
}

func (r *runner) answer(c *class, t *target, status int, body []byte) (string, int, error) {
	if t.limit {
		return limitAnswer(c, status, body)
	}
	return gqlAnswer(c, status, body)
}

// check judges one answer of a timed cell: the hash of a verified answer
// to the same request, or else a full check against the reference.
func (r *runner) check(c *class, t *target, i int, status int, body []byte, err error) (full bool, fail string) {
	if err != nil {
		return false, err.Error()
	}
	if status == 200 && sha256.Sum256(body) == t.hashes[c.name][i] {
		return false, ""
	}
	key, n, err := r.answer(c, t, status, body)
	switch {
	case err != nil:
		return true, err.Error()
	case n == 0 && r.drawn.nonEmpty[c.name][i]:
		return true, "empty answer"
	case key != r.ref[c.name][i]:
		return true, fmt.Sprintf("%+v: differs from the limit", r.drawn.args[c.name][i])
	}
	return true, ""
}

// cell runs n closed-loop clients for d against one server; requests take
// the class's arguments in order (the same sequence on every server).
func (r *runner) cell(ctx context.Context, c *class, t *target, n int, d time.Duration, rep int) Cell {
	bodies := t.bodies[c.name]
	var next atomic.Int64
	lat := make([][]time.Duration, n)
	var mu sync.Mutex
	cell := Cell{Class: c.name, Server: t.name, Concurrency: n, Rep: rep}
	cpu0, _ := cpuTime(t.pid)
	neo0, _ := cpuTime(r.neo4jPID)
	self0, _ := cpuTime(os.Getpid())
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := int(next.Add(1)-1) % len(bodies)
				t0 := time.Now()
				status, body, err := r.post(ctx, t.route(c), bodies[i])
				lat[w] = append(lat[w], time.Since(t0))
				full, fail := r.check(c, t, i, status, body, err)
				if full || fail != "" {
					mu.Lock()
					if full {
						cell.FullChecks++
					}
					if fail != "" {
						if cell.Failures == 0 {
							cell.FirstFailure = fail
						}
						cell.Failures++
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, _ := cpuTime(t.pid)
	neo1, _ := cpuTime(r.neo4jPID)
	self1, _ := cpuTime(os.Getpid())
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	cell.Requests = len(all)
	cell.Seconds = elapsed.Seconds()
	if cell.Requests > 0 {
		per := func(x time.Duration) float64 { return float64(x.Microseconds()) / float64(cell.Requests) }
		cell.Throughput = float64(cell.Requests) / elapsed.Seconds()
		cell.P50ms = ms(quantile(all, 0.50))
		cell.P99ms = ms(quantile(all, 0.99))
		cell.ServerCPUus = per(cpu1 - cpu0)
		if r.neo4jPID != 0 {
			cell.Neo4jCPUus = per(neo1 - neo0)
		}
		cell.ClientCPUus = per(self1 - self0)
	}
	return cell
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
