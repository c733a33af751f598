package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// anonFrom sends a request as an anonymous client at a remote address;
// form bodies go as a browser's same-origin form post, others as JSON.
func anonFrom(h http.Handler, method, path, body, remote string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Content-Type", "application/json")
	} else if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestAnonymousFormsRateLimited: every form an anonymous caller can post,
// and the public endpoints, refuse with 429 and Retry-After past the limit
// of one address (the page and its API drawing on one limit) and past the
// overall limit of all addresses together.
func TestAnonymousFormsRateLimited(t *testing.T) {
	for _, tc := range []struct {
		rule           limitRule
		method         string
		page, pageBody string
		api, apiBody   string
	}{
		{signUpLimit, "POST", "/signup", "email=x", "/api/v1/accounts", "{}"},
		{verifyEmailLimit, "POST", "/verify", "token=x", "/api/v1/accounts/verify", "{}"},
		{resetLimit, "POST", "/password-reset", "email=", "/api/v1/password-reset", "{}"},
		{newPasswordLimit, "POST", "/password-reset/confirm", "token=x&password=short", "/api/v1/password-reset/confirm", "{}"},
		{verifyLimit, "POST", "/check", "credential=", "/api/v1/verify", "{}"},
		{titleCheckLimit, "POST", "/title-check", "", "/api/v1/title-check", "{}"},
		{registryLimit, "GET", "/registry", "", "/api/v1/registry", ""},
	} {
		t.Run(tc.rule.name, func(t *testing.T) {
			s, _ := newServer(t)
			clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
			s.cfg.Now = clk.now
			h := s.Handler()
			send := func(page bool, remote string) *httptest.ResponseRecorder {
				if page {
					return anonFrom(h, tc.method, tc.page, tc.pageBody, remote)
				}
				return anonFrom(h, tc.method, tc.api, tc.apiBody, remote)
			}
			// One address: its limit, shared by the page and the API.
			per := tc.rule.perAddress.n
			for i := range per {
				if rec := send(i%2 == 0, "203.0.113.1:1"); rec.Code == http.StatusTooManyRequests {
					t.Fatalf("request %d of one address refused: %s", i+1, rec.Body)
				}
			}
			wait := int(tc.rule.perAddress.per.Seconds()) / per
			for _, page := range []bool{true, false} {
				rec := send(page, "203.0.113.1:2")
				if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != fmt.Sprint(wait) ||
					!strings.Contains(rec.Body.String(), "from one address") {
					t.Fatalf("page %v, request %d of one address: %d Retry-After %q %s; want 429 after %d s",
						page, per+1, rec.Code, rec.Header().Get("Retry-After"), rec.Body, wait)
				}
			}
			// All addresses together: the overall limit, whatever the address.
			for i := per; i < tc.rule.overall.n; i++ {
				remote := fmt.Sprintf("10.%d.%d.1:1", i/250, i%250)
				if rec := send(i%2 == 0, remote); rec.Code == http.StatusTooManyRequests {
					t.Fatalf("request %d overall, the first of %s, refused: %s", i+1, remote, rec.Body)
				}
			}
			wait = int(tc.rule.overall.per.Seconds()) / tc.rule.overall.n
			for _, page := range []bool{true, false} {
				rec := send(page, "198.51.100.77:1")
				if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != fmt.Sprint(max(wait, 1)) ||
					!strings.Contains(rec.Body.String(), "from all addresses together") {
					t.Fatalf("page %v, request %d overall: %d Retry-After %q %s; want 429", page, tc.rule.overall.n+1, rec.Code,
						rec.Header().Get("Retry-After"), rec.Body)
				}
			}
			// A token comes back overall, and the refused address, whose own
			// allowance the refusals did not use, gets it.
			clk.add(tc.rule.overall.per / time.Duration(tc.rule.overall.n))
			if rec := send(false, "198.51.100.77:1"); rec.Code == http.StatusTooManyRequests {
				t.Fatalf("after a token came back: %d %s", rec.Code, rec.Body)
			}
		})
	}
}

// TestLimitRefundsAndBoundsMemory: a request refused by the overall limit
// does not use its address's allowance, and however many addresses call,
// a limit keeps at most its key cap of them and one overall bucket.
func TestLimitRefundsAndBoundsMemory(t *testing.T) {
	s, _ := newServer(t)
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	s.cfg.Now = clk.now
	l := s.newLimit(limitRule{"sign-up", rate{1, time.Hour}, rate{1, time.Minute}})
	h := s.limitWith(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	if rec := anonFrom(h, "POST", "/api/v1/accounts", "{}", "192.0.2.1:1"); rec.Code != http.StatusNoContent {
		t.Fatalf("first: %d", rec.Code)
	}
	if rec := anonFrom(h, "POST", "/api/v1/accounts", "{}", "192.0.2.2:1"); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "60" {
		t.Fatalf("second address, overall spent: %d %v", rec.Code, rec.Header())
	}
	clk.add(time.Minute)
	if rec := anonFrom(h, "POST", "/api/v1/accounts", "{}", "192.0.2.2:1"); rec.Code != http.StatusNoContent {
		t.Fatalf("the refused address after the overall refill: %d %s (its own allowance was used up by a refused request)", rec.Code, rec.Body)
	}

	l.byAddress.MaxKeys = 100
	for i := range 1000 {
		clk.add(time.Millisecond)
		anonFrom(h, "POST", "/api/v1/accounts", "{}", fmt.Sprintf("10.0.%d.%d:1", i/250, i%250))
	}
	if n := l.byAddress.Len(); n > 100 {
		t.Fatalf("%d addresses kept, cap 100", n)
	}
	if n := l.overall.Len(); n != 1 {
		t.Fatalf("%d overall buckets, want 1", n)
	}
}

// TestSignUpBurstHashesNothingPastTheLimit: a burst of sign-ups from one
// address is refused past its limit before any password is hashed: only
// the allowed ones create accounts.
func TestSignUpBurstHashesNothingPastTheLimit(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	refused := 0
	for i := range 8 {
		rec := anonFrom(h, "POST", "/api/v1/accounts", fmt.Sprintf(`{"email": "burst-%d@example.org", "name": "Burst", "password": "quiet harbour lantern seven"}`, i), "203.0.113.9:1")
		if rec.Code == http.StatusTooManyRequests {
			refused++
		}
	}
	users, err := s.store().Users(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := signUpLimit.perAddress.n; refused != 8-want || len(users) != 1+want {
		t.Fatalf("%d refused, %d accounts; want %d refused and %d new accounts", refused, len(users), 8-want, want)
	}
}
