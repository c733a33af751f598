package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/web/account"
)

// withAccount creates a user and returns the server and a clock to move.
func withAccount(t *testing.T) (*Server, *time.Time) {
	t.Helper()
	s, st := newServer(t)
	clock := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s.cfg.Now = func() time.Time { return clock }
	hash, err := auth.Hash("violet kettle mountain breeze", auth.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(context.Background(), boardsql.User{Email: "jordan@example.org", Name: "Jordan Reyes",
		PasswordHash: hash, Roles: []auth.Role{auth.Applicant}, CreatedAt: clock, EmailVerifiedAt: clock}); err != nil {
		t.Fatal(err)
	}
	return s, &clock
}

func call(t *testing.T, h http.Handler, method, path, body string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "192.0.2.7:5555"
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func sessionCookie(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == SessionCookie {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", rec.Header())
	return nil
}

func TestSignInMeSignOut(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	if rec := call(t, h, "GET", "/api/v1/me", ""); rec.Code != 401 || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("anonymous /me: %d", rec.Code)
	}
	rec := call(t, h, "POST", "/api/v1/session", `{"email": "Jordan@Example.org", "password": "violet kettle mountain breeze"}`)
	if rec.Code != 200 {
		t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	c := sessionCookie(t, rec)
	if !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" || c.SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie attributes: %+v", c)
	}
	if strings.Contains(rec.Body.String(), "argon2") {
		t.Fatal("the password hash leaked into the response")
	}
	me := call(t, h, "GET", "/api/v1/me", "", c)
	var body struct {
		User account.UserJSON `json:"user"`
	}
	if me.Code != 200 || json.Unmarshal(me.Body.Bytes(), &body) != nil || body.User.Email != "jordan@example.org" {
		t.Fatalf("/me: %d %s", me.Code, me.Body)
	}
	// Idle for 31 minutes: the session has ended.
	*clock = clock.Add(31 * time.Minute)
	if rec := call(t, h, "GET", "/api/v1/me", "", c); rec.Code != 401 {
		t.Fatalf("idle session: %d", rec.Code)
	}
	// Sign in again and sign out.
	c = sessionCookie(t, call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "violet kettle mountain breeze"}`))
	if rec := call(t, h, "DELETE", "/api/v1/session", "", c); rec.Code != 204 || sessionCookie(t, rec).MaxAge >= 0 {
		t.Fatalf("sign-out: %d", rec.Code)
	}
	if rec := call(t, h, "GET", "/api/v1/me", "", c); rec.Code != 401 {
		t.Fatalf("after sign-out: %d", rec.Code)
	}
	if n, err := s.store().VerifyAudit(context.Background()); err != nil || n != 3 {
		t.Fatalf("audit log: %d entries, %v; want sign-in, sign-in, sign-out", n, err)
	}
}

func TestSignInRejections(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	for body, want := range map[string]string{
		`{"email": "jordan@example.org"}`:         "password must not be empty",
		`{"email": "", "password": ""}`:           "email and password must not be empty",
		`not json`:                                "Send a JSON object with email and password",
		`{"email": "a", "password": "b", "x": 1}`: "unknown field",
	} {
		rec := call(t, h, "POST", "/api/v1/session", body)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
	wrong := call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "wrong password here"}`)
	unknown := call(t, h, "POST", "/api/v1/session", `{"email": "nobody@example.org", "password": "wrong password here"}`)
	if wrong.Code != 401 || unknown.Code != 401 || wrong.Body.String() != unknown.Body.String() {
		t.Fatalf("a wrong password and an unknown account must look the same: %d %s / %d %s", wrong.Code, wrong.Body, unknown.Code, unknown.Body)
	}
}

// TestSignInBackoff: after the free failures from one network even the
// right password waits there (a short wait, which doubles with each further
// failure), and the answer says how long.
func TestSignInBackoff(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	for range auth.PasswordThrottle.Free {
		call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "wrong password here"}`)
	}
	rec := call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "violet kettle mountain breeze"}`)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "5" || !strings.Contains(rec.Body.String(), "try again in 5 seconds") ||
		!strings.Contains(rec.Body.String(), "A password reset always works") {
		t.Fatalf("after %d failures even the right password must wait: %d %q %s", auth.PasswordThrottle.Free, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	*clock = clock.Add(auth.PasswordThrottle.Base)
	if rec := call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "violet kettle mountain breeze"}`); rec.Code != 200 {
		t.Fatalf("after the wait: %d %s", rec.Code, rec.Body)
	}
}
