package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// Tokens are compared in constant time, on their hashes so that the length
// of the token does not leak either.
func tokenMatches(given, want string) bool {
	if want == "" || given == "" {
		return false
	}
	g, w := sha256.Sum256([]byte(given)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// credential is the token a request carries: a bearer token, or the
// password of HTTP basic authentication (what a browser sends once asked).
func credential(r *http.Request) string {
	if _, pass, ok := r.BasicAuth(); ok {
		return pass
	}
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authorizeWrite lets a write through only with the write token.
func (s *server) authorizeWrite(r *http.Request) error {
	if s.cfg.WriteToken == "" {
		return errorf(http.StatusForbidden, "writes are disabled on this server (it has no ATTRIBUTION_WRITE_TOKEN)")
	}
	if !tokenMatches(credential(r), s.cfg.WriteToken) {
		return errorf(http.StatusUnauthorized, "a write needs the header Authorization: Bearer <the write token>")
	}
	return nil
}

// readGuard makes every path but the health checks need the read token (or
// the write token), when a read token is configured.
func (s *server) readGuard(next http.Handler) http.Handler {
	if s.cfg.ReadToken == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		c := credential(r)
		if !tokenMatches(c, s.cfg.ReadToken) && !tokenMatches(c, s.cfg.WriteToken) {
			s.serveError(w, r, errorf(http.StatusUnauthorized, "this server is private: send its read token (Authorization: Bearer <token>)"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
