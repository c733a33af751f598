package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
)

const newTestPassword = "copper lantern river autumn"

// TestChangePasswordByForm: the account page changes the password with the
// current one; other sessions end, API tokens are revoked, it is audited
// and the owner is mailed.
func TestChangePasswordByForm(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	ctx := context.Background()
	u, _ := st.UserByEmail(ctx, "jordan@example.org")
	here, other := sessionFor(t, s, u), sessionFor(t, s, u)
	tok := tokCreate(t, h, `{"name": "CE sync"}`, acctCookie(here))
	change := func(current, code, next, again string) string {
		t.Helper()
		form := url.Values{"current_password": {current}, "new_password": {next}, "new_password_again": {again}}
		if code != "" {
			form.Set("code", code)
		}
		rec := postForm(t, h, "/account/password", form, here)
		return strings.TrimSpace(rec.Result().Status + " " + rec.Header().Get("Location") + " " + rec.Body.String())
	}

	page := getAs(t, h, "/account", here).Body.String()
	if !strings.Contains(page, `action="/account/password"`) || !strings.Contains(page, `autocomplete="current-password"`) || strings.Contains(page, `name="code"`) {
		t.Fatalf("the account page has no password form: %s", page)
	}
	for _, c := range []struct{ name, current, next, again, want string }{
		{"no current password", "", newTestPassword, newTestPassword, "Type your current password."},
		{"a wrong current password", "not the password at all", newTestPassword, newTestPassword, "This is not your current password."},
		{"too short", testPassword, "short", "short", "Use at least 12 characters"},
		{"the same", testPassword, testPassword, testPassword, "Choose a password other than your current one."},
		{"typed differently", testPassword, newTestPassword, newTestPassword + "x", "Type the new password again, the same both times."},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := change(c.current, "", c.next, c.again)
			if !strings.HasPrefix(got, "422 ") || !strings.Contains(got, c.want) || strings.Contains(got, newTestPassword) {
				t.Fatalf("%.300s", got)
			}
		})
	}
	if now, _ := st.UserByID(ctx, u.ID); now.PasswordHash != u.PasswordHash || acctMe(t, h, acctCookie(other)) != u.ID {
		t.Fatal("a refused change changed the account")
	}
	mailsBefore := len(tfMails(t, s, u.Email))

	if got := change(testPassword, "", newTestPassword, newTestPassword); !strings.HasPrefix(got, "303 See Other /account#password") {
		t.Fatalf("change: %.300s", got)
	}
	// This session goes on; the other ends; the token is revoked.
	if acctMe(t, h, acctCookie(here)) != u.ID {
		t.Fatal("the session that changed the password ended")
	}
	if acctMe(t, h, acctCookie(other)) != 0 {
		t.Fatal("another session outlived the password change")
	}
	if rec := acctDo(t, h, "GET", "/api/v1/me", nil, "", acctBearer(tok.Token)); rec.Code != 401 {
		t.Fatalf("an API token outlived the password change: %d", rec.Code)
	}
	// The new password signs in; the old one no longer does.
	if rec := acctSignIn(t, h, "jordan@example.org", testPassword, ""); rec.Code != 401 {
		t.Fatalf("the old password: %d", rec.Code)
	}
	if rec := acctSignIn(t, h, "jordan@example.org", newTestPassword, ""); rec.Code != 303 {
		t.Fatalf("the new password: %d", rec.Code)
	}
	if !slices.Contains(acctAudit(t, st), "account.password_change") {
		t.Fatal("not audited")
	}
	mails := tfMails(t, s, u.Email)
	if len(mails) != mailsBefore+1 || mails[len(mails)-1].Subject != "Your certboard password was changed" ||
		!strings.Contains(mails[len(mails)-1].Body, "If this was not you") || strings.Contains(mails[len(mails)-1].Body, newTestPassword) {
		t.Fatalf("mail: %+v", mails)
	}

	// A two-factor account also gives a current code from its app.
	secret, _ := auth.NewTOTPSecret()
	if err := st.EnableTOTP(ctx, u.ID, secret, *clock); err != nil {
		t.Fatal(err)
	}
	if page := getAs(t, h, "/account", here).Body.String(); !strings.Contains(page, `id="code" name="code"`) {
		t.Fatal("the form of a two-factor account asks no code")
	}
	if got := change(newTestPassword, "", testPassword, testPassword); !strings.HasPrefix(got, "422 ") || !strings.Contains(got, "Type the 6-digit code") {
		t.Fatalf("without the code: %.300s", got)
	}
	if got := change(newTestPassword, "000000", testPassword, testPassword); !strings.HasPrefix(got, "422 ") || !strings.Contains(got, "This code is not right") {
		t.Fatalf("a wrong code: %.300s", got)
	}
	if got := change(newTestPassword, tfCode(t, s, secret), testPassword, testPassword); !strings.HasPrefix(got, "303 ") {
		t.Fatalf("with the code: %.300s", got)
	}
}

// TestChangePasswordJSON: POST /api/v1/account/password, from a session
// only.
func TestChangePasswordJSON(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	st := s.store()
	u, _ := st.UserByEmail(context.Background(), "jordan@example.org")
	c, other := sessionFor(t, s, u), sessionFor(t, s, u)
	tok := tokCreate(t, h, `{"name": "CE sync"}`, acctCookie(c))
	post := func(body string, opt acctOpt) (int, string) {
		rec := acctDo(t, h, "POST", "/api/v1/account/password", nil, body, opt)
		return rec.Code, rec.Body.String()
	}
	good := `{"current_password": "` + testPassword + `", "new_password": "` + newTestPassword + `"}`
	if code, body := post(good, acctBearer(tok.Token)); code != 403 || !strings.Contains(body, "API tokens cannot change the password") {
		t.Fatalf("with a token: %d %s", code, body)
	}
	for body, want := range map[string]string{
		`{"current_password": "x", "new_password": "` + newTestPassword + `", "extra": 1}`:     "400 unknown field",
		`{"new_password": "` + newTestPassword + `"}`:                                          "422 current_password: type your current password",
		`{"current_password": "` + testPassword + `", "new_password": "short"}`:                "422 new_password: use at least 12 characters",
		`{"current_password": "not the password", "new_password": "` + newTestPassword + `"}`:  "403 current_password: This is not your current password.",
		`{"current_password": "` + testPassword + `", "new_password": "` + testPassword + `"}`: "422 new_password: choose a password other than your current one",
	} {
		code, got := post(body, acctCookie(c))
		if status, text, _ := strings.Cut(want, " "); status != strconv.Itoa(code) || !strings.Contains(got, text) {
			t.Errorf("%s: %d %s, want %s", body, code, got, want)
		}
	}
	code, body := post(good, acctCookie(c))
	var out struct {
		Sessions int `json:"sessions_ended"`
		Tokens   int `json:"tokens_revoked"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &out) != nil || out.Sessions != 1 || out.Tokens != 1 {
		t.Fatalf("change: %d %s", code, body)
	}
	if acctMe(t, h, acctCookie(c)) != u.ID || acctMe(t, h, acctCookie(other)) != 0 {
		t.Fatal("the wrong sessions ended")
	}
}

// TestChangePasswordHashesOnlyWhenProven: a wrong current password never
// costs a hash of the new one. Once the account's wrong attempts are
// throttled, a change with every hashing slot taken is answered by the
// throttle (nothing hashed), not by the busy slots; and a right current
// password with the slots taken is busy, with nothing changed.
func TestChangePasswordHashesOnlyWhenProven(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	u, _ := s.store().UserByEmail(context.Background(), "jordan@example.org")
	c := sessionFor(t, s, u)
	post := func(current string) *httptest.ResponseRecorder {
		return acctDo(t, h, "POST", "/api/v1/account/password", nil,
			`{"current_password": "`+current+`", "new_password": "`+newTestPassword+`"}`, acctCookie(c))
	}
	for i := range auth.PasswordThrottle.Free {
		if rec := post("not the password"); rec.Code != http.StatusForbidden {
			t.Fatalf("wrong current password %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	fillHashSlots(t, s)
	rec := post("not the password")
	if rec.Code != http.StatusTooManyRequests || strings.Contains(rec.Body.String(), "checking many passwords") {
		t.Fatalf("a throttled change with the slots taken: %d %s", rec.Code, rec.Body)
	}
	if n := checks(t, s, auth.StepPassword, "busy"); n != 0 {
		t.Fatalf("%d busy answers: the new password was hashed before the current one was proven", n)
	}
}
