package server

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressed compresses every answer (GraphQL, pages, assets not already
// compressed at build) when the client accepts it: zstd when offered, else
// gzip, for bodies of 1 KiB or more of a compressible type.
// github.com/klauspost/compress/gzhttp (the maintained successor of the New
// York Times' gziphandler, in the compression module much of the Go world
// already depends on, Prometheus' client among them) handles
// Accept-Encoding's q-values, Vary, ETags, HEAD and Range, and leaves alone
// an answer that already says its Content-Encoding (the explorer's
// pre-compressed assets).
// Compressed request bodies stay refused: MaxBodyBytes bounds what is read.
func compressed(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(5))
	if err != nil {
		panic(err) // constant options
	}
	return wrap(h)
}
