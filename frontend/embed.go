// Package frontend embeds the web explorer that Vite builds into dist/app.
package frontend

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Handler serves the built explorer, or returns nil when it was not built
// (go build works without Node; the server then shows a page saying so).
//
// Vite names assets by their content's hash: they never change, and are
// cached for a year ("immutable"); index.html and the other pages are
// revalidated on every load ("no-cache"), so a new build is seen at once.
// An asset compressed at build (precompress.mjs: name.br, name.gz) is sent
// compressed to a client that accepts it, Brotli first.
func Handler() http.Handler {
	app, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(app, "index.html"); err != nil {
		return nil
	}
	files := http.FileServerFS(app)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/assets/") {
			w.Header().Set("Cache-Control", "no-cache")
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Add("Vary", "Accept-Encoding")
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		for _, enc := range []struct{ coding, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if !accepts(r.Header.Get("Accept-Encoding"), enc.coding) {
				continue
			}
			if _, err := fs.Stat(app, name+enc.ext); err != nil {
				continue
			}
			ctype := mime.TypeByExtension(path.Ext(name))
			if ctype == "" {
				ctype = "application/octet-stream"
			}
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("Content-Encoding", enc.coding)
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + name + enc.ext
			r2.Header.Del("Range") // a range of the compressed bytes would be wrong for the plain file
			files.ServeHTTP(w, r2)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// accepts reports whether an Accept-Encoding header accepts coding (not
// refused with q=0).
func accepts(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
