package schema

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"unicode/utf8"

	"github.com/attribution-explorer/attribution/graph"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
)

// This file is the one place where errors become what users see.

// CodeBusy is the extensions.code of an error that says the server or its
// store is overloaded for now: the server answers it with 503 and
// Retry-After.
const CodeBusy = "BUSY"

// codedError is an error whose GraphQL extensions carry a code that clients
// can act on without reading the message.
type codedError struct{ message, code string }

func (e *codedError) Error() string              { return e.message }
func (e *codedError) Extensions() map[string]any { return map[string]any{"code": e.code} }

var (
	errBusy        = &codedError{"the store is busy, or out of memory for this request: retry in a moment, or ask for less (a lower depth or limit, smaller pages)", CodeBusy}
	errUnavailable = errors.New("store unavailable")
	errInternal    = errors.New("internal error")
	// The store refuses the server's credentials: the operator must act.
	errMisconfigured = errors.New("store misconfigured: see the server log")
)

type loggerKey struct{}

// WithLogger returns a context whose resolvers log internal errors to l
// (the server puts the request id in it).
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

func loggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// publicError maps a store error to the error users see: invalid input as
// written for them, "store unavailable", or a logged "internal error".
func publicError(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, graph.ErrInvalid):
		return err
	case errors.Is(err, graph.ErrUnavailable):
		loggerFrom(ctx).Warn("store unavailable", "err", err.Error(), "cause", errors.Unwrap(err))
		return errUnavailable
	case errors.Is(err, graph.ErrBusy):
		loggerFrom(ctx).Warn("store busy", "err", err.Error())
		return errBusy
	case errors.Is(err, graph.ErrUnauthorized):
		loggerFrom(ctx).Error("the store rejected the server's credentials", "err", err.Error())
		return errMisconfigured
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("the request took longer than %s: ask for less (smaller pages, a shorter window, a lower depth)", RequestTimeout)
	case errors.Is(err, context.Canceled):
		return errors.New("the request was cancelled")
	}
	loggerFrom(ctx).Error("internal error", "err", err)
	return errInternal
}

// argError is an invalid argument, named.
func argError(name string, err error) error {
	return graph.Errorf(graph.ErrInvalid, "argument %s: %v", name, err)
}

// Limits of what an error message quotes back: a client that sends a
// megabyte argument gets a message, not its megabyte.
const (
	maxQuoted  = 80   // characters of one quoted value
	maxMessage = 1000 // characters of one message
)

var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// shorten cuts long quoted values and long messages, saying how long they were.
func shorten(msg string) string {
	msg = quoted.ReplaceAllStringFunc(msg, func(q string) string {
		n := utf8.RuneCountInString(q) - 2
		if n <= maxQuoted {
			return q
		}
		return fmt.Sprintf("%s…\" (%d characters)", string([]rune(q)[:maxQuoted+1]), n)
	})
	if n := utf8.RuneCountInString(msg); n > maxMessage {
		msg = fmt.Sprintf("%s… (%d characters)", string([]rune(msg)[:maxMessage]), n)
	}
	return msg
}

// Busy says whether a result holds an error that the server or its store
// was too busy for (extensions.code BUSY).
func Busy(res *graphql.Result) bool {
	for _, e := range res.Errors {
		if e.Extensions["code"] == CodeBusy {
			return true
		}
	}
	return false
}

// errorResult is a response holding err alone.
func errorResult(err error) *graphql.Result {
	return &graphql.Result{Errors: []gqlerrors.FormattedError{gqlerrors.FormatError(err)}}
}
