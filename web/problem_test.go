package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/prometheus/client_golang/prometheus"
)

// errKnown is an error of a mode's own package, converted at its boundary.
var errKnown = errors.New("known to the mode")

// testErrors is an Errors whose page writes its status, title and detail
// as text, and whose log is kept.
func testErrors(log *bytes.Buffer) *Errors {
	return &Errors{
		Log: slog.New(slog.NewTextHandler(log, nil)),
		Page: func(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			fmt.Fprintf(w, "<h1>%s</h1><p>%s</p>", title, detail)
		},
		Convert: func(err error) *certboard.Error {
			if errors.Is(err, errKnown) {
				return &certboard.Error{Code: certboard.Conflict, Title: "Known", Message: "converted", Err: err}
			}
			return nil
		},
	}
}

// TestAnswerEveryCode: each code is answered with its status and title, as
// problem+json to the API, with the message as its detail.
func TestAnswerEveryCode(t *testing.T) {
	want := map[certboard.Code]int{
		certboard.Malformed: 400, certboard.Invalid: 422, certboard.Unauthorized: 401, certboard.Forbidden: 403,
		certboard.NotFound: 404, certboard.Conflict: 409, certboard.TooLarge: 413, certboard.Unsupported: 415,
		certboard.PreconditionRequired: 428, certboard.RateLimited: 429, certboard.Unavailable: 503, certboard.Internal: 500,
	}
	for _, code := range certboard.Codes() {
		var log bytes.Buffer
		h := testErrors(&log).Handle(func(w http.ResponseWriter, r *http.Request) error {
			return fmt.Errorf("handling: %w", certboard.Errorf(code, "what to do"))
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/x", nil))
		if rec.Code != want[code] {
			t.Errorf("%s: status %d, want %d", code, rec.Code, want[code])
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s: content type %q", code, ct)
		}
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v %s", code, err, rec.Body)
		}
		title, detail := certboard.AnswerOf(code).Title, "what to do"
		if code == certboard.Internal {
			title, detail = InternalTitle, InternalDetail
		}
		if body["status"] != float64(want[code]) || body["title"] != title || body["detail"] != detail || body["type"] != "about:blank" {
			t.Errorf("%s: %v", code, body)
		}
		if logged := strings.Contains(log.String(), "internal error"); logged != (code == certboard.Internal) {
			t.Errorf("%s: logged %v: %s", code, logged, log.String())
		}
	}
}

// TestAnswerMembers: a form's fields travel as "errors", extra members
// (a requirement set's "problems") as they are, a title of its own
// replaces the code's, and Retry-After says when to try again.
func TestAnswerMembers(t *testing.T) {
	e := &certboard.Error{Code: certboard.Invalid, Title: "Invalid board details", Message: "name: give it",
		Fields: map[string]string{"name": "name: give it"}, Extra: map[string]any{"problems": []string{"p"}}}
	rec := httptest.NewRecorder()
	testErrors(&bytes.Buffer{}).Answer(rec, httptest.NewRequest(http.MethodPost, "/api/v1/board", nil), e)
	var body struct {
		Title    string            `json:"title"`
		Status   int               `json:"status"`
		Errors   map[string]string `json:"errors"`
		Problems []string          `json:"problems"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Title != "Invalid board details" || body.Status != 422 || body.Errors["name"] != "name: give it" || len(body.Problems) != 1 {
		t.Errorf("%+v", body)
	}

	rec = httptest.NewRecorder()
	limited := TooMany(2500*time.Millisecond, time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC), "Sign-up allows 5 requests every 10 minutes")
	testErrors(&bytes.Buffer{}).Answer(rec, httptest.NewRequest(http.MethodPost, "/api/v1/accounts", nil), limited)
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "3" ||
		!strings.Contains(rec.Body.String(), "try again in 3 seconds (at 09:00:03 UTC)") || !strings.Contains(rec.Body.String(), "Too many requests") {
		t.Errorf("rate limited: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if _, ok := Members(&certboard.Error{Code: certboard.Invalid})["errors"]; ok {
		t.Error("an error without fields has an errors member")
	}
}

// TestAnswerPageOrProblem: browsers get the mode's error page, the API and
// programs asking for data problem+json; without a page, problem+json to
// all. Internal errors are problem+json everywhere, their cause logged and
// never shown.
func TestAnswerPageOrProblem(t *testing.T) {
	refused := certboard.FieldError(certboard.Malformed, "version", "reload")
	for _, tc := range []struct {
		name, path, accept string
		noPage             bool
		err                error
		status             int
		page               bool
	}{
		{"a browser", "/queue/1", "text/html,application/xhtml+xml", false, refused, 400, true},
		{"no Accept", "/queue/1", "", false, refused, 400, true},
		{"the API", "/api/v1/queue/1", "text/html", false, refused, 400, false},
		{"a program asking for JSON", "/credentials/x", "application/json", false, refused, 400, false},
		{"a program asking for a JWT", "/credentials/x", "application/vc+jwt", false, refused, 400, false},
		{"no page", "/queue/1", "", true, refused, 400, false},
		{"converted", "/queue/1", "", false, fmt.Errorf("saving: %w", errKnown), 409, true},
		{"internal, browser", "/queue/1", "text/html", false, errors.New("disk on fire"), 500, false},
		{"internal Error", "/api/v1/x", "", false, certboard.Wrap(errors.New("disk on fire"), "saving"), 500, false},
	} {
		var log bytes.Buffer
		e := testErrors(&log)
		if tc.noPage {
			e.Page = nil
		}
		r := httptest.NewRequest(http.MethodPost, tc.path, nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		rec := httptest.NewRecorder()
		e.Handle(func(w http.ResponseWriter, r *http.Request) error { return tc.err }).ServeHTTP(rec, r)
		ct := rec.Header().Get("Content-Type")
		if rec.Code != tc.status || strings.HasPrefix(ct, "text/html") != tc.page || (ct == "application/problem+json") == tc.page {
			t.Errorf("%s: %d %s %s", tc.name, rec.Code, ct, rec.Body)
		}
		if strings.Contains(rec.Body.String(), "disk on fire") {
			t.Errorf("%s: the cause is shown: %s", tc.name, rec.Body)
		}
		if tc.status == 500 && !strings.Contains(log.String(), "disk on fire") {
			t.Errorf("%s: the cause is not logged: %s", tc.name, log.String())
		}
		if tc.status != 500 && log.Len() > 0 {
			t.Errorf("%s: a refusal is logged: %s", tc.name, log.String())
		}
	}
	rec := httptest.NewRecorder()
	testErrors(&bytes.Buffer{}).Handle(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusNoContent {
		t.Errorf("a handler that succeeds: %d", rec.Code)
	}
}

// TestRecoverer: a panic is a logged 500 that shows nothing of it.
func TestRecoverer(t *testing.T) {
	var log bytes.Buffer
	h := Recoverer(slog.New(slog.NewTextHandler(&log, nil)), http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret state") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || !strings.Contains(log.String(), "secret state") {
		t.Errorf("%d %s / %s", rec.Code, rec.Body, log.String())
	}
}

// TestRecovererLogsNoPath: a panic on a route whose path carries a secret
// (a questionnaire link's token), behind a middleware that hands the mux
// a copy of the request as the real ones do, is logged by the route's
// pattern, never by the path; a panic before any route names none.
func TestRecovererLogsNoPath(t *testing.T) {
	const token = "Zm9vYmFyYmF6cXV4c2VjcmV0dG9rZW4"
	reg := prometheus.NewRegistry()
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	m := NewMetrics(reg, "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	mux := http.NewServeMux()
	mux.Handle("GET /m/{token}", m.Instrument("GET /m/{token}", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	type key struct{}
	copying := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), key{}, "signed in")))
	})
	rec := httptest.NewRecorder()
	Recoverer(logger, copying).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/m/"+token, nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(log.String(), token) || !strings.Contains(log.String(), `route="GET /m/{token}"`) ||
		!strings.Contains(log.String(), "boom") {
		t.Errorf("%d, logged %s", rec.Code, log.String())
	}
	log.Reset()
	early := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("before routing") })
	Recoverer(logger, early).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/calendar/"+token+".ics", nil))
	if strings.Contains(log.String(), token) || !strings.Contains(log.String(), `route="(no route)"`) {
		t.Errorf("a panic before routing logged %s", log.String())
	}
}

// TestCheckAccess: a route without a rule is refused, naming it.
func TestCheckAccess(t *testing.T) {
	anyone := &Rule{Name: "public", Public: true}
	admin := &Rule{Name: "admin", TwoFactor: true, Allow: func(u Roles) bool { return u.HasRole(auth.Admin) }}
	if err := CheckAccess([]Route{{Pattern: "GET /", Access: anyone}, {Pattern: "GET /admin", Access: admin}}); err != nil {
		t.Fatal(err)
	}
	if err := CheckAccess([]Route{{Pattern: "GET /", Access: anyone}, {Pattern: "GET /forgotten"}}); err == nil || !strings.Contains(err.Error(), "GET /forgotten") {
		t.Fatalf("a route without a rule: %v", err)
	}
	var none *Rule
	if none.Allows(roles{"admin"}) || none.String() != "unset" || !anyone.Allows(roles{}) || admin.Allows(roles{"staff"}) || !admin.Allows(roles{"admin"}) {
		t.Error("rules decide wrongly")
	}
}

type roles []auth.Role

func (rs roles) HasRole(role auth.Role) bool { return slices.Contains(rs, role) }
