package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
)

// raConfirm posts the "confirm it's you" form.
func raConfirm(t *testing.T, h http.Handler, c *http.Cookie, password, code, next string) *httptest.ResponseRecorder {
	t.Helper()
	form := url.Values{"password": {password}, "next": {next}}
	if code != "" {
		form.Set("code", code)
	}
	return postForm(t, h, "/account/confirm", form, c)
}

// TestSensitiveChangeNeedsARecentSignIn: a page's sensitive change is
// refused, and the browser sent to confirm, when the session signed in or
// confirmed longer ago than ReauthWindow; confirming with the password lets
// it through for ReauthWindow.
func TestSensitiveChangeNeedsARecentSignIn(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	ctx := context.Background()
	u, _ := st.UserByEmail(ctx, "jordan@example.org")
	c, other := sessionFor(t, s, u), sessionFor(t, s, u)
	create := func() *httptest.ResponseRecorder {
		return postForm(t, h, "/account/tokens", url.Values{"token_name": {"CE sync"}}, c)
	}
	tokens := func() int {
		list, err := st.APITokens(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}

	// Just signed in: allowed, and the page does not ask to confirm.
	if page := getAs(t, h, "/account", c).Body.String(); strings.Contains(page, `id="token-confirm"`) {
		t.Fatal("a fresh session is asked to confirm")
	}
	if rec := create(); rec.Code != http.StatusCreated {
		t.Fatalf("creating a token right after signing in: %d", rec.Code)
	}
	// Later: refused, sent to confirm and back.
	*clock = clock.Add(ReauthWindow)
	if page := getAs(t, h, "/account", c).Body.String(); !strings.Contains(page, `id="token-confirm"`) {
		t.Fatal("the page does not say that creating a token needs a confirmation")
	}
	rec := create()
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/confirm?next=%2Faccount%23tokens" || tokens() != 1 {
		t.Fatalf("creating a token %v after signing in: %d %s, %d tokens", ReauthWindow, rec.Code, rec.Header().Get("Location"), tokens())
	}
	page := getAs(t, h, "/account/confirm?next=%2Faccount%23tokens", c)
	if page.Code != 200 || !strings.Contains(page.Body.String(), `name="next" value="/account#tokens"`) || !strings.Contains(page.Body.String(), `autocomplete="current-password"`) ||
		strings.Contains(page.Body.String(), `name="code"`) {
		t.Fatalf("confirmation page: %d %s", page.Code, page.Body)
	}
	// Refused: no password, a wrong one; the page never goes elsewhere.
	if rec := raConfirm(t, h, c, "", "", "/account"); rec.Code != 422 || !strings.Contains(rec.Body.String(), "Type your current password.") {
		t.Fatalf("no password: %d %s", rec.Code, rec.Body)
	}
	if rec := raConfirm(t, h, c, "not my password at all", "", "/account"); rec.Code != 422 || !strings.Contains(rec.Body.String(), "This is not your current password.") {
		t.Fatalf("a wrong password: %d %s", rec.Code, rec.Body)
	}
	if rec := create(); rec.Code != http.StatusSeeOther {
		t.Fatalf("a refused confirmation let a token be made: %d", rec.Code)
	}
	if rec := raConfirm(t, h, c, testPassword, "", "//evil.example/"); rec.Code != 303 || rec.Header().Get("Location") != afterSignIn {
		t.Fatalf("confirming with a foreign next: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := create(); rec.Code != http.StatusCreated || tokens() != 2 {
		t.Fatalf("creating a token after confirming: %d", rec.Code)
	}
	if !slices.Contains(acctAudit(t, st), "session.confirm") {
		t.Fatal("the confirmation is not audited")
	}
	// Confirmation is per session: another session of the same person is
	// not confirmed by it.
	*clock = clock.Add(ReauthWindow - time.Minute)
	if rec := postForm(t, h, "/account/tokens", url.Values{"token_name": {"x"}}, other); rec.Code != http.StatusSeeOther {
		t.Fatalf("another session, not confirmed: %d", rec.Code)
	}
	// It lasts ReauthWindow.
	*clock = clock.Add(time.Minute)
	if rec := create(); rec.Code != http.StatusSeeOther || tokens() != 2 {
		t.Fatalf("creating a token %v after confirming: %d", ReauthWindow, rec.Code)
	}
}

// TestConfirmationIsLimitedLikeSignIn: wrong passwords at the confirmation
// are charged to the sign-in throttle, so a stolen session cannot guess the
// password there faster than at the sign-in.
func TestConfirmationIsLimitedLikeSignIn(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	u, _ := s.store().UserByEmail(context.Background(), "jordan@example.org")
	c := sessionFor(t, s, u)
	for range auth.PasswordThrottle.Free {
		if rec := raConfirm(t, h, c, "a wrong guess at it", "", "/account"); rec.Code != 422 {
			t.Fatalf("wrong password: %d", rec.Code)
		}
	}
	if rec := raConfirm(t, h, c, testPassword, "", "/account"); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "5" {
		t.Fatalf("the right password after %d wrong ones: %d %q", auth.PasswordThrottle.Free, rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := acctSignIn(t, h, "jordan@example.org", testPassword, ""); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("sign-in after wrong confirmations: %d", rec.Code)
	}
	*clock = clock.Add(auth.PasswordThrottle.Base)
	if rec := raConfirm(t, h, c, testPassword, "", "/account"); rec.Code != http.StatusSeeOther {
		t.Fatalf("the right password after the wait: %d", rec.Code)
	}
}

// TestSensitiveAPIChangeNeedsARecentSignIn: the API answers 403 saying how,
// and takes the password (and the app code) in the request instead.
func TestSensitiveAPIChangeNeedsARecentSignIn(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	ctx := context.Background()
	rec := call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "`+testPassword+`"}`)
	c := sessionCookie(t, rec)
	post := func(body string) *httptest.ResponseRecorder {
		return acctDo(t, h, "POST", "/api/v1/tokens", nil, body, acctCookie(c))
	}
	if rec := post(`{"name": "fresh"}`); rec.Code != 201 {
		t.Fatalf("right after signing in: %d %s", rec.Code, rec.Body)
	}
	*clock = clock.Add(ReauthWindow + time.Minute)
	rec = post(`{"name": "later"}`)
	var p struct{ Title, Detail string }
	json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != 403 || p.Title != "Confirmation needed" || !strings.Contains(p.Detail, "send your current password as password") {
		t.Fatalf("later, without a password: %d %s", rec.Code, rec.Body)
	}
	if rec := post(`{"name": "later", "password": "not the password"}`); rec.Code != 403 || !strings.Contains(rec.Body.String(), "password: This is not your current password.") {
		t.Fatalf("a wrong password: %d %s", rec.Code, rec.Body)
	}
	if rec := post(`{"name": "later", "password": "` + testPassword + `"}`); rec.Code != 201 {
		t.Fatalf("with the password: %d %s", rec.Code, rec.Body)
	}
	// Sent in the request, it confirmed the session for ReauthWindow.
	if rec := post(`{"name": "again"}`); rec.Code != 201 {
		t.Fatalf("just after confirming: %d %s", rec.Code, rec.Body)
	}

	// A two-factor account also sends a current code from its app.
	u, _ := st.UserByEmail(ctx, "jordan@example.org")
	secret, _ := auth.NewTOTPSecret()
	if err := st.EnableTOTP(ctx, u.ID, secret, *clock); err != nil {
		t.Fatal(err)
	}
	*clock = clock.Add(ReauthWindow + time.Minute)
	if rec := post(`{"name": "2fa", "password": "` + testPassword + `"}`); rec.Code != 403 || !strings.Contains(rec.Body.String(), "totp: Type the 6-digit code") {
		t.Fatalf("a two-factor account without its code: %d %s", rec.Code, rec.Body)
	}
	if rec := post(`{"name": "2fa", "password": "` + testPassword + `", "totp": "000000"}`); rec.Code != 403 || !strings.Contains(rec.Body.String(), "totp: This code is not right") {
		t.Fatalf("a wrong code: %d %s", rec.Code, rec.Body)
	}
	if rec := post(`{"name": "2fa", "password": "` + testPassword + `", "totp": "` + tfCode(t, s, secret) + `"}`); rec.Code != 201 {
		t.Fatalf("with the password and the code: %d %s", rec.Code, rec.Body)
	}
}
