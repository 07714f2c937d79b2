// Package server is the HTTP side of the explorer: routes, CORS, limits,
// health checks and request logs. Handlers return errors; serveError is the
// one place that turns them into responses.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/rs/cors"
)

// Limits of one HTTP request.
const (
	MaxBodyBytes   = 1 << 20
	RequestTimeout = 15 * time.Second
	readyTimeout   = 2 * time.Second
)

// Config is what the server needs.
type Config struct {
	Schema      *schema.Schema
	Store       graph.Store // pinged by /readyz
	Logger      *slog.Logger
	CORSOrigins []string // origins allowed to call the API from a browser; none: same origin only
	Version     string
	Frontend    http.Handler // serves /; nil: a short page pointing to GraphiQL
}

// httpError is an error with the status and message the client sees.
type httpError struct {
	status  int
	message string
}

func (e *httpError) Error() string { return e.message }

func errorf(status int, format string, args ...any) error {
	return &httpError{status, fmt.Sprintf(format, args...)}
}

type handler func(w http.ResponseWriter, r *http.Request) error

// New returns the server's handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &server{cfg}
	mux := http.NewServeMux()
	mux.Handle("POST /graphql", s.handle(s.graphqlPost))
	mux.Handle("GET /graphql", s.handle(s.graphqlGet))
	mux.Handle("GET /graphiql", s.handle(s.graphiql))
	mux.Handle("GET /healthz", s.handle(s.healthz))
	mux.Handle("GET /readyz", s.handle(s.readyz))
	if cfg.Frontend != nil {
		mux.Handle("GET /", cfg.Frontend)
	} else {
		mux.Handle("GET /{$}", s.handle(s.home))
	}
	var h http.Handler = mux
	if len(cfg.CORSOrigins) > 0 {
		h = cors.New(cors.Options{
			AllowedOrigins: cfg.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Content-Type", "Authorization"},
			MaxAge:         600,
		}).Handler(h)
	}
	return s.logged(h)
}

type server struct{ cfg Config }

type ctxKey struct{}

// logged gives each request an id and a logger, recovers from panics and
// logs one line per request.
func (s *server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		log := s.cfg.Logger.With("request_id", id)
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		ctx := context.WithValue(r.Context(), ctxKey{}, log)
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic", "panic", p)
				if !rec.wrote {
					s.serveError(rec, r.WithContext(ctx), errors.New("panic"))
				}
			}
			log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"duration_ms", time.Since(start).Milliseconds())
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status, r.wrote = code, true
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func logger(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(ctxKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func (s *server) handle(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.serveError(w, r, err)
		}
	})
}

// serveError is the one place where handler errors become responses.
func (s *server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		logger(r).Error("internal error", "err", err)
		he = &httpError{http.StatusInternalServerError, "internal error"}
	}
	if strings.HasPrefix(r.URL.Path, "/graphql") {
		writeJSON(w, he.status, map[string]any{"errors": []map[string]string{{"message": he.message}}})
		return
	}
	http.Error(w, he.message, he.status)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func (s *server) graphqlPost(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	var req schema.Request
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errorf(http.StatusRequestEntityTooLarge, "the request body is larger than %d bytes", MaxBodyBytes)
		}
		return errorf(http.StatusBadRequest, "the body must be JSON: {\"query\": ..., \"variables\": {...}}: %v", err)
	}
	return s.execute(w, r, req)
}

func (s *server) graphqlGet(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req := schema.Request{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if v := q.Get("variables"); v != "" {
		if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
			return errorf(http.StatusBadRequest, "variables must be a JSON object: %v", err)
		}
	}
	return s.execute(w, r, req)
}

func (s *server) execute(w http.ResponseWriter, r *http.Request, req schema.Request) error {
	if strings.TrimSpace(req.Query) == "" {
		return errorf(http.StatusBadRequest, "the request has no query")
	}
	if r.Method == http.MethodGet && isMutation(req.Query) {
		return errorf(http.StatusMethodNotAllowed, "mutations must be sent with POST")
	}
	ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
	defer cancel()
	res := s.cfg.Schema.Do(schema.WithLogger(ctx, logger(r)), req)
	return writeJSON(w, http.StatusOK, res)
}

func isMutation(q string) bool {
	return strings.HasPrefix(strings.TrimSpace(q), "mutation")
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readyz reports whether the store answers: a load balancer sends no traffic
// to an instance whose Neo4j is unreachable.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		logger(r).Warn("not ready", "err", err)
		return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "store unavailable"})
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *server) graphiql(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := w.Write([]byte(graphiqlPage))
	return err
}

func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := fmt.Fprint(w, homePage)
	return err
}
