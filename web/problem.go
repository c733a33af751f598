package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
)

// What a person is told of an internal failure, page or program alike: the
// cause is logged, never shown.
const (
	InternalTitle  = "Internal error"
	InternalDetail = "Something went wrong on our side; it has been logged."
)

// Problem writes an RFC 9457 problem+json error.
func Problem(w http.ResponseWriter, status int, title, detail string) {
	ProblemWith(w, status, title, detail, nil)
}

// ProblemWith writes problem+json (RFC 9457) with extension members.
func ProblemWith(w http.ResponseWriter, status int, title, detail string, ext map[string]any) {
	body := map[string]any{"type": "about:blank", "title": title, "status": status, "detail": detail}
	for k, v := range ext {
		body[k] = v
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func internalProblem(w http.ResponseWriter) {
	Problem(w, http.StatusInternalServerError, InternalTitle, InternalDetail)
}

// WantsProblem reports whether a request's errors are answered as
// problem+json rather than a page: under /api/, or from a program outside
// it that asked for data (JSON, a JWT) rather than HTML.
func WantsProblem(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	accept := r.Header.Get("Accept")
	if accept == "" || strings.Contains(accept, "text/html") {
		return false
	}
	return strings.Contains(accept, "json") || strings.Contains(accept, "jwt")
}

// Members returns the problem+json extension members of an error: its
// Extra, and its Fields as "errors".
func Members(e *certboard.Error) map[string]any {
	ext := map[string]any{}
	for k, v := range e.Extra {
		ext[k] = v
	}
	if len(e.Fields) > 0 {
		ext["errors"] = e.Fields
	}
	return ext
}

// Errors answers the errors of a mode's handlers, in one place.
type Errors struct {
	// Log receives the causes of internal errors.
	Log *slog.Logger
	// Page shows an error page to a browser; nil answers browsers with
	// problem+json too.
	Page func(w http.ResponseWriter, r *http.Request, status int, title, detail string)
	// Convert turns an error of the mode's own packages (a state machine,
	// a store) into a *certboard.Error, or returns nil for one it does
	// not know; nil converts nothing.
	Convert func(error) *certboard.Error
}

// Of returns the *certboard.Error that answers err: the first in its chain,
// else what Convert makes of it, else an Internal Error wrapping err; nil
// for nil.
func (e *Errors) Of(err error) *certboard.Error {
	if err == nil {
		return nil
	}
	var ce *certboard.Error
	if errors.As(err, &ce) {
		return ce
	}
	if e.Convert != nil {
		if ce := e.Convert(err); ce != nil {
			return ce
		}
	}
	return &certboard.Error{Code: certboard.Internal, Err: err}
}

// Answer answers err: problem+json under /api/ and to programs asking for
// data, the error page otherwise; with Retry-After when it says when to
// try again. An Internal error is logged and answered 500 as problem+json
// everywhere (the page may be what failed), its cause never shown.
func (e *Errors) Answer(w http.ResponseWriter, r *http.Request, err error) {
	ce := e.Of(err)
	if ce == nil || ce.Code == certboard.Internal {
		e.Internal(w, err)
		return
	}
	a := ce.Answer()
	if ce.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ce.RetryAfterSeconds))
	}
	if e.Page != nil && !WantsProblem(r) {
		e.Page(w, r, a.Status, a.Title, ce.Message)
		return
	}
	ProblemWith(w, a.Status, a.Title, ce.Message, Members(ce))
}

// Internal logs an unexpected error and answers 500 without details.
func (e *Errors) Internal(w http.ResponseWriter, err error) {
	log := e.Log
	if log == nil {
		log = slog.Default()
	}
	log.Error("internal error", "error", err)
	internalProblem(w)
}

// HandlerFunc is a handler that returns its failure for Errors to answer;
// it has written nothing when it returns an error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle adapts h to an http.Handler whose returned error is answered.
func (e *Errors) Handle(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			e.Answer(w, r, err)
		}
	})
}
