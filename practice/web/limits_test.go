package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
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

// TestLinkFormLimitApartFromSignIn: the client's form of a measure's link
// draws on a bucket of its own, per address and overall, so that flooding
// the anonymous forms (sign-in among them) does not stop a client from
// answering, and flooding the link's form does not lock practitioners out
// of signing in.
func TestLinkFormLimitApartFromSignIn(t *testing.T) {
	// A token of the right length that no link could have: refused before
	// the database, so that the posts are cheap.
	link := "/m/" + strings.Repeat("B", 43)
	step := url.Values{"step": {"1"}, "item-1": {"1"}, "go": {"next"}}
	post := func(w *world, path, addr string, f url.Values) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.RemoteAddr = addr + ":5555"
		rec := httptest.NewRecorder()
		w.h.ServeHTTP(rec, req)
		return rec.Code
	}
	// exhaust posts to path until one from addrs is refused, spreading
	// them over addresses so that the overall bucket runs out too.
	exhaust := func(w *world, path string, f url.Values, rule limitRule) {
		t.Helper()
		for a := 1; a <= rule.overall/rule.perAddress; a++ {
			addr := "198.51.100." + strconv.Itoa(a)
			for range rule.perAddress {
				if code := post(w, path, addr, f); code == http.StatusTooManyRequests {
					t.Fatalf("%s refused from %s before the overall limit", path, addr)
				}
			}
		}
		// One more from a fresh address: over the overall limit now.
		if code := post(w, path, "203.0.113.1", f); code != http.StatusTooManyRequests {
			t.Fatalf("%s after %d posts: %d, want 429", path, rule.overall, code)
		}
	}
	signIn := url.Values{"email": {"nobody@practice.example"}, "password": {"not the password"}}

	// The anonymous forms flooded, by posts to no route: signing in is
	// refused, everywhere, and the link's form still answers.
	w := newWorld(t)
	exhaust(w, "/no-such-form", url.Values{"x": {"1"}}, anonymousLimit)
	for _, addr := range []string{"198.51.100.1", "203.0.113.9"} {
		if code := post(w, "/login", addr, signIn); code != http.StatusTooManyRequests {
			t.Fatalf("sign-in from %s after the anonymous forms were flooded: %d, want 429", addr, code)
		}
		if code := post(w, link, addr, step); code != http.StatusNotFound {
			t.Errorf("the link's form from %s after the anonymous forms were flooded: %d, want 404 (unknown link)", addr, code)
		}
	}

	// The link's form flooded: it is refused, everywhere, and signing in
	// still answers.
	w = newWorld(t)
	exhaust(w, link, step, linkFormLimit)
	for _, addr := range []string{"198.51.100.1", "203.0.113.9"} {
		if code := post(w, link, addr, step); code != http.StatusTooManyRequests {
			t.Fatalf("the link's form from %s after it was flooded: %d, want 429", addr, code)
		}
		if code := post(w, "/login", addr, signIn); code == http.StatusTooManyRequests {
			t.Errorf("sign-in from %s after the link's form was flooded: 429", addr)
		}
	}
}
