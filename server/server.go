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
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/attribution-explorer/attribution/schema"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/rs/cors"
)

// Limits of one HTTP request and connection.
const (
	MaxBodyBytes      = 1 << 20
	MaxHeaderBytes    = 64 << 10
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds the reading of a whole request, body included: a
	// client sending a byte a second is cut off, not held forever.
	ReadTimeout  = 10 * time.Second
	WriteTimeout = schema.RequestTimeout + 10*time.Second
	IdleTimeout  = 2 * time.Minute
	readyTimeout = 2 * time.Second
)

// HTTPServer returns an http.Server for h with every timeout and size limit
// set: no connection is held open by a slow or silent client.
func HTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout,
		WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout, MaxHeaderBytes: MaxHeaderBytes}
}

// Config is what the server needs.
type Config struct {
	Schema      *schema.Schema
	Store       graph.Store // pinged by /readyz
	Logger      *slog.Logger
	CORSOrigins []string // origins allowed to call the API from a browser; none: same origin only
	Version     string
	Frontend    http.Handler // serves /; nil: a short page pointing to GraphiQL
	// WriteToken guards every write (GraphQL mutations, imports): a client
	// sends it as "Authorization: Bearer <token>". Empty: writes are refused.
	WriteToken string
	// ReadToken, when set, guards everything but /healthz and /readyz, for a
	// private deployment (as a bearer token, or as the password of HTTP
	// basic authentication, which browsers ask for and then send by
	// themselves). Empty: reads are open.
	ReadToken string
	// Metrics records requests (nil: none recorded); MetricsHandler serves
	// them at /metrics (nil: no such route).
	Metrics        Observer
	MetricsHandler http.Handler
	// Admission bounds the GraphQL requests served at once (zero: sized to
	// the machine, see admission.go).
	Admission Admission
	// MaxAnswerBytes bounds the JSON of one GraphQL answer (zero:
	// DefaultMaxAnswerBytes).
	MaxAnswerBytes int
}

// Observer records what the server serves; metrics.Metrics is one.
type Observer interface {
	GraphQLRequest(operation, outcome string, d time.Duration)
	DocumentCache(hit bool)
	InFlight() (done func())
}

type noObserver struct{}

func (noObserver) GraphQLRequest(string, string, time.Duration) {}
func (noObserver) DocumentCache(bool)                           {}
func (noObserver) InFlight() func()                             { return func() {} }

// httpError is an error with the status and message the client sees.
type httpError struct {
	status     int
	message    string
	retryAfter int // seconds, sent as Retry-After when above zero
}

func (e *httpError) Error() string { return e.message }

func errorf(status int, format string, args ...any) error {
	return &httpError{status: status, message: fmt.Sprintf(format, args...)}
}

type handler func(w http.ResponseWriter, r *http.Request) error

// New returns the server's handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = noObserver{}
	}
	if cfg.MaxAnswerBytes <= 0 {
		cfg.MaxAnswerBytes = DefaultMaxAnswerBytes
	}
	s := &server{cfg: cfg, admission: newAdmission(cfg.Admission)}
	mux := http.NewServeMux()
	mux.Handle("POST /graphql", s.handle(s.graphqlPost))
	mux.Handle("GET /graphql", s.handle(s.graphqlGet))
	mux.Handle("GET /graphiql", s.handle(s.graphiql))
	mux.Handle("GET /healthz", s.handle(s.healthz))
	mux.Handle("GET /readyz", s.handle(s.readyz))
	if cfg.MetricsHandler != nil {
		mux.Handle("GET /metrics", cfg.MetricsHandler)
	}
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
			// Any request headers (the API reads Content-Type and Authorization):
			// rs/cors accepts a named list only when the preflight lists it
			// sorted and in lower case, and refused "content-type,authorization".
			AllowedHeaders: []string{"*"},
			MaxAge:         600,
		}).Handler(h)
	}
	return s.logged(compressed(s.readGuard(h)))
}

type server struct {
	cfg       Config
	admission *admission
}

type ctxKey struct{}

// logged gives each request an id and a logger, recovers from panics and
// logs one line per request.
func (s *server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		log := s.cfg.Logger.With("request_id", id)
		w.Header().Set("X-Request-Id", id)
		setSecurityHeaders(w.Header())
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

// ContentSecurityPolicy is sent with every response. The explorer and
// GraphiQL are served from the binary and pass it: scripts only from this
// origin, no inline script, workers from blob: (the layout runs in one), and
// inline styles (sigma.js and vis-timeline position elements with them).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
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

// validRequestID accepts a client's request id only when it is short and
// plain, so that it can go into logs and headers as it is.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// serveError is the one place where handler errors become responses.
func (s *server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		he      *httpError
		refused *schema.RequestError
	)
	switch {
	case errors.As(err, &refused):
		s.writeGraphQL(w, r, http.StatusBadRequest, &graphql.Result{Errors: refused.Errors})
		return
	case errors.As(err, &he):
	case errors.Is(err, context.Canceled):
		he = &httpError{status: http.StatusBadRequest, message: "the request was cancelled"}
	case errors.Is(err, context.DeadlineExceeded):
		he = &httpError{status: http.StatusServiceUnavailable, message: fmt.Sprintf("the request took longer than %s", schema.RequestTimeout)}
	default:
		logger(r).Error("internal error", "err", err)
		he = &httpError{status: http.StatusInternalServerError, message: "internal error"}
	}
	if he.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="attribution explorer", charset="UTF-8"`)
	}
	if he.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(he.retryAfter))
	}
	if strings.HasPrefix(r.URL.Path, "/graphql") {
		e := gqlerrors.FormattedError{Message: he.message}
		if he.retryAfter > 0 {
			e.Extensions = map[string]any{"code": schema.CodeBusy}
		}
		s.writeGraphQL(w, r, he.status, &graphql.Result{Errors: []gqlerrors.FormattedError{e}})
		return
	}
	http.Error(w, he.message, he.status)
}

// writeGraphQL writes a GraphQL response; each error carries the request id,
// so that a user's report can be found in the logs. The JSON is encoded
// once, into a buffer bounded by MaxAnswerBytes: an answer over it is
// replaced by an error that says so (nothing of it is sent).
func (s *server) writeGraphQL(w http.ResponseWriter, r *http.Request, status int, res *graphql.Result) error {
	id := w.Header().Get("X-Request-Id")
	for i := range res.Errors {
		if res.Errors[i].Extensions == nil {
			res.Errors[i].Extensions = map[string]any{}
		}
		res.Errors[i].Extensions["requestId"] = id
	}
	body, err := encodeResult(res, s.cfg.MaxAnswerBytes)
	if errors.Is(err, errAnswerTooLarge) {
		logger(r).Warn("answer too large", "limit_bytes", s.cfg.MaxAnswerBytes)
		tooLarge := gqlerrors.FormattedError{Message: fmt.Sprintf("the answer is larger than %d bytes: ask for fewer fields, "+
			"smaller pages (first, limit) or a lower depth", s.cfg.MaxAnswerBytes), Extensions: map[string]any{"requestId": id}}
		body, err = encodeResult(&graphql.Result{Errors: []gqlerrors.FormattedError{tooLarge}}, s.cfg.MaxAnswerBytes)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func (s *server) graphqlPost(w http.ResponseWriter, r *http.Request) error {
	// Only a JSON body: the browser sends cross-site "simple" requests
	// (text/plain, form types) without asking first, and they must not run.
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, "POST /graphql takes Content-Type: application/json")
	}
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
	start, outcome, operation := time.Now(), "refused", req.OperationName
	defer func() { s.cfg.Metrics.GraphQLRequest(operation, outcome, time.Since(start)) }()
	if err := s.admission.allow(r); err != nil {
		outcome = "busy"
		return err
	}
	ctx := schema.WithLogger(r.Context(), logger(r))
	// Prepared before admission: its cost is bounded by the pipeline's
	// limits (a cold 64-KiB query, about a millisecond), and it tells how
	// heavy the request is.
	p, err := s.cfg.Schema.Prepare(ctx, req)
	if err != nil {
		return err
	}
	leave, err := s.admission.enter(r.Context(), p.Cost <= CheapCost)
	if err != nil {
		outcome = "busy"
		return err
	}
	defer leave()
	defer s.cfg.Metrics.InFlight()()
	s.cfg.Metrics.DocumentCache(p.Cached)
	operation = p.OperationName()
	// Decided from the parsed operation, not from the text, which may begin
	// with a comment.
	if op := p.OperationType(); op != "query" {
		if r.Method == http.MethodGet {
			return errorf(http.StatusMethodNotAllowed, "GET runs queries only: send a %s with POST", op)
		}
		if err := s.authorizeWrite(r); err != nil {
			return err
		}
	}
	res := s.cfg.Schema.Execute(ctx, p)
	status := http.StatusOK
	switch {
	case schema.Busy(res):
		// The store was overloaded: the client may retry, and a load
		// balancer may send it elsewhere.
		outcome, status = "busy", http.StatusServiceUnavailable
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	case len(res.Errors) > 0:
		outcome = "error"
	default:
		outcome = "ok"
	}
	return s.writeGraphQL(w, r, status, res)
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
		logger(r).Warn("not ready", "err", err.Error())
		status := "store unavailable"
		if errors.Is(err, graph.ErrUnauthorized) {
			status = "store misconfigured"
		}
		return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": status})
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// graphiql serves GraphiQL, which Vite builds with the explorer
// (frontend/graphiql.html): no script comes from a CDN.
func (s *server) graphiql(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Frontend == nil {
		return errorf(http.StatusNotFound, "GraphiQL is built with the web explorer, which this binary lacks (make build needs npm); POST queries to /graphql")
	}
	page := r.Clone(r.Context())
	page.URL.Path = "/graphiql.html"
	s.cfg.Frontend.ServeHTTP(w, page)
	return nil
}

func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := fmt.Fprint(w, homePage)
	return err
}
