package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestLimitedAnswers429: over the limit the API answers problem+json and
// pages an error page, both 429 with Retry-After and when to retry; the
// limit resets with time; IPv6 clients are keyed by their /64.
func TestLimitedAnswers429(t *testing.T) {
	s, _ := newServer(t)
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	s.cfg.Now = clk.now
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := s.limiter(limitRule{"credential verification", rate{2, time.Minute}, rate{1000, time.Minute}})(ok)
	call := func(path, remote string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, path, nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for range 2 {
		if rec := call("/api/v1/verify", "203.0.113.5:1"); rec.Code != http.StatusNoContent {
			t.Fatalf("within the limit: %d", rec.Code)
		}
	}
	rec := call("/api/v1/verify", "203.0.113.5:2")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "30" ||
		rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("over the limit: %d %v", rec.Code, rec.Header())
	}
	var p map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || !strings.Contains(fmt.Sprint(p["detail"]), "try again in 30 seconds (at 09:00:30 UTC)") {
		t.Fatalf("problem: %v %s", err, rec.Body)
	}
	if rec := call("/check", "203.0.113.5:3"); rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "try again in 30 seconds") ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("page over the limit: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := call("/api/v1/verify", "203.0.113.6:1"); rec.Code != http.StatusNoContent {
		t.Fatalf("another address: %d", rec.Code)
	}
	clk.add(30 * time.Second)
	if rec := call("/api/v1/verify", "203.0.113.5:1"); rec.Code != http.StatusNoContent {
		t.Fatalf("after 30 s: %d", rec.Code)
	}
	// One IPv6 /64 is one client.
	call("/api/v1/verify", "[2001:db8:1:2::1]:1")
	call("/api/v1/verify", "[2001:db8:1:2::2]:1")
	if rec := call("/api/v1/verify", "[2001:db8:1:2::3]:1"); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("a third address of the same /64: %d", rec.Code)
	}
	if rec := call("/api/v1/verify", "[2001:db8:1:3::1]:1"); rec.Code != http.StatusNoContent {
		t.Fatalf("another /64: %d", rec.Code)
	}
}

// TestPublicVerificationIsLimited: the real routes are limited.
func TestPublicVerificationIsLimited(t *testing.T) {
	s, _ := newServer(t)
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	s.cfg.Now = clk.now
	h := s.Handler()
	for _, tc := range []struct {
		path string
		n    int
	}{{"/api/v1/verify", verifyLimit.perAddress.n}, {"/api/v1/title-check", titleCheckLimit.perAddress.n}} {
		for i := range tc.n {
			if rec := openAPICall(t, h, "POST", tc.path, "{}", nil); rec.Code == http.StatusTooManyRequests {
				t.Fatalf("%s: request %d refused", tc.path, i+1)
			}
		}
		if rec := openAPICall(t, h, "POST", tc.path, "{}", nil); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("%s: request %d: %d, want 429", tc.path, tc.n+1, rec.Code)
		}
	}
	clk.add(time.Minute)
	if rec := openAPICall(t, h, "POST", "/api/v1/verify", "{}", nil); rec.Code == http.StatusTooManyRequests {
		t.Fatal("still limited a minute later")
	}
}

// TestPageAndAPIShareALimit: the page and the API of one service draw on
// the same limit, so using both does not double it.
func TestPageAndAPIShareALimit(t *testing.T) {
	s, _ := newServer(t)
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	s.cfg.Now = clk.now
	h := s.Handler()
	get := func(path string) int {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = "198.51.100.7:1"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range registryLimit.perAddress.n {
		path := "/registry"
		if i%2 == 1 {
			path = "/api/v1/registry"
		}
		if code := get(path); code != http.StatusOK {
			t.Fatalf("request %d to %s: %d", i+1, path, code)
		}
	}
	if code := get("/api/v1/registry"); code != http.StatusTooManyRequests {
		t.Fatalf("API after %d searches on both: %d, want 429", registryLimit.perAddress.n, code)
	}
	if code := get("/registry"); code != http.StatusTooManyRequests {
		t.Fatalf("page after %d searches on both: %d, want 429", registryLimit.perAddress.n, code)
	}
}
