package web

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

var tokenInMail = regexp.MustCompile(`\?token=([A-Za-z0-9_-]+)`)

// mailTo returns the newest queued mail for an address and the token in it.
func mailTo(t *testing.T, s *Server, to string) (subject, token string) {
	t.Helper()
	due, err := s.store().DueMail(context.Background(), time.Now().Add(1000*time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(due) - 1; i >= 0; i-- {
		if due[i].To == to {
			if m := tokenInMail.FindStringSubmatch(due[i].Body); m != nil {
				return due[i].Subject, m[1]
			}
			return due[i].Subject, ""
		}
	}
	t.Fatalf("no mail to %s", to)
	return "", ""
}

func TestSignUpVerifySignIn(t *testing.T) {
	s, _ := withAccount(t)
	s.usePublicURL(t, "https://board.example.org")
	h := s.Handler()
	signIn := `{"email": "ana@example.org", "password": "quiet harbour lantern seven"}`
	rec := call(t, h, "POST", "/api/v1/accounts", `{"email": "ana@example.org", "name": "Ana Souza", "password": "quiet harbour lantern seven"}`)
	if rec.Code != 202 {
		t.Fatalf("sign-up: %d %s", rec.Code, rec.Body)
	}
	subject, token := mailTo(t, s, "ana@example.org")
	if subject != "Verify your e-mail address" || token == "" {
		t.Fatalf("verification mail: %q %q", subject, token)
	}
	if rec := call(t, h, "POST", "/api/v1/session", signIn); rec.Code != 401 || !strings.Contains(rec.Body.String(), "not verified yet") {
		t.Fatalf("sign-in before verifying: %d %s", rec.Code, rec.Body)
	}
	if rec := call(t, h, "POST", "/api/v1/accounts/verify", `{"token": "`+token+`", "password": "quiet harbour lantern seven"}`); rec.Code != 200 {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body)
	}
	if rec := call(t, h, "POST", "/api/v1/accounts/verify", `{"token": "`+token+`", "password": "quiet harbour lantern seven"}`); rec.Code != 400 || !strings.Contains(rec.Body.String(), "token:") {
		t.Fatalf("a link works once: %d %s", rec.Code, rec.Body)
	}
	if rec := call(t, h, "POST", "/api/v1/session", signIn); rec.Code != 200 {
		t.Fatalf("sign-in after verifying: %d %s", rec.Code, rec.Body)
	}
	// Signing up again with the address answers the same, and warns the owner.
	rec = call(t, h, "POST", "/api/v1/accounts", `{"email": "ana@example.org", "name": "Someone", "password": "another long passphrase"}`)
	if rec.Code != 202 {
		t.Fatalf("second sign-up: %d", rec.Code)
	}
	if subject, _ := mailTo(t, s, "ana@example.org"); subject != "Someone tried to sign up with your address" {
		t.Fatalf("the owner is not warned: %q", subject)
	}
}

func TestSignUpValidation(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	for body, want := range map[string]string{
		`{"email": "not an address", "name": "A", "password": "quiet harbour lantern seven"}`: "email:",
		`{"email": "a@example.org", "name": "", "password": "quiet harbour lantern seven"}`:   "name:",
		`{"email": "a@example.org", "name": "A", "password": "short"}`:                        "password: use at least 12",
		`{"email": "a@example.org", "name": "A", "password": "x", "role": "admin"}`:           "unknown field",
	} {
		if rec := call(t, h, "POST", "/api/v1/accounts", body); rec.Code != 400 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
}

func TestPasswordReset(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	old := sessionCookie(t, call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "violet kettle mountain breeze"}`))
	known := call(t, h, "POST", "/api/v1/password-reset", `{"email": "jordan@example.org"}`)
	unknown := call(t, h, "POST", "/api/v1/password-reset", `{"email": "nobody@example.org"}`)
	if known.Code != 202 || unknown.Code != 202 || known.Body.String() != unknown.Body.String() {
		t.Fatalf("reset requests must look the same: %d %s / %d %s", known.Code, known.Body, unknown.Code, unknown.Body)
	}
	subject, token := mailTo(t, s, "jordan@example.org")
	if subject != "Reset your certboard password" || token == "" {
		t.Fatalf("reset mail: %q", subject)
	}
	if rec := call(t, h, "POST", "/api/v1/password-reset/confirm", `{"token": "`+token+`", "password": "short"}`); rec.Code != 400 {
		t.Fatalf("weak new password: %d", rec.Code)
	}
	if rec := call(t, h, "POST", "/api/v1/password-reset/confirm", `{"token": "`+token+`", "password": "amber orchard river climb"}`); rec.Code != 200 {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	if rec := call(t, h, "GET", "/api/v1/me", "", old); rec.Code != 401 {
		t.Fatalf("the old session survived the reset: %d", rec.Code)
	}
	if rec := call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "violet kettle mountain breeze"}`); rec.Code != 401 {
		t.Fatalf("old password: %d", rec.Code)
	}
	if rec := call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "amber orchard river climb"}`); rec.Code != 200 {
		t.Fatalf("new password: %d %s", rec.Code, rec.Body)
	}
	if rec := call(t, h, "POST", "/api/v1/password-reset/confirm", `{"token": "`+token+`", "password": "another river climb now"}`); rec.Code != 400 {
		t.Fatalf("a reset link works once: %d", rec.Code)
	}
}
