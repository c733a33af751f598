package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/requirements"
)

// One error type and one mapping serve every handler that refuses what a
// person sent: the staff, reviewer, supervisor and admin handlers build an
// inputError (with badInput, invalidInput, conflict or notFound), pass
// along the domain's board.Error, the store's ErrConflict and
// ErrNotFound and the requirement loader's Problems, and errorAnswer turns
// any of them into a status, a title and a message a person can act on:
// answerError writes it as RFC 9457 problem+json on /api/ (and to programs
// asking for data), as an error page otherwise; the handlers of forms show
// the message next to the form instead.

// inputError is a request that cannot be carried out as sent: the status to
// answer (400 when zero), the field at fault ("" for none), a title, and a
// detail that names the field and says how to fix it. Problems (a refused
// requirement set) and Fields (field name to message, a form refused as a
// whole) travel to problem+json as the extension members "problems" and
// "errors".
type inputError struct {
	Status   int
	Field    string
	Title    string
	Detail   string
	Problems requirements.Problems
	Fields   map[string]string
}

func (e *inputError) Error() string { return e.Detail }

// fieldDetail is a message about one field: "field: how to fix it".
func fieldDetail(field, how string) string {
	if field == "" {
		return how
	}
	return field + ": " + how
}

// badInput is input that cannot be read (400): a field missing or malformed.
func badInput(field, how string) *inputError {
	return &inputError{Status: http.StatusBadRequest, Field: field, Title: "Check your input", Detail: fieldDetail(field, how)}
}

// invalidInput is well-formed input that the rules refuse (422).
func invalidInput(field, how string) *inputError {
	return &inputError{Status: http.StatusUnprocessableEntity, Field: field, Title: "Check your input", Detail: fieldDetail(field, how)}
}

// conflict is a request that the present state of things refuses (409).
func conflict(title, detail string) *inputError {
	return &inputError{Status: http.StatusConflict, Title: title, Detail: detail}
}

// notFound is a request naming something that does not exist (404).
func notFound(title, detail string) *inputError {
	return &inputError{Status: http.StatusNotFound, Title: title, Detail: detail}
}

// titled sets the title of e and returns it.
func (e *inputError) titled(title string) *inputError {
	e.Title = title
	return e
}

// renameField returns err with its field called to instead of from, in
// Field and in the detail's "field: " prefix, when err is an inputError
// about from; any other error as it is. It is for checks shared by a form
// and an API that name the same value differently (the form's reason is
// the API's note), so that the message names the field the caller sent.
func renameField(err error, from, to string) error {
	var ie *inputError
	if !errors.As(err, &ie) || ie.Field != from {
		return err
	}
	out := *ie
	out.Field = to
	if rest, ok := strings.CutPrefix(ie.Detail, from+": "); ok {
		out.Detail = fieldDetail(to, rest)
	}
	return &out
}

// parseVersion reads the version of the object (application, account) a
// form or request was made from; versions start at 1. Every edit two
// people can make at once is guarded by it.
func parseVersion(raw string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		n = 0
	}
	return checkVersion(n)
}

// checkVersion is parseVersion for a version a JSON body gave as a number
// (0 when it was left out).
func checkVersion(n int) (int, error) {
	if n <= 0 {
		return 0, badInput("version", "send the version you read, as the form or the API's answer gave it, so that a change made "+
			"meanwhile is not overwritten; reload the page (or GET it again) and try again").titled("Version missing")
	}
	return n, nil
}

// applicationErrorStatus is the status of a refusal by the application
// state machine, by its code.
var applicationErrorStatus = map[string]int{
	"invalid":   http.StatusUnprocessableEntity,
	"forbidden": http.StatusForbidden,
	"conflict":  http.StatusConflict,
}

// errorAnswer maps an error to a status, a title and a message a person
// can act on; ok is false for unexpected errors, which are logged and
// never shown.
func errorAnswer(err error) (status int, title, detail string, ok bool) {
	var ie *inputError
	var ce *certboard.Error
	var ae *board.Error
	var ps requirements.Problems
	switch {
	case errors.As(err, &ce) && ce.Code != certboard.Internal:
		a := ce.Answer()
		return a.Status, a.Title, ce.Message, true
	case errors.As(err, &ie):
		status, title = ie.Status, ie.Title
		if status == 0 {
			status = http.StatusBadRequest
		}
		if title == "" {
			title = "Check your input"
		}
		return status, title, ie.Detail, true
	case errors.As(err, &ae):
		status = applicationErrorStatus[ae.Code]
		if status == 0 {
			status = http.StatusBadRequest
		}
		return status, "Action refused", ae.Message, true
	case errors.Is(err, boardsql.ErrConflict):
		return http.StatusConflict, "Changed by someone else", strings.TrimSuffix(err.Error(), ": "+boardsql.ErrConflict.Error()), true
	case errors.Is(err, boardsql.ErrNotFound):
		return http.StatusNotFound, "Not found", strings.TrimSuffix(err.Error(), ": "+boardsql.ErrNotFound.Error()), true
	case errors.As(err, &ps):
		return http.StatusUnprocessableEntity, "Requirement set refused", fmt.Sprintf("The set has %d problem(s); nothing was stored.", len(ps)), true
	}
	return 0, "", "", false
}

// formErrors maps the error of a refused form to its status and the
// errors to show: the message in the summary ("") and next to the form
// named field. ok is false for unexpected errors and for things not found,
// which answerError answers instead of the form.
func formErrors(err error, field string) (status int, errs map[string]string, ok bool) {
	status, _, msg, ok := errorAnswer(err)
	if !ok || status == http.StatusNotFound {
		return 0, nil, false
	}
	errs = map[string]string{"": msg, field: msg}
	var ie *inputError
	var ce *certboard.Error
	if errors.As(err, &ie) {
		for k, v := range ie.Fields {
			errs[k] = v
		}
	} else if errors.As(err, &ce) {
		for k, v := range ce.Fields {
			errs[k] = v
		}
	}
	return status, errs, true
}

// answerError answers a refused or failed request: problem+json on /api/
// and to programs asking for data, an error page otherwise; unexpected
// errors are logged and answered 500.
func (s *Server) answerError(w http.ResponseWriter, r *http.Request, err error) {
	status, title, detail, ok := errorAnswer(err)
	if !ok {
		s.internal(w, err)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") && !wantsData(r) {
		s.pageError(w, r, status, title, detail)
		return
	}
	ext := map[string]any{}
	var ie *inputError
	var ce *certboard.Error
	var ps requirements.Problems
	switch {
	case errors.As(err, &ce):
		for k, v := range ce.Extra {
			ext[k] = v
		}
		if len(ce.Fields) > 0 {
			ext["errors"] = ce.Fields
		}
		if ce.RetryAfterSeconds > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(ce.RetryAfterSeconds))
		}
	case errors.As(err, &ie):
		if len(ie.Problems) > 0 {
			ext["problems"] = ie.Problems
		}
		if len(ie.Fields) > 0 {
			ext["errors"] = ie.Fields
		}
	case errors.As(err, &ps):
		ext["problems"] = ps
	}
	problemWith(w, status, title, detail, ext)
}

// problemWith writes problem+json (RFC 9457) with extension members.
func problemWith(w http.ResponseWriter, status int, title, detail string, ext map[string]any) {
	body := map[string]any{"type": "about:blank", "title": title, "status": status, "detail": detail}
	for k, v := range ext {
		body[k] = v
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
