package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/requirements"
)

func TestErrorAnswer(t *testing.T) {
	refused := func(code certboard.Code, msg string) *certboard.Error {
		return &certboard.Error{Code: code, Title: "Action refused", Message: msg}
	}
	_, decided := board.Next(board.Approved, board.Return, board.Actor{Roles: []auth.Role{auth.Staff}}, "x")
	cases := []struct {
		name   string
		err    error
		status int
		title  string
		detail string
	}{
		{"bad input", badInput("reason", "write at most 2000 characters"), 400, "Check your input", "reason: write at most 2000 characters"},
		{"invalid input, wrapped", fmt.Errorf("saving: %w", invalidInput("roles", `"x" is not a role`)), 422, "Check your input", `roles: "x" is not a role`},
		{"titled", invalidInput("reason", "say why").WithTitle("Reason required"), 422, "Reason required", "reason: say why"},
		{"malformed, no title of its own", &certboard.Error{Code: certboard.Malformed, Message: "d"}, 400, "Check your input", "d"},
		{"conflict", conflict("Not published", "already published"), 409, "Not published", "already published"},
		{"not found", notFound("Account not found", "No account has id 7."), 404, "Account not found", "No account has id 7."},
		{"state machine, invalid", refused(certboard.Invalid, "cannot approve yet"), 422, "Action refused", "cannot approve yet"},
		{"state machine, forbidden", refused(certboard.Forbidden, "your own"), 403, "Action refused", "your own"},
		{"state machine, conflict", refused(certboard.Conflict, "decided"), 409, "Action refused", "decided"},
		{"state machine, wrapped", fmt.Errorf("acting: %w", decided), 409, "Action refused",
			"an application that is approved cannot be returned; possible now: none"},
		{"store conflict", fmt.Errorf("application 3 was changed by someone else; reload it: %w", boardsql.ErrConflict), 409, "Changed by someone else",
			"application 3 was changed by someone else; reload it"},
		{"store not found", fmt.Errorf("no item %q: %w", "x", boardsql.ErrNotFound), 404, "Not found", `no item "x"`},
		{"requirement problems", requirements.Problems{{File: "f", Line: 2, Message: "m"}}, 422, "Requirement set refused", "The set has 1 problem; nothing was stored."},
	}
	for _, c := range cases {
		status, title, detail, ok := errorAnswer(c.err)
		if !ok || status != c.status || title != c.title || detail != c.detail {
			t.Errorf("%s: %d %q %q %v", c.name, status, title, detail, ok)
		}
	}
	if _, _, _, ok := errorAnswer(errors.New("disk on fire")); ok {
		t.Error("an unexpected error is shown")
	}
}

func TestParseVersion(t *testing.T) {
	for raw, want := range map[string]int{"1": 1, " 42 ": 42} {
		if n, err := parseVersion(raw); err != nil || n != want {
			t.Errorf("%q: %d %v", raw, n, err)
		}
	}
	for _, raw := range []string{"", "0", "-1", "x", "1.5"} {
		_, err := parseVersion(raw)
		status, _, detail, ok := errorAnswer(err)
		if !ok || status != 400 || !strings.HasPrefix(detail, "version: ") || !strings.Contains(detail, "reload") {
			t.Errorf("%q: %d %q", raw, status, detail)
		}
	}
}

func TestFormErrors(t *testing.T) {
	status, errs, ok := formErrors(invalidInput("reason", "say why"), "item:x")
	if !ok || status != 422 || errs[""] != "reason: say why" || errs["item:x"] != "reason: say why" {
		t.Errorf("%d %v %v", status, errs, ok)
	}
	board := &certboard.Error{Code: certboard.Invalid, Message: "name: give it", Fields: map[string]string{"name": "name: give it"}}
	if _, errs, _ := formErrors(board, ""); errs["name"] != "name: give it" {
		t.Errorf("fields: %v", errs)
	}
	for _, err := range []error{notFound("Not found", "gone"), errors.New("boom")} {
		if _, _, ok := formErrors(err, "f"); ok {
			t.Errorf("%v is shown next to the form", err)
		}
	}
}

func TestAnswerError(t *testing.T) {
	s, _ := newServer(t)
	ps := requirements.Problems{{File: "set.yaml", Line: 3, Message: "unknown key colour"}}
	cases := []struct {
		path, accept string
		err          error
		status       int
		problem      bool
		ext          string
	}{
		{"/api/v1/admin/sets", "", refusedSet(certboard.Invalid, "The set has 1 problem; nothing was stored.", ps), 422, true, "problems"},
		{"/api/v1/admin/board", "", refusedForm("Invalid board details", "name: give it", map[string]string{"name": "name: give it"}), 422, true, "errors"},
		{"/api/v1/x", "", ps, 422, true, "problems"},
		{"/queue/1", "", badInput("version", "reload"), 400, false, ""},
		{"/credentials/x", "application/json", conflict("Changed", "reload"), 409, true, ""},
		{"/api/v1/x", "", errors.New("boom"), 500, true, ""},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, c.path, nil)
		if c.accept != "" {
			r.Header.Set("Accept", c.accept)
		}
		w := httptest.NewRecorder()
		s.answerError(w, r, c.err)
		ct := w.Header().Get("Content-Type")
		if w.Code != c.status || (ct == "application/problem+json") != c.problem {
			t.Errorf("%s %v: %d %s", c.path, c.err, w.Code, ct)
			continue
		}
		if !c.problem {
			if !strings.Contains(w.Body.String(), "version: reload") {
				t.Errorf("%s: the page lacks the message", c.path)
			}
			continue
		}
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["status"] != float64(c.status) || body["title"] == "" {
			t.Errorf("%s: %v %s", c.path, err, w.Body)
		}
		if c.ext != "" && body[c.ext] == nil {
			t.Errorf("%s: problem lacks %q: %s", c.path, c.ext, w.Body)
		}
		if c.status == 500 && strings.Contains(w.Body.String(), "boom") {
			t.Error("an internal error is shown")
		}
	}
}

func TestRenameField(t *testing.T) {
	err := renameField(badInput("reason", "say why"), "reason", "note")
	var ie *certboard.Error
	if !errors.As(err, &ie) || ie.Field != "note" || ie.Message != "note: say why" || ie.Answer().Status != http.StatusBadRequest {
		t.Fatalf("renamed: %+v", err)
	}
	orig := invalidInput("list", "no such list")
	if got := renameField(orig, "reason", "note"); got != orig {
		t.Fatalf("another field was changed: %v", got)
	}
	if renameField(nil, "reason", "note") != nil {
		t.Fatal("nil became an error")
	}
	plain := errors.New("boom")
	if renameField(plain, "reason", "note") != plain {
		t.Fatal("a plain error was changed")
	}
}

// TestCheckVersion: a JSON body's version, 0 when left out, is refused
// below 1 with the same message as a form's.
func TestCheckVersion(t *testing.T) {
	for _, v := range []int{0, -3} {
		if _, err := checkVersion(v); err == nil || !strings.HasPrefix(err.Error(), "version: ") {
			t.Errorf("version %d: %v", v, err)
		}
	}
	if n, err := checkVersion(4); n != 4 || err != nil {
		t.Errorf("version 4: %d %v", n, err)
	}
}
