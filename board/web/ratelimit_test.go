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

// TestRateLimiterTripsAndRefills: a burst of perMinute passes, the next is
// refused with the wait until a token returns; tokens come back with time,
// one key's use leaves another's alone.
func TestRateLimiterTripsAndRefills(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	l := newRateLimiter(rate{6, time.Minute}, clk.now) // one token every 10 s
	for i := range 6 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait != 10*time.Second {
		t.Fatalf("7th: ok %v, wait %v; want refused, 10s", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another key was refused")
	}
	clk.add(4 * time.Second)
	if ok, wait := l.allow("a"); ok || wait != 6*time.Second {
		t.Fatalf("after 4 s: ok %v, wait %v; want refused, 6s", ok, wait)
	}
	clk.add(6 * time.Second)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("after 10 s a token should be back")
	}
	if ok, _ := l.allow("a"); ok {
		t.Fatal("only one token came back")
	}
	clk.add(time.Minute)
	for i := range 6 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("after a minute, request %d refused: the bucket should be full", i+1)
		}
	}
}

// TestRateLimiterForgetsIdleKeys: memory stays bounded: keys idle for a
// refill period are swept, and past the cap the least recent are shed.
func TestRateLimiterForgetsIdleKeys(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	l := newRateLimiter(rate{60, time.Minute}, clk.now)
	for i := range 100 {
		l.allow(fmt.Sprint("old-", i))
	}
	clk.add(2 * time.Minute)
	l.allow("new")
	if n := len(l.buckets); n != 1 {
		t.Fatalf("%d keys kept after they went idle, want 1", n)
	}
	l.maxKeys = 50
	for i := range 200 {
		clk.add(time.Millisecond)
		l.allow(fmt.Sprint("k-", i))
	}
	if n := len(l.buckets); n > 50 {
		t.Fatalf("%d keys kept, cap 50", n)
	}
	if _, ok := l.buckets["k-199"]; !ok {
		t.Fatal("the most recent key was shed")
	}
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

// TestRateLimiterClockBack: a clock set back and forward again credits no
// interval twice.
func TestRateLimiterClockBack(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	l := newRateLimiter(rate{6, time.Minute}, clk.now) // one token every 10 s
	for range 6 {
		l.allow("a")
	}
	clk.add(-10 * time.Second)
	if ok, _ := l.allow("a"); ok {
		t.Fatal("a token after the clock went back")
	}
	clk.add(10 * time.Second)
	if ok, _ := l.allow("a"); ok {
		t.Fatal("a token for an interval already counted")
	}
	clk.add(10 * time.Second)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("no token 10 s on")
	}
}

// TestRateLimiterConcurrent: under concurrent use (run with -race) a key
// gets exactly its burst, and memory stays within the cap.
func TestRateLimiterConcurrent(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	l := newRateLimiter(rate{100, time.Minute}, clk.now)
	l.maxKeys = 500
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Go(func() {
			for i := range 50 {
				if ok, _ := l.allow("same"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
				l.allow(fmt.Sprintf("k-%d-%d", g, i))
				if i%10 == 0 {
					clk.add(time.Microsecond)
				}
			}
		})
	}
	wg.Wait()
	// 20×50 requests in 100 µs: the burst of 100, and no more than the
	// sliver of a token 100 µs brings.
	if allowed != 100 {
		t.Fatalf("%d of 1000 concurrent requests allowed, want the burst of 100", allowed)
	}
	if n := len(l.buckets); n > 500 {
		t.Fatalf("%d keys kept, cap 500", n)
	}
}

// TestLimitKeys: IPv4 by address (also written as IPv4-mapped IPv6), IPv6
// by /64, zones dropped.
func TestLimitKeys(t *testing.T) {
	for remote, want := range map[string]string{
		"203.0.113.5:1":             "203.0.113.5",
		"[::ffff:203.0.113.5]:1":    "203.0.113.5",
		"[2001:db8:1:2:3:4:5:6]:80": "2001:db8:1:2::/64",
		"[fe80::1%eth0]:80":         "fe80::/64",
		"not an address":            "not an address",
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = remote
		if got := limitKey(r); got != want {
			t.Errorf("%s: %q, want %q", remote, got, want)
		}
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
