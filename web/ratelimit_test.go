package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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
	l := NewLimiter(6, time.Minute, clk.now) // one token every 10 s
	for i := range 6 {
		if ok, _ := l.Allow(t.Context(), "a"); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Allow(t.Context(), "a")
	if ok || wait != 10*time.Second {
		t.Fatalf("7th: ok %v, wait %v; want refused, 10s", ok, wait)
	}
	if ok, _ := l.Allow(t.Context(), "b"); !ok {
		t.Fatal("another key was refused")
	}
	clk.add(4 * time.Second)
	if ok, wait := l.Allow(t.Context(), "a"); ok || wait != 6*time.Second {
		t.Fatalf("after 4 s: ok %v, wait %v; want refused, 6s", ok, wait)
	}
	clk.add(6 * time.Second)
	if ok, _ := l.Allow(t.Context(), "a"); !ok {
		t.Fatal("after 10 s a token should be back")
	}
	if ok, _ := l.Allow(t.Context(), "a"); ok {
		t.Fatal("only one token came back")
	}
	clk.add(time.Minute)
	for i := range 6 {
		if ok, _ := l.Allow(t.Context(), "a"); !ok {
			t.Fatalf("after a minute, request %d refused: the bucket should be full", i+1)
		}
	}
}

// TestRateLimiterForgetsIdleKeys: memory stays bounded: keys idle for a
// refill period are swept, and past the cap the least recent are shed.
func TestRateLimiterForgetsIdleKeys(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	l := NewLimiter(60, time.Minute, clk.now)
	for i := range 100 {
		l.Allow(t.Context(), fmt.Sprint("old-", i))
	}
	clk.add(2 * time.Minute)
	l.Allow(t.Context(), "new")
	if n := len(l.buckets); n != 1 {
		t.Fatalf("%d keys kept after they went idle, want 1", n)
	}
	l.MaxKeys = 50
	for i := range 200 {
		clk.add(time.Millisecond)
		l.Allow(t.Context(), fmt.Sprint("k-", i))
	}
	if n := len(l.buckets); n > 50 {
		t.Fatalf("%d keys kept, cap 50", n)
	}
	if _, ok := l.buckets["k-199"]; !ok {
		t.Fatal("the most recent key was shed")
	}
}

// TestRateLimiterClockBack: a clock set back and forward again credits no
// interval twice.
func TestRateLimiterClockBack(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	l := NewLimiter(6, time.Minute, clk.now) // one token every 10 s
	for range 6 {
		l.Allow(t.Context(), "a")
	}
	clk.add(-10 * time.Second)
	if ok, _ := l.Allow(t.Context(), "a"); ok {
		t.Fatal("a token after the clock went back")
	}
	clk.add(10 * time.Second)
	if ok, _ := l.Allow(t.Context(), "a"); ok {
		t.Fatal("a token for an interval already counted")
	}
	clk.add(10 * time.Second)
	if ok, _ := l.Allow(t.Context(), "a"); !ok {
		t.Fatal("no token 10 s on")
	}
}

// TestRateLimiterConcurrent: under concurrent use (run with -race) a key
// gets exactly its burst, and memory stays within the cap.
func TestRateLimiterConcurrent(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	l := NewLimiter(100, time.Minute, clk.now)
	l.MaxKeys = 500
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Go(func() {
			for i := range 50 {
				if ok, _ := l.Allow(t.Context(), "same"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
				l.Allow(t.Context(), fmt.Sprintf("k-%d-%d", g, i))
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
		if got := LimitKey(r); got != want {
			t.Errorf("%s: %q, want %q", remote, got, want)
		}
	}
}
