package graph

import (
	"errors"
	"fmt"
)

// The errors a Store and the loaders return, to be tested with errors.Is.
var (
	// ErrNotFound: the thing asked for does not exist. The API turns it into null.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input is wrong; the message says where and what, for the user.
	ErrInvalid = errors.New("invalid input")
	// ErrUnavailable: the store cannot be reached now; retrying later may work.
	ErrUnavailable = errors.New("store unavailable")
	// ErrBusy: the store is overloaded for now (out of transaction memory,
	// a lock timeout, a leader switch); retrying soon may work.
	ErrBusy = errors.New("store busy")
	// ErrUnauthorized: the store rejected the server's credentials. Unlike
	// ErrUnavailable, waiting does not help: the configuration must change.
	ErrUnauthorized = errors.New("store rejected the credentials")
)

// Error is an error of one of the kinds above with a message meant for people.
type Error struct {
	Kind    error // ErrNotFound, ErrInvalid, ErrUnavailable, ErrBusy, ErrUnauthorized, or a context error
	Message string
	Err     error // the underlying cause, if any; not shown to users
}

func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, ErrInvalid) and friends work.
func (e *Error) Is(target error) bool { return target == e.Kind }

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind with a formatted message.
func Errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Unavailable wraps a store's connection failure as ErrUnavailable.
func Unavailable(cause error) error {
	return &Error{Kind: ErrUnavailable, Message: "store unavailable", Err: cause}
}
