package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// A preflight from an allowed origin is answered whatever the order and case
// of the headers it asks for: rs/cors accepts a list of allowed headers only
// when it is sorted and lower case (as browsers send it), and a client that
// asked for "content-type,authorization" got no Access-Control-Allow-Origin,
// so it could not send its token (#23).
func TestCORSPreflightHeaders(t *testing.T) {
	srv, _ := newServer(t)
	preflight := func(origin, headers string) http.Header {
		req, _ := http.NewRequest("OPTIONS", srv.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", headers)
		_, h, _ := do(t, req)
		return h
	}
	for _, headers := range []string{
		"content-type,authorization",
		"authorization,content-type",
		"Content-Type, Authorization",
		"authorization",
		"content-type",
	} {
		h := preflight("https://newsroom.example", headers)
		if got := h.Get("Access-Control-Allow-Origin"); got != "https://newsroom.example" {
			t.Errorf("headers %q: Access-Control-Allow-Origin %q, want the origin", headers, got)
		}
		allowed := strings.ToLower(strings.Join(h.Values("Access-Control-Allow-Headers"), ","))
		for _, name := range strings.Split(strings.ToLower(headers), ",") {
			if !strings.Contains(allowed, strings.TrimSpace(name)) {
				t.Errorf("headers %q: Access-Control-Allow-Headers %q lacks %q", headers, allowed, name)
			}
		}
		if got := preflight("https://evil.example", headers).Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("headers %q: another origin is allowed (%q)", headers, got)
		}
	}

	// The request itself, with a token.
	req, _ := http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader(`{"query":"{__typename}"}`))
	req.Header.Set("Origin", "https://newsroom.example")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer x")
	if _, h, _ := do(t, req); h.Get("Access-Control-Allow-Origin") != "https://newsroom.example" {
		t.Error("the request with a token from the allowed origin is not allowed")
	}
}
