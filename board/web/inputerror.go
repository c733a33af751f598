package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/requirements"
	kit "github.com/certboard/certboard/web"
)

// One error type and one answer serve every handler that refuses what a
// person sent: handlers build a *certboard.Error (with badInput,
// invalidInput, conflict or notFound, or directly) or pass along the
// board's (a refused action is one too), the store's ErrConflict and
// ErrNotFound and the requirement loader's Problems, which boundaryError
// converts, and the
// kit's Errors answers any of them (s.answerError): RFC 9457 problem+json
// on /api/ (and to programs asking for data), an error page otherwise; the
// handlers of forms show the message next to the form instead
// (formErrors).

// badInput is input that cannot be read (400): a field missing or malformed.
func badInput(field, how string) *certboard.Error {
	return certboard.FieldError(certboard.Malformed, field, how)
}

// invalidInput is well-formed input that the rules refuse (422).
func invalidInput(field, how string) *certboard.Error {
	return certboard.FieldError(certboard.Invalid, field, how)
}

// conflict is a request that the present state of things refuses (409).
func conflict(title, detail string) *certboard.Error {
	return &certboard.Error{Code: certboard.Conflict, Title: title, Message: detail}
}

// notFound is a request naming something that does not exist (404).
func notFound(title, detail string) *certboard.Error {
	return &certboard.Error{Code: certboard.NotFound, Title: title, Message: detail}
}

// refusedForm is a form or body refused as a whole (422): fields says what
// to fix, by field, and travels to problem+json as "errors".
func refusedForm(title, detail string, fields map[string]string) *certboard.Error {
	return &certboard.Error{Code: certboard.Invalid, Title: title, Message: detail, Fields: fields}
}

// refusedSet is a requirement set refused, with its problems, which travel
// to problem+json as "problems".
func refusedSet(code certboard.Code, detail string, ps requirements.Problems) *certboard.Error {
	e := &certboard.Error{Code: code, Title: "Requirement set refused", Message: detail}
	if len(ps) > 0 {
		e.Extra = map[string]any{"problems": ps}
	}
	return e
}

// problemsOf returns the requirement-set problems an error carries.
func problemsOf(e *certboard.Error) requirements.Problems {
	ps, _ := e.Extra["problems"].(requirements.Problems)
	return ps
}

// renameField returns err with its field called to instead of from, in
// Field and in the message's "field: " prefix, when err is a
// *certboard.Error about from; any other error as it is. It is for checks
// shared by a form and an API that name the same value differently (the
// form's reason is the API's note), so that the message names the field
// the caller sent.
func renameField(err error, from, to string) error {
	var ie *certboard.Error
	if !errors.As(err, &ie) || ie.Field != from {
		return err
	}
	out := *ie
	out.Field = to
	if rest, ok := strings.CutPrefix(ie.Message, from+": "); ok {
		out.Message = to + ": " + rest
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
			"meanwhile is not overwritten; reload the page (or GET it again) and try again").WithTitle("Version missing")
	}
	return n, nil
}

// boundaryError converts the errors of the board's own packages at their
// boundary: the store's ErrConflict and ErrNotFound, a requirement set's
// Problems. It returns nil for any other error.
func boundaryError(err error) *certboard.Error {
	if e := certboard.StoreError(err); e != nil {
		return e
	}
	var ps requirements.Problems
	if errors.As(err, &ps) {
		e := refusedSet(certboard.Invalid, "The set has "+certboard.Plural(len(ps), "problem", "problems")+"; nothing was stored.", ps)
		e.Err = err
		return e
	}
	return nil
}

// refusal returns the *certboard.Error in err's chain that refuses a
// request, or nil for none and for an internal failure, which the caller
// answers with s.internal.
func refusal(err error) *certboard.Error {
	var e *certboard.Error
	if errors.As(err, &e) && e.Code != certboard.Internal {
		return e
	}
	return nil
}

// asError returns the *certboard.Error that answers err (see kit.Errors.Of).
func asError(err error) *certboard.Error {
	return (&kit.Errors{Convert: boundaryError}).Of(err)
}

// AsError returns the *certboard.Error that answers an error of the
// server's methods, for callers outside HTTP (the command line): the Error
// in err's chain, or the board's own errors converted (the store's
// conflicts and things not found), or an
// Internal Error wrapping err; nil for nil.
func AsError(err error) *certboard.Error { return asError(err) }

// errorAnswer maps an error to a status, a title and a message a person
// can act on; ok is false for unexpected errors, which are logged and
// never shown.
func errorAnswer(err error) (status int, title, detail string, ok bool) {
	e := asError(err)
	if e == nil || e.Code == certboard.Internal {
		return 0, "", "", false
	}
	a := e.Answer()
	return a.Status, a.Title, e.Message, true
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
	for k, v := range asError(err).Fields {
		errs[k] = v
	}
	return status, errs, true
}

// appPage draws the page of application id with status, the errors errs
// and the values of the form named failed ("" for none) shown again.
type appPage func(w http.ResponseWriter, r *http.Request, id int64, status int, errs map[string]string, failed string) error

// reshow shows an application's page again, drawn by show, after the form
// named form failed. The message shows in the summary at the top, which is
// there even when the form is not (an action no longer possible), and next
// to the form. An error it cannot show there (the application gone, an
// internal failure) it returns, having written nothing.
func reshow(w http.ResponseWriter, r *http.Request, app *board.Application, form string, err error, show appPage) error {
	status, errs, ok := formErrors(err, form)
	if !ok {
		return err
	}
	return show(w, r, app.ID, status, errs, form)
}

// renderForm draws a page with the errors of a refused form and, when
// failed names the form, the values it was sent with.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, name, title string, data any, errs map[string]string, failed string) {
	var form url.Values
	if failed != "" {
		form = r.PostForm
	}
	s.render(w, r, status, name, page{Title: title, Data: data, Errors: errs, Form: form})
}

// answerError answers a refused or failed request: problem+json on /api/
// and to programs asking for data, an error page otherwise; unexpected
// errors are logged and answered 500.
func (s *Server) answerError(w http.ResponseWriter, r *http.Request, err error) {
	s.errs.Answer(w, r, err)
}
