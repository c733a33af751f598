package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
)

// TestSignInWithTwoFactors: the password alone signs no one in; the code
// finishes the sign-in and the home page shows the person's parts.
func TestSignInWithTwoFactors(t *testing.T) {
	w := newWorld(t)
	rec := w.do(t, http.MethodPost, "/login", url.Values{"email": {"practitioner@practice.example"}, "password": {testPassword}})
	pending := cookie(rec, SessionCookie)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login/two-factor") || pending == nil {
		t.Fatalf("password step: %d %v", rec.Code, rec.Header())
	}
	if rec := w.get(t, "/", pending); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("a sign-in waiting for its code reached the home page: %d %v", rec.Code, rec.Header())
	}
	if rec := w.do(t, http.MethodPost, "/login/two-factor", url.Values{"code": {"000000"}}, pending); rec.Code != http.StatusUnauthorized {
		t.Fatalf("a wrong code: %d %s", rec.Code, rec.Body)
	}
	rec = w.do(t, http.MethodPost, "/login/two-factor", url.Values{"code": {w.code(t, "practitioner", 0)}, "next": {"/"}}, pending)
	full := cookie(rec, SessionCookie)
	if rec.Code != http.StatusSeeOther || full == nil || cookie(rec, DeviceCookie) == nil {
		t.Fatalf("code step: %d %v", rec.Code, rec.Header())
	}
	home := w.get(t, "/", full)
	body := home.Body.String()
	if home.Code != http.StatusOK || !strings.Contains(body, "Welcome, Person practitioner") || !strings.Contains(body, `id="tasks-h"`) ||
		!strings.Contains(body, `id="clients-h"`) || strings.Contains(body, `href="/people"`) {
		t.Fatalf("a practitioner's home: %d %s", home.Code, body)
	}
	admin := w.get(t, "/", w.signIn(t, "admin")).Body.String()
	if !strings.Contains(admin, `href="/people"`) || strings.Contains(admin, `id="tasks-h"`) || !strings.Contains(admin, "6 people have an account") {
		t.Fatalf("an admin's home: %s", admin)
	}
	if nobody := w.get(t, "/", w.signIn(t, "norole")).Body.String(); !strings.Contains(nobody, "holds no role at the practice") {
		t.Fatalf("the home of a person without a role: %s", nobody)
	}
}

// TestTwoFactorRequired: a person signed in with the password alone is
// sent to set up two factors from every page, reaches that setup and
// sign-out, and, once two factors are on, everything else.
func TestTwoFactorRequired(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.signIn(t, "nofactor")
	for _, path := range []string{"/", "/account", "/people"} {
		rec := w.get(t, path, c)
		if path == "/people" {
			if rec.Code != http.StatusForbidden {
				t.Errorf("%s for a practitioner: %d", path, rec.Code)
			}
			continue
		}
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/two-factor?required=1" {
			t.Errorf("%s without two factors: %d %s", path, rec.Code, rec.Header().Get("Location"))
		}
	}
	page := w.get(t, "/account/two-factor?required=1", c)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Everyone at the practice signs in with two factors") ||
		!strings.Contains(page.Body.String(), "Set up two-factor sign-in") || strings.Contains(page.Body.String(), `href="/people"`) {
		t.Fatalf("the setup page: %d %s", page.Code, page.Body)
	}
	if rec := w.do(t, http.MethodPost, "/account/two-factor/setup", url.Values{}, c); rec.Code >= 400 {
		t.Fatalf("starting the setup: %d %s", rec.Code, rec.Body)
	}
	st, err := w.st.TOTP(ctx, w.users["nofactor"].ID)
	if err != nil || !st.Pending() {
		t.Fatalf("the setup: %+v %v", st, err)
	}
	code, err := auth.TOTPCode(st.Secret, w.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	rec := w.do(t, http.MethodPost, "/account/two-factor/confirm", url.Values{"code": {code}}, c)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "recovery codes") {
		t.Fatalf("turning two factors on: %d %s", rec.Code, rec.Body)
	}
	if rec := w.get(t, "/", c); rec.Code != http.StatusOK {
		t.Fatalf("home with two factors on: %d %v", rec.Code, rec.Header())
	}
	if rec := w.do(t, http.MethodPost, "/account/two-factor/disable", url.Values{}, c); rec.Code != http.StatusForbidden ||
		!strings.Contains(rec.Body.String(), "Everyone at the practice must keep two-factor sign-in on") {
		t.Fatalf("turning two factors off: %d %s", rec.Code, rec.Body)
	}
	if rec := w.do(t, http.MethodPost, "/logout", url.Values{}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("signing out: %d", rec.Code)
	}
	if rec := w.get(t, "/", c); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("after signing out: %d %v", rec.Code, rec.Header())
	}
}

// TestIdleSignOut: a practice session ends after 15 minutes without use,
// on the injected clock, and lives while it is used within them.
func TestIdleSignOut(t *testing.T) {
	w := newWorld(t)
	c := w.signIn(t, "practitioner")
	for _, step := range []struct {
		after time.Duration
		live  bool
	}{
		{14 * time.Minute, true},
		{15 * time.Minute, true}, // exactly 15 minutes after the last use
		{15*time.Minute + time.Second, false},
	} {
		w.clock.advance(step.after)
		rec := w.get(t, "/", c)
		if live := rec.Code == http.StatusOK; live != step.live {
			t.Fatalf("%v after the last use: %d %s, live %v", step.after, rec.Code, rec.Header().Get("Location"), step.live)
		}
	}
	if SessionIdle != 15*time.Minute || w.s.Accounts().SessionIdle() != SessionIdle {
		t.Fatalf("the practice's idle time is %v", w.s.Accounts().SessionIdle())
	}
}

// TestNoSignUp: a practice offers no sign-up: the routes are not there,
// and the sign-in page says to ask an admin.
func TestNoSignUp(t *testing.T) {
	w := newWorld(t)
	for _, path := range []string{"/signup", "/verify?token=x"} {
		if rec := w.get(t, path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, rec.Code)
		}
	}
	if rec := w.do(t, http.MethodPost, "/signup", url.Values{"email": {"x@example.org"}}); rec.Code != http.StatusNotFound {
		t.Errorf("POST /signup: %d", rec.Code)
	}
	login := w.get(t, "/login").Body.String()
	if strings.Contains(login, `href="/signup"`) || !strings.Contains(login, "Ask an admin to add you") || !strings.Contains(login, "certboard practice") {
		t.Fatalf("the sign-in page: %s", login)
	}
}

// TestCookiesAreThePracticesOwn: the practice's cookies are named apart
// from the board's (the demo serves both on localhost, where cookies
// ignore the port), with the __Host- prefix.
func TestCookiesAreThePracticesOwn(t *testing.T) {
	for _, name := range []string{SessionCookie, DeviceCookie, FlashCookie} {
		if !strings.HasPrefix(name, "__Host-certboard_practice_") {
			t.Errorf("cookie %q", name)
		}
	}
}
