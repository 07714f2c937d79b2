package schema

import (
	"context"
	"encoding/json"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's CPU time, user and system: on a shared machine
// it says more of a request's cost than the time on the clock (it counts
// the garbage collector's work too).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// The API benchmark's classes (tools/benchapi) and the explorer's
// neighbourhood, executed in process on the memory store with the default
// data, each document cached as after its first request, by graphql-go's
// executor and by the compiled one; each answer encoded to JSON as the
// server does (encoding/json's order: graphql-go's maps through
// json.Marshal, the compiled data written by AppendJSON):
//
//	go test -run '^$' -bench Execute -benchmem ./schema
var executeBenchmarks = []struct {
	name, query string
	vars        map[string]any
}{
	{"Neighborhood", `query Hood($id: ID!) { neighborhood(ids: [$id], depth: 2) { truncated nodes { id name kind } edges { id type from { id } to { id } } } }`,
		map[string]any{"id": "apt40"}},
	{"NeighborhoodExplorer", `query Neighborhood($ids: [ID!]!, $depth: Int, $limit: Int) {
  neighborhood(ids: $ids, depth: $depth, limit: $limit) { truncated
    nodes { id kind name aliases description start end attributes { key value } sources { id title publisher url published language } }
    edges { id type role start end confidence description from { id } to { id } sources { id title publisher url published language } } } }`,
		map[string]any{"ids": []any{"apt40"}, "depth": 1, "limit": 500}},
	{"Entity", `query Entity($id: ID!) { entity(id: $id) { id name kind aliases description start end sources { id title published } relations(first: 100) { id type role start end confidence from { id name } to { id name } sources { id title } } } }`,
		map[string]any{"id": "apt40"}},
	{"Search", `query Search($q: String!) { search(query: $q, first: 20) { score entity { id name kind } } }`,
		map[string]any{"q": "apt"}},
	{"Paths", `query Paths($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxLength: 4, first: 3) { length nodes { id name } edges { id type from { id } to { id } } } }`,
		map[string]any{"from": "ding-xiaoyang", "to": "norway"}},
	{"Timeline", `query Timeline($from: PartialDate, $to: PartialDate) { timeline(filter: {from: $from, to: $to}, first: 100) { totalCount edges { node { id date title } } } }`,
		map[string]any{"from": "2021", "to": "2021-12"}},
	{"List", `query List($kinds: [EntityKind!], $after: String) { entities(kinds: $kinds, first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name kind } } } }`,
		map[string]any{}},
}

func BenchmarkExecute(b *testing.B) {
	s, err := loadDefault()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range executeBenchmarks {
		req := Request{Query: c.query, Variables: c.vars}
		for _, executor := range []string{"graphql-go", "compiled"} {
			b.Run(c.name+"/"+executor, func(b *testing.B) {
				var buf []byte
				start := cpuTime()
				for b.Loop() {
					p, err := s.Prepare(ctx, req)
					if err != nil {
						b.Fatal(err)
					}
					if executor == "compiled" {
						res := s.Execute(ctx, p)
						d, ok := res.Data.(*Data)
						if !ok || len(res.Errors) > 0 {
							b.Fatalf("%T %v", res.Data, res.Errors)
						}
						buf = d.AppendJSON(buf[:0], 1<<30)
					} else {
						res := s.ExecuteReference(ctx, p)
						if len(res.Errors) > 0 {
							b.Fatal(res.Errors)
						}
						if buf, err = json.Marshal(res.Data); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
				b.ReportMetric(float64(len(buf)), "answer-bytes")
			})
		}
	}
}
