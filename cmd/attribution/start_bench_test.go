package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/attribution-explorer/attribution/graph/neo4j/neo4jtest"
)

// BenchmarkColdStart is the time from `attribution serve -data all` (the
// curated data and every public dataset, in the embedded store)
// to a /readyz that answers 200, and the memory the store then holds:
// go test -run '^$' -bench ColdStart -benchtime 3x ./cmd/attribution
func BenchmarkColdStart(b *testing.B) {
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		url, done := startServe(b, ctx, env(nil), "-data", "all")
		res, err := http.Get(url + "readyz")
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("%v %v", res, err)
		}
		res.Body.Close()
		b.StopTimer()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-MiB")
		b.ReportMetric(peakRSS(), "peak-RSS-MiB")
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// peakRSS is the process's peak resident memory (VmHWM), in MiB.
func peakRSS() float64 {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkLoadDefault is `attribution load` of the default data (the
// curated data and every public dataset: read, merge, write) into an empty
// Neo4j, and the peak memory of the process:
// NEO4J_TEST_URI=... go test -run '^$' -bench LoadDefault -benchtime 2x ./cmd/attribution
// (make bench starts a Neo4j of its own and sets it).
func BenchmarkLoadDefault(b *testing.B) {
	ctx := context.Background()
	neo4jtest.Open(b) // claims the test database, empty
	c := neo4jtest.Config()
	vars := env(map[string]string{"NEO4J_URI": c.URI, "NEO4J_USER": c.User, "NEO4J_PASSWORD": c.Password, "NEO4J_DATABASE": c.Database,
		"ATTRIBUTION_DATA": "all"})
	for b.Loop() {
		b.StopTimer()
		if err := neo4jtest.Empty(ctx, c); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := run(ctx, []string{"load"}, vars, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(peakRSS(), "peak-RSS-MiB")
}
