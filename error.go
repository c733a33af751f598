// Package certboard holds the vocabulary every part of certboard shares: one
// Error with a code that maps to an HTTP status, a problem+json title and a
// command-line exit code, and the Clock that use cases read the time from.
// The board and the practice, their stores and their web pages all speak
// these terms, so that an error is decided once, where it happens, and
// answered the same way wherever it surfaces.
package certboard

import (
	"errors"
	"fmt"
	"strings"
)

// Code says what kind of failure an Error is, and so how to answer it.
type Code string

// The codes. Each is one answer: an HTTP status, a title and an exit code
// (see Answer). A use case picks the code; it never picks a status.
const (
	// Malformed is input that cannot be read: a field missing, of the wrong
	// type or form (HTTP 400).
	Malformed Code = "malformed"
	// Invalid is well-formed input that the rules refuse (HTTP 422).
	Invalid Code = "invalid"
	// Unauthorized is a request that needs a signed-in user (HTTP 401).
	Unauthorized Code = "unauthorized"
	// Forbidden is a request by someone who may not make it (HTTP 403).
	Forbidden Code = "forbidden"
	// NotFound names something that does not exist, or that the caller may
	// not know exists (HTTP 404).
	NotFound Code = "not_found"
	// Conflict is a request that the present state of things refuses: a
	// version changed meanwhile, an action the state does not allow (409).
	Conflict Code = "conflict"
	// TooLarge is input over a size or nesting limit (HTTP 413).
	TooLarge Code = "too_large"
	// Unsupported is input of a media type that is not accepted (HTTP 415).
	Unsupported Code = "unsupported"
	// PreconditionRequired is an edit sent without the version it was made
	// from (HTTP 428).
	PreconditionRequired Code = "precondition_required"
	// RateLimited is a request over a rate limit or a sign-in throttle
	// (HTTP 429; RetryAfter says when to try again).
	RateLimited Code = "rate_limited"
	// Unavailable is a part that is not configured or not reachable now,
	// such as document storage (HTTP 503).
	Unavailable Code = "unavailable"
	// Internal is a failure of certboard itself. Its message is never the
	// cause; the cause is logged (HTTP 500).
	Internal Code = "internal"
)

// ErrNotFound and ErrConflict are what a store returns, wrapped with what
// it looked for, when a row does not exist or a write lost a race or broke
// a uniqueness rule. Use cases turn them into an Error that says what to do.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Exit codes of the command line. ExitNo is a verdict (not eligible, an
// invalid credential, rows rejected), not an error.
const (
	ExitOK       = 0
	ExitNo       = 1
	ExitBadInput = 2
	ExitFailure  = 4
)

// Answer is how a code is answered: over HTTP (the status, written as a
// number so that this package, which stores import, does not depend on
// net/http), as a problem+json title, and by the command line.
type Answer struct {
	Status int
	Title  string
	Exit   int
}

var answers = map[Code]Answer{
	Malformed:            {400, "Check your input", ExitBadInput},
	Invalid:              {422, "Check your input", ExitBadInput},
	Unauthorized:         {401, "Sign in first", ExitBadInput},
	Forbidden:            {403, "Not allowed", ExitBadInput},
	NotFound:             {404, "Not found", ExitBadInput},
	Conflict:             {409, "Changed meanwhile", ExitBadInput},
	TooLarge:             {413, "Too large", ExitBadInput},
	Unsupported:          {415, "Unsupported type", ExitBadInput},
	PreconditionRequired: {428, "Version missing", ExitBadInput},
	RateLimited:          {429, "Too many attempts", ExitFailure},
	Unavailable:          {503, "Not available", ExitFailure},
	Internal:             {500, "Something went wrong", ExitFailure},
}

// Codes lists every code, for tests and documentation.
func Codes() []Code {
	return []Code{Malformed, Invalid, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, Unsupported,
		PreconditionRequired, RateLimited, Unavailable, Internal}
}

// AnswerOf returns how a code is answered; an unknown code is answered as
// Internal.
func AnswerOf(c Code) Answer {
	if a, ok := answers[c]; ok {
		return a
	}
	return answers[Internal]
}

// internalMessage is what a person is told of an internal failure.
const internalMessage = "certboard could not complete this; it has been logged. Try again, and tell the board's staff if it persists."

// Error is a failure with a code, a message a person can act on, and the
// cause, which is logged and never shown.
type Error struct {
	Code Code
	// Title overrides the code's title when a more specific one helps
	// ("Application not found"); "" keeps the code's.
	Title string
	// Message says what went wrong and what to do about it, naming the
	// field when there is one ("email: ...").
	Message string
	// Field is the input at fault, "" for none.
	Field string
	// Fields maps form fields to what to fix, for a form refused as a
	// whole; answered as the problem+json member "errors".
	Fields map[string]string
	// Extra holds further problem+json members ("problems" of a refused
	// requirement set, "limit" of a size limit).
	Extra map[string]any
	// RetryAfterSeconds, with RateLimited, says when to try again.
	RetryAfterSeconds int
	// Err is the cause: logged, never shown.
	Err error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = string(e.Code)
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Answer returns how e is answered, with its own title when it has one.
func (e *Error) Answer() Answer {
	a := AnswerOf(e.Code)
	if e.Title != "" {
		a.Title = e.Title
	}
	return a
}

// Errorf returns an Error with a code and a formatted message. A %w verb
// wraps its operand as the cause, but the message shown is the formatted
// text, so wrap only what a person may read.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// FieldError returns an Error about one input field: its message reads
// "field: how to fix it".
func FieldError(code Code, field, how string) *Error {
	msg := how
	if field != "" {
		msg = field + ": " + how
	}
	return &Error{Code: code, Field: field, Message: msg}
}

// Wrap returns an Internal error with a cause, for failures of certboard
// itself (a database down, a template missing).
func Wrap(err error, what string) *Error {
	return &Error{Code: Internal, Message: what, Err: err}
}

// StoreError turns a store's ErrConflict or ErrNotFound, wrapped with what
// it concerned, into an Error of code Conflict or NotFound whose message is
// that wrapping, the sentinel's own text cut off; nil for any other error.
func StoreError(err error) *Error {
	switch {
	case errors.Is(err, ErrConflict):
		return &Error{Code: Conflict, Title: "Changed by someone else",
			Message: strings.TrimSuffix(err.Error(), ": "+ErrConflict.Error()), Err: err}
	case errors.Is(err, ErrNotFound):
		return &Error{Code: NotFound, Title: "Not found",
			Message: strings.TrimSuffix(err.Error(), ": "+ErrNotFound.Error()), Err: err}
	}
	return nil
}

// WithTitle sets the title of e and returns it.
func (e *Error) WithTitle(title string) *Error {
	e.Title = title
	return e
}

// ErrorCode returns the code of the first Error in err's chain: "" for nil,
// Internal for an error that is not one.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns what a person may be told of err: the message of an
// Error that is not Internal, a bland sentence otherwise.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal && e.Message != "" {
		return e.Message
	}
	return internalMessage
}

// As returns the first Error in err's chain, or an Internal Error wrapping
// err when there is none; nil for nil.
func As(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Err: err}
}
