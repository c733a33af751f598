package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestNoAPITokens: a practice offers no API tokens: a token would sign a
// program in past the practice's idle sign-out, and the practice has no
// clinical API to call. The token routes are not there, the account page
// offers none, and a token made before (or on another site sharing the
// accounts' code) signs no one in.
func TestNoAPITokens(t *testing.T) {
	w := newWorld(t)
	for _, r := range w.s.Routes() {
		if strings.Contains(r.Pattern, "tokens") {
			t.Errorf("%s is served", r.Pattern)
		}
	}
	pc := w.session(t, "practitioner")
	if rec := w.do(t, http.MethodPost, "/account/tokens", url.Values{"token_name": {"sync"}}, pc); rec.Code != http.StatusNotFound &&
		rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /account/tokens: %d", rec.Code)
	}
	if rec := w.do(t, http.MethodPost, "/api/v1/tokens", url.Values{"name": {"sync"}}, pc); rec.Code != http.StatusNotFound &&
		rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /api/v1/tokens: %d", rec.Code)
	}
	if page := w.get(t, "/account", pc).Body.String(); strings.Contains(page, "API token") || strings.Contains(page, `action="/account/tokens"`) {
		t.Errorf("the account page offers API tokens: %s", page)
	}

	token, _, err := w.s.Accounts().CreateToken(context.Background(), w.users["practitioner"], "made elsewhere", 0)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.RemoteAddr = "192.0.2.7:5555"
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "does not accept API tokens") {
		t.Errorf("a request with a token: %d %s", rec.Code, rec.Body)
	}
	// With a session as well, the token still makes it refused.
	req.AddCookie(pc)
	rec = httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("a request with a token and a session: %d %s", rec.Code, rec.Body)
	}
}
