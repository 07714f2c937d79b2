package frontend

import (
	"io/fs"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAccepts(t *testing.T) {
	for _, c := range []struct {
		header, coding string
		want           bool
	}{
		{"gzip, deflate, br, zstd", "br", true},
		{"gzip, deflate", "br", false},
		{"br;q=0, gzip", "br", false},
		{"br; q=0.5", "br", true},
		{"GZIP", "gzip", true},
		{"", "gzip", false},
	} {
		if got := accepts(c.header, c.coding); got != c.want {
			t.Errorf("accepts(%q, %q) = %v", c.header, c.coding, got)
		}
	}
}

// TestPrecompressed: with the explorer built, an asset is sent as Brotli to
// a client that accepts it, immutable; index.html is revalidated.
func TestPrecompressed(t *testing.T) {
	h := Handler()
	if h == nil {
		t.Skip("the explorer is not built")
	}
	entries, _ := fs.Glob(dist, "dist/app/assets/index-*.js.br")
	if len(entries) == 0 {
		t.Skip("assets not precompressed")
	}
	asset := strings.TrimSuffix(strings.TrimPrefix(entries[0], "dist/app"), ".br")
	get := func(path, accept string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Accept-Encoding", accept)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := get(asset, "gzip, br")
	if w.Header().Get("Content-Encoding") != "br" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/javascript") ||
		!strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("%s: headers %v", asset, w.Header())
	}
	plain := get(asset, "")
	if plain.Header().Get("Content-Encoding") != "" || plain.Body.Len() <= w.Body.Len() {
		t.Fatalf("%s without Accept-Encoding: %v, %d bytes (Brotli %d)", asset, plain.Header(), plain.Body.Len(), w.Body.Len())
	}
	if w := get("/", "br"); w.Header().Get("Cache-Control") != "no-cache" || w.Code != 200 {
		t.Fatalf("/: %d %v", w.Code, w.Header())
	}
}
