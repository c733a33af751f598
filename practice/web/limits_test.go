package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAnonymousPostsAreRateLimited: every route anyone may post to
// without signing in answers 429 with Retry-After once one address has
// sent more than the anonymous limit; GETs are not limited.
func TestAnonymousPostsAreRateLimited(t *testing.T) {
	w := newWorld(t)
	var posted int
	for _, r := range w.s.Routes() {
		if r.Access != Public {
			continue
		}
		method, path := w.route(r.Pattern)
		if method == http.MethodGet || method == http.MethodHead {
			if !strings.Contains(r.Pattern, " ") {
				method = http.MethodPost // a route of every method: post to it
			} else {
				continue
			}
		}
		posted++
		w := newWorld(t) // each route's limit on its own
		limited := false
		for range anonymousLimit.perAddress + 1 {
			rec := w.do(t, method, path, url.Values{"email": {"x@practice.example"}})
			if rec.Code == http.StatusTooManyRequests {
				limited = rec.Header().Get("Retry-After") != ""
				break
			}
		}
		if !limited {
			t.Errorf("%s: no 429 with Retry-After after %d posts from one address", r.Pattern, anonymousLimit.perAddress+1)
		}
	}
	if posted < 6 {
		t.Fatalf("only %d anonymous routes take posts", posted)
	}
	for range anonymousLimit.perAddress + 5 {
		if rec := w.get(t, "/login"); rec.Code != http.StatusOK {
			t.Fatalf("GET /login: %d", rec.Code)
		}
	}
}
