package main

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestShedAnswer(t *testing.T) {
	busy := []byte(`{"errors":[{"message":"the server is busy: try again shortly"}]}`)
	slow := []byte(`{"errors":[{"message":"the request took longer than 15s"}]}`)
	for _, c := range []struct {
		name string
		a    answer
		shed bool
	}{
		{"503 with Retry-After", answer{status: http.StatusServiceUnavailable, retryAfter: "1", body: busy}, true},
		{"503 without Retry-After", answer{status: http.StatusServiceUnavailable, body: busy}, false},
		{"a timeout with Retry-After", answer{status: http.StatusServiceUnavailable, retryAfter: "1", body: slow}, false},
		{"500", answer{status: http.StatusInternalServerError, retryAfter: "1", body: busy}, false},
		{"no response", answer{err: errors.New("connection refused")}, false},
	} {
		if got := shedAnswer(c.a); (got != "") != c.shed {
			t.Errorf("%s: shedAnswer %q, want shed %v", c.name, got, c.shed)
		}
	}
	if got := shedAnswer(answer{status: 503, retryAfter: "2", body: busy}); got != "HTTP 503, Retry-After 2: the server is busy: try again shortly" {
		t.Errorf("shedAnswer: %q", got)
	}
}

func TestRetryDelay(t *testing.T) {
	for ra, want := range map[string]time.Duration{"": time.Second, "0": 200 * time.Millisecond, "3": 3 * time.Second, "60": 5 * time.Second, "x": time.Second} {
		if got := retryDelay(answer{retryAfter: ra}); got != want {
			t.Errorf("Retry-After %q: %s, want %s", ra, got, want)
		}
	}
}

func TestTopReasons(t *testing.T) {
	got := topReasons(map[string]int{"timeout": 3, "HTTP 500: internal error": 5, "a": 1, "b": 1}, 2)
	want := `5 "HTTP 500: internal error", 3 "timeout", 2 more reasons`
	if got != want {
		t.Errorf("topReasons: %s, want %s", got, want)
	}
}
