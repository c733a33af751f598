package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

const (
	ownerPassword    = "quiet harbour lantern seven"
	attackerPassword = "squatter chose this one"
)

// verifyJSON posts the API verification from an address.
func verifyJSON(t *testing.T, h http.Handler, addr, token, password string) *http.Response {
	t.Helper()
	return from(t, h, addr, "POST", "/api/v1/accounts/verify", nil, fmt.Sprintf(`{"token": %q, "password": %q}`, token, password)).Result()
}

// tokenLive reports whether a verification token is still unused.
func tokenLive(t *testing.T, s *Server, token string) bool {
	t.Helper()
	_, err := s.store().EmailTokenUser(context.Background(), auth.Digest(token), boardsql.PurposeVerify, s.now())
	if err != nil && err != boardsql.ErrNotFound {
		t.Fatal(err)
	}
	return err == nil
}

// TestVerifyTakeoverRefused is the address takeover of the security
// review, end to end on both engines: the owner signs up, an attacker
// signs up the same address with their own password, the owner opens the
// newest link and types their own password. That must not verify the
// address with the attacker's password: it is refused, saying what to do,
// and the link stays unused. The owner signs up again and verifies: their
// password signs in, the attacker's does not.
func TestVerifyTakeoverRefused(t *testing.T) {
	for name, s := range throttleServers(t) {
		t.Run(name, func(t *testing.T) {
			h := s.Handler()
			ctx := context.Background()
			signUp := func(addr, password string) string {
				t.Helper()
				body := fmt.Sprintf(`{"email": "ana@example.org", "name": "Ana Souza", "password": %q}`, password)
				if rec := from(t, h, addr, "POST", "/api/v1/accounts", nil, body); rec.Code != http.StatusAccepted {
					t.Fatalf("sign-up: %d %s", rec.Code, rec.Body)
				}
				_, token := mailTo(t, s, "ana@example.org")
				return token
			}
			signUp(ownerAddr, ownerPassword)
			newest := signUp(attackerAddr, attackerPassword)

			// The owner opens the newest link, as the mail says, and types
			// their own password.
			if rec := from(t, h, ownerAddr, "GET", "/verify?token="+newest, nil, ""); rec.Code != http.StatusOK ||
				!strings.Contains(rec.Body.String(), "The password you chose when you signed up") {
				t.Fatalf("verification page: %d %s", rec.Code, rec.Body)
			}
			rec := from(t, h, ownerAddr, "POST", "/verify", url.Values{"token": {newest}, "password": {ownerPassword}}, "")
			if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "This password does not match the latest sign-up with this address.") ||
				!strings.Contains(rec.Body.String(), "only the newest link, with the password given last, works") ||
				!strings.Contains(rec.Body.String(), `name="token" value="`+newest+`"`) || strings.Contains(rec.Body.String(), ownerPassword) {
				t.Fatalf("the owner's password on the attacker's sign-up: %d %s", rec.Code, rec.Body)
			}
			if u, err := s.store().UserByEmail(ctx, "ana@example.org"); err != nil || !u.EmailVerifiedAt.IsZero() {
				t.Fatalf("the address was verified with the attacker's password: %+v %v", u, err)
			}
			if !tokenLive(t, s, newest) {
				t.Fatal("a refused verification used the token")
			}
			if rec := signIn(t, h, attackerAddr, "ana@example.org", attackerPassword); rec.Code != http.StatusUnauthorized {
				t.Fatalf("the attacker signs in: %d %s", rec.Code, rec.Body)
			}

			// The owner signs up again, which replaces the attacker's
			// sign-up, and verifies with the newest link.
			mine := signUp(ownerAddr, ownerPassword)
			if tokenLive(t, s, newest) {
				t.Fatal("the attacker's link survived the owner's sign-up")
			}
			if res := verifyJSON(t, h, ownerAddr, mine, ownerPassword); res.StatusCode != http.StatusOK {
				t.Fatalf("the owner verifies: %d", res.StatusCode)
			}
			if rec := signIn(t, h, attackerAddr, "ana@example.org", attackerPassword); rec.Code != http.StatusUnauthorized {
				t.Fatalf("the attacker's password: %d", rec.Code)
			}
			if rec := signIn(t, h, ownerAddr, "ana@example.org", ownerPassword); rec.Code != http.StatusOK {
				t.Fatalf("the owner's password: %d %s", rec.Code, rec.Body)
			}
		})
	}
}

// TestVerifyWithPassword: the right password verifies, on the page and in
// the API; the API names a missing or wrong password, and a wrong one
// leaves the token usable.
func TestVerifyWithPassword(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	for _, tc := range []struct {
		name, email string
		verify      func(token, password string) (int, string)
		okStatus    int
	}{
		{"page", "page@example.org", func(token, password string) (int, string) {
			rec := from(t, h, ownerAddr, "POST", "/verify", url.Values{"token": {token}, "password": {password}}, "")
			return rec.Code, rec.Body.String()
		}, http.StatusSeeOther},
		{"api", "api@example.org", func(token, password string) (int, string) {
			rec := from(t, h, ownerAddr, "POST", "/api/v1/accounts/verify", nil, fmt.Sprintf(`{"token": %q, "password": %q}`, token, password))
			return rec.Code, rec.Body.String()
		}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"email": %q, "name": "Someone", "password": %q}`, tc.email, ownerPassword)
			if rec := from(t, h, ownerAddr, "POST", "/api/v1/accounts", nil, body); rec.Code != http.StatusAccepted {
				t.Fatalf("sign-up: %d", rec.Code)
			}
			_, token := mailTo(t, s, tc.email)
			if code, body := tc.verify(token, ""); code == tc.okStatus || !strings.Contains(body, "password") {
				t.Fatalf("no password: %d %s", code, body)
			}
			if code, body := tc.verify(token, "not the password I chose"); code != http.StatusForbidden || !strings.Contains(body, "does not match the latest sign-up") {
				t.Fatalf("a wrong password: %d %s", code, body)
			}
			if !tokenLive(t, s, token) {
				t.Fatal("a wrong password used the token")
			}
			if code, body := tc.verify(token, ownerPassword); code != tc.okStatus {
				t.Fatalf("the right password: %d %s", code, body)
			}
			if u, err := s.store().UserByEmail(context.Background(), tc.email); err != nil || u.EmailVerifiedAt.IsZero() {
				t.Fatalf("not verified: %+v %v", u, err)
			}
			if !slices.Contains(acctAudit(t, s.store()), "account.verify_email") {
				t.Fatal("the verification is not audited")
			}
		})
	}
}

// TestVerifyWrongPasswordThrottled: a wrong password at verification is
// charged to the network's counter of mailed links like a wrong token:
// past the free attempts even the right password waits, without argon2
// being run (with every hashing slot taken the answer is still the
// throttle's); after the wait the right password verifies.
func TestVerifyWrongPasswordThrottled(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	if rec := from(t, h, ownerAddr, "POST", "/api/v1/accounts", nil, `{"email": "ana@example.org", "name": "Ana", "password": "`+ownerPassword+`"}`); rec.Code != http.StatusAccepted {
		t.Fatalf("sign-up: %d", rec.Code)
	}
	_, token := mailTo(t, s, "ana@example.org")
	for i := range auth.TokenThrottle.Free {
		if res := verifyJSON(t, h, attackerAddr, token, fmt.Sprintf("guess number %d here", i)); res.StatusCode != http.StatusForbidden {
			t.Fatalf("wrong password %d: %d", i, res.StatusCode)
		}
	}
	if got := checks(t, s, auth.StepToken, "wrong"); got != auth.TokenThrottle.Free {
		t.Fatalf("%d wrong attempts counted, want %d", got, auth.TokenThrottle.Free)
	}
	fillHashSlots(t, s)
	rec := from(t, h, attackerAddr, "POST", "/verify", url.Values{"token": {token}, "password": {ownerPassword}}, "")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "Too many links") {
		t.Fatalf("the right password after %d wrong ones: %d %s", auth.TokenThrottle.Free, rec.Code, rec.Body)
	}
	// A wrong token from there is paused too: one counter for both.
	if res := verifyJSON(t, h, attackerAddr, "not-a-token", ownerPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a wrong token while paused: %d", res.StatusCode)
	}
	drainHashSlots(s)
	if !tokenLive(t, s, token) {
		t.Fatal("the token was used")
	}
	advance(s, auth.TokenThrottle.Max)
	if res := verifyJSON(t, h, attackerAddr, token, ownerPassword); res.StatusCode != http.StatusOK {
		t.Fatalf("after the wait: %d", res.StatusCode)
	}
}

// TestVerifyBusyHashing: with every hashing slot taken the verification
// answers 429 busy, counts nothing and leaves the token usable.
func TestVerifyBusyHashing(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	if rec := from(t, h, ownerAddr, "POST", "/api/v1/accounts", nil, `{"email": "ana@example.org", "name": "Ana", "password": "`+ownerPassword+`"}`); rec.Code != http.StatusAccepted {
		t.Fatalf("sign-up: %d", rec.Code)
	}
	_, token := mailTo(t, s, "ana@example.org")
	fillHashSlots(t, s)
	for range 2 * auth.TokenThrottle.Free {
		if rec := from(t, h, ownerAddr, "POST", "/api/v1/accounts/verify", nil, `{"token": "`+token+`", "password": "`+ownerPassword+`"}`); rec.Code != http.StatusTooManyRequests ||
			rec.Header().Get("Retry-After") != "2" {
			t.Fatalf("slots full: %d %s", rec.Code, rec.Body)
		}
	}
	drainHashSlots(s)
	if res := verifyJSON(t, h, ownerAddr, token, ownerPassword); res.StatusCode != http.StatusOK {
		t.Fatalf("after the slots freed: %d", res.StatusCode)
	}
}

// TestSignInUnverifiedAnswersLikeWrongPassword: the right password of an
// address not verified yet and a wrong password of a verified one get the
// same answer, status and body, from the API and the page, and are
// counted the same, so that sign-up followed by sign-in does not tell
// whether an address has an account.
func TestSignInUnverifiedAnswersLikeWrongPassword(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	if rec := from(t, h, ownerAddr, "POST", "/api/v1/accounts", nil, `{"email": "new@example.org", "name": "New", "password": "`+ownerPassword+`"}`); rec.Code != http.StatusAccepted {
		t.Fatalf("sign-up: %d", rec.Code)
	}
	unverified := signIn(t, h, attackerAddr, "new@example.org", ownerPassword)
	wrong := signIn(t, h, attackerAddr, "jordan@example.org", ownerPassword)
	if unverified.Code != http.StatusUnauthorized || unverified.Code != wrong.Code || unverified.Body.String() != wrong.Body.String() ||
		!strings.Contains(wrong.Body.String(), "The e-mail address or the password is not right, or the address is not verified yet: open the link we sent to it.") {
		t.Fatalf("API answers differ:\n%d %s\n%d %s", unverified.Code, unverified.Body, wrong.Code, wrong.Body)
	}
	page := func(email string) (int, string) {
		rec := from(t, h, attackerAddr, "POST", "/login", url.Values{"email": {email}, "password": {ownerPassword}}, "")
		return rec.Code, strings.ReplaceAll(rec.Body.String(), email, "ADDRESS")
	}
	uc, ub := page("new@example.org")
	wc, wb := page("jordan@example.org")
	if uc != http.StatusUnauthorized || uc != wc || ub != wb {
		t.Fatalf("page answers differ:\n%d %s\n%d %s", uc, ub, wc, wb)
	}
	// Counted the same: the right password of the unverified address is
	// paused after as many attempts as a wrong one.
	for range auth.PasswordThrottle.Free - 2 {
		signIn(t, h, attackerAddr, "new@example.org", ownerPassword)
		signIn(t, h, attackerAddr, "jordan@example.org", ownerPassword)
	}
	for _, email := range []string{"new@example.org", "jordan@example.org"} {
		if rec := signIn(t, h, attackerAddr, email, ownerPassword); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("%s after %d attempts: %d", email, auth.PasswordThrottle.Free, rec.Code)
		}
	}
}

// TestTwoFactorOnNeedsRecentSignIn: turning two-factor sign-in on (its
// setup, and the confirming code) needs a sign-in or a confirmation within
// ReauthWindow, like turning it off: a stolen session alone cannot lock the
// owner out. Once on, the owner is mailed.
func TestTwoFactorOnNeedsRecentSignIn(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	ctx := context.Background()
	u, _ := st.UserByEmail(ctx, "jordan@example.org")
	c := sessionFor(t, s, u)
	*clock = clock.Add(ReauthWindow + time.Minute)
	toConfirm := "/account/confirm?next=%2Faccount%2Ftwo-factor"

	if rec := postForm(t, h, "/account/two-factor/setup", url.Values{}, c); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != toConfirm {
		t.Fatalf("setup without a recent sign-in: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if tf, _ := st.TOTP(ctx, u.ID); tf.Pending() {
		t.Fatal("a refused setup began one")
	}
	// A setup begun earlier cannot be confirmed either.
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *boardsql.Tx) error { return st.BeginTOTP(ctx, tx, u.ID, secret) }); err != nil {
		t.Fatal(err)
	}
	rec := postForm(t, h, "/account/two-factor/confirm", url.Values{"code": {tfCode(t, s, secret)}}, c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != toConfirm {
		t.Fatalf("confirming without a recent sign-in: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if got, _ := st.UserByID(ctx, u.ID); got.TwoFactor() {
		t.Fatal("a refused confirmation turned two-factor sign-in on")
	}
	if mails := tfMails(t, s, u.Email); len(mails) != 0 {
		t.Fatalf("mail before anything changed: %+v", mails)
	}

	if rec := raConfirm(t, h, c, testPassword, "", "/account/two-factor"); rec.Code != http.StatusSeeOther {
		t.Fatalf("confirming: %d %s", rec.Code, rec.Body)
	}
	if rec := postForm(t, h, "/account/two-factor/confirm", url.Values{"code": {tfCode(t, s, secret)}}, c); rec.Code != http.StatusOK ||
		!strings.Contains(rec.Body.String(), "Two-factor sign-in is on") {
		t.Fatalf("confirming the code after confirming it's me: %d %s", rec.Code, rec.Body)
	}
	if got, _ := st.UserByID(ctx, u.ID); !got.TwoFactor() {
		t.Fatal("not on after confirming")
	}
	mails := tfMails(t, s, u.Email)
	if len(mails) != 1 || mails[0].Subject != "Two-factor sign-in was turned on" || !strings.Contains(mails[0].Body, "If it was not you") ||
		!strings.Contains(mails[0].Body, "/password-reset") {
		t.Fatalf("the owner was not told: %+v", mails)
	}
	if got := acctAudit(t, st); !slices.Contains(got, "account.two_factor_on") {
		t.Fatalf("not audited: %v", got)
	}
}
