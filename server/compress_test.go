package server

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCompressed: a large answer is gzipped when the client accepts gzip,
// sent as is when it does not, and an answer that is already encoded is left alone.
func TestCompressed(t *testing.T) {
	body := strings.Repeat(`{"data":{"node":"apt40"}}`, 400)
	h := compressed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/pre" {
			w.Header().Set("Content-Encoding", "br")
		}
		io.WriteString(w, body)
	}))
	get := func(path, accept string) *http.Response {
		r := httptest.NewRequest("GET", path, nil)
		if accept != "" {
			r.Header.Set("Accept-Encoding", accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result()
	}
	res := get("/", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip accepted: Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != body {
		t.Fatal("gzipped body differs")
	}
	if res := get("/", ""); res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("nothing accepted: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	if res := get("/pre", "gzip, br"); res.Header.Get("Content-Encoding") != "br" {
		t.Fatalf("pre-encoded: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
}
