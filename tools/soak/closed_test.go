package main

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOutcome(t *testing.T) {
	realistic, hostile := &query{name: "q"}, &query{name: "h", hostile: true}
	for _, c := range []struct {
		r    record
		want string
	}{
		{record{q: realistic, status: 200}, "ok"},
		{record{q: realistic, status: 503, shed: "HTTP 503, Retry-After 1: busy"}, "shed 503"},
		{record{q: realistic, status: 200, fail: "GraphQL error: internal error"}, "GraphQL error: internal error"},
		{record{q: realistic, status: 503, fail: "HTTP 503: the request took longer than 15s"}, "timeout: HTTP 503: the request took longer than 15s"},
		{record{q: realistic, fail: "timeout"}, "timeout: no answer within the soak's -timeout"},
		{record{q: realistic, status: 400, fail: "HTTP 400: the query nests 18 levels deep"}, "400: the query nests 18 levels deep"},
		{record{q: realistic, status: 500, fail: "HTTP 500: internal error"}, "other: HTTP 500: internal error"},
		{record{q: realistic, status: 200, allowed: "the answer is larger than 33554432 bytes"}, "GraphQL error: the answer is larger than 33554432 bytes"},
		{record{q: hostile, status: 400}, "400 (hostile query, refused as it must be)"},
		{record{q: hostile, status: 200}, "GraphQL error (hostile argument, refused as it must be)"},
		{record{q: hostile, status: 503, shed: "HTTP 503, Retry-After 1: busy"}, "shed 503"},
	} {
		if got := outcome(c.r); got != c.want {
			t.Errorf("outcome(%+v) = %q, want %q", c.r, got, c.want)
		}
	}
}

func TestJudgeHeavy(t *testing.T) {
	large := append([]byte(`{"data":{"x":"`), bytes.Repeat([]byte("y"), 200_000)...)
	for _, c := range []struct {
		name          string
		status        int
		body          string
		err           error
		fail, allowed string
	}{
		{"answer", 200, `{"data":{"a":1}}` + "\n", nil, "", ""},
		{"large answer", 200, string(large) + `"}}` + "\n", nil, "", ""},
		{"large answer with an error", 200, string(large) + `"},"errors":[{"message":"internal error"}]}` + "\n", nil, "GraphQL error: internal error", ""},
		{"too large", 200, `{"data":null,"errors":[{"message":"the answer is larger than 33554432 bytes: ask for fewer fields"}]}`, nil, "", "the answer is larger than 33554432 bytes: ask for fewer fields"},
		{"timeout", 503, `{"errors":[{"message":"the request took longer than 15s"}]}`, nil, "HTTP 503: the request took longer than 15s", ""},
		{"not JSON", 200, `<html>`, nil, "HTTP 200 but not a GraphQL answer", ""},
		{"cut short", 200, string(large), nil, "HTTP 200 but not a GraphQL answer", ""},
		{"no answer", 0, "", errors.New("connection refused"), "transport error: connection refused", ""},
	} {
		ht := &headTail{max: 64 << 10}
		for b := []byte(c.body); len(b) > 0; b = b[min(1000, len(b)):] {
			ht.Write(b[:min(1000, len(b))])
		}
		a := answer{status: c.status, err: c.err, size: int64(len(c.body)), tail: ht.tail}
		if len(c.body) <= len(ht.head) {
			a.body = ht.head
		}
		fail, allowed := judgeHeavy(a)
		if fail != c.fail || allowed != c.allowed {
			t.Errorf("%s: judgeHeavy = %q, %q; want %q, %q", c.name, fail, allowed, c.fail, c.allowed)
		}
	}
}

func TestHeadTail(t *testing.T) {
	var all []byte
	ht := &headTail{max: 10}
	for i := range 100 {
		p := []byte(strings.Repeat(string(rune('a'+i%26)), i%7))
		all = append(all, p...)
		ht.Write(p)
	}
	if !bytes.Equal(ht.head, all[:10]) || !bytes.HasSuffix(all, ht.tail) || len(ht.tail) < 10 {
		t.Errorf("head %q, tail %q of %q", ht.head, ht.tail, all)
	}
}

func TestLadder(t *testing.T) {
	if got := ladder(1000); !slices.Equal(got, []int{1000, 500, 250, 125, 62, 31, 15, 7, 3, 1}) {
		t.Errorf("ladder(1000) = %v", got)
	}
}

func TestClosedFinish(t *testing.T) {
	q := &query{name: "entity-apt40", family: "entity"}
	s := &soak{cfg: config{clients: 2, mix: mixRealistic, maxP99: time.Second}, died: -1,
		downStart: -1, downDone: -1, upStart: -1, upDone: -1, boltAt: -1, recovered: -1}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for i := range 100 {
		s.records = append(s.records, record{q: q, start: ms(10 * i), end: ms(10*i + 20), status: http.StatusOK, answered: true})
	}
	s.records = append(s.records,
		record{q: q, start: ms(5), end: ms(6), status: 503, shed: "HTTP 503, Retry-After 1: busy", answered: true},
		record{q: q, start: ms(5), end: ms(15005), status: 503, fail: "HTTP 503: the request took longer than 15s", answered: true},
		record{q: q, start: ms(5), end: ms(20), status: 200, fail: "GraphQL error: internal error", answered: true})
	rep := &report{LoadSeconds: 2, Phases: map[string]*phaseReport{}, Hostile: map[string]*hostileReport{}}
	stdout := os.Stdout
	os.Stdout, _ = os.Open(os.DevNull)
	s.finish(rep)
	os.Stdout = stdout
	c := rep.Closed
	if c.Requests != 103 || c.Outcomes["ok"] != 100 || c.Outcomes["shed 503"] != 1 || c.OK.N != 100 || c.Shed.N != 1 ||
		c.OK.P50ms != 20 || c.PerSecond != 51.5 || c.ByFamily["entity"].Requests != 103 {
		t.Errorf("closed report: %+v", c)
	}
	if rep.Pass || len(rep.Failures) != 2 || !strings.Contains(rep.Failures[0], "internal errors: 1 \"entity-apt40\"") ||
		!strings.Contains(rep.Failures[1], "2 requests failed") {
		t.Errorf("failures: %q", rep.Failures)
	}
}
