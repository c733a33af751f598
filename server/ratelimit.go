package server

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate limits of the public endpoints that do real work for anyone who
// asks (verifying a credential fetches documents; a title check runs the
// eligibility engine), per client address and minute. They are generous for
// a person and a program that behaves, and stop a loop.
const (
	verifyPerMinute     = 30
	titleCheckPerMinute = 20
	registryPerMinute   = 60
)

// limiterMaxKeys bounds the addresses one limiter remembers.
const limiterMaxKeys = 50_000

// tokenBucket is one client's token bucket: tokens left at the time at.
type tokenBucket struct {
	tokens float64
	at     time.Time
}

// rateLimiter is a token bucket per key: each key may make up to burst
// requests at once, refilled at rate per second. Keys whose bucket has
// refilled are forgotten (a full bucket and no bucket are the same), so
// memory stays bounded by the keys active in the last refill period, and by
// limiterMaxKeys in any case. It is in memory, per instance: with n
// instances behind a balancer a client gets up to n times the limit, which
// is enough to stop abuse and needs no shared state.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	now     func() time.Time
	buckets map[string]*tokenBucket
	swept   time.Time
	maxKeys int
}

// newRateLimiter allows perMinute requests a minute per key, all of them at
// once if need be.
func newRateLimiter(perMinute int, now func() time.Time) *rateLimiter {
	if perMinute < 1 {
		perMinute = 1
	}
	return &rateLimiter{rate: float64(perMinute) / 60, burst: float64(perMinute), now: now,
		buckets: map[string]*tokenBucket{}, maxKeys: limiterMaxKeys}
}

// refill is how long an empty bucket takes to fill.
func (l *rateLimiter) refill() time.Duration {
	return time.Duration(l.burst / l.rate * float64(time.Second))
}

// allow takes a token for key; when none is left it says how long until
// one is.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The clock is read under the lock, so that times reach the buckets in
	// order; and a bucket's time never goes back (a clock set back, say),
	// which would credit the same interval twice.
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			l.shed()
		}
		b = &tokenBucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed.Seconds()*l.rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second)).Round(time.Millisecond)
	return false, max(wait, time.Millisecond)
}

// sweep forgets, at most once per refill period, the keys whose bucket
// has filled up again.
func (l *rateLimiter) sweep(now time.Time) {
	full := l.refill()
	if now.Sub(l.swept) < full {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.at) >= full {
			delete(l.buckets, k)
		}
	}
}

// shed makes room when too many keys are active at once: it forgets the
// tenth of them that were seen least recently (their clients start afresh).
func (l *rateLimiter) shed() {
	type seen struct {
		key string
		at  time.Time
	}
	all := make([]seen, 0, len(l.buckets))
	for k, b := range l.buckets {
		all = append(all, seen{k, b.at})
	}
	n := max(1, len(all)/10)
	// A partial selection would do; a sort is simple, and this is rare.
	slices.SortFunc(all, func(a, b seen) int { return a.at.Compare(b.at) })
	for _, s := range all[:n] {
		delete(l.buckets, s.key)
	}
}

// limitKey is the key of a client: its address, or for IPv6 its /64
// network, which one subscriber usually holds whole.
func limitKey(r *http.Request) string {
	ip := clientIP(r)
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, err := a.Prefix(64)
		if err == nil {
			return p.String()
		}
	}
	return a.String()
}

// limiter makes a rate limit of perMinute requests a minute per client
// address (a token bucket, so short bursts up to perMinute pass), shared by
// every handler it wraps (a page and its API, say). Over the limit it
// answers 429 Too Many Requests with Retry-After, as problem+json under
// /api/ and as a page otherwise, saying when to try again. name says what is
// limited, in words ("credential verification"). Make one per limit, when
// registering the routes:
//
//	limit := s.limiter("registry search", registryPerMinute)
//	s.route("GET /registry", Public, limit(http.HandlerFunc(s.registryPage)))
func (s *Server) limiter(name string, perMinute int) func(http.Handler) http.Handler {
	l := newRateLimiter(perMinute, s.now)
	return func(h http.Handler) http.Handler { return s.limitWith(l, name, perMinute, h) }
}

func (s *Server) limitWith(l *rateLimiter, name string, perMinute int, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.allow(limitKey(r))
		if ok {
			h.ServeHTTP(w, r)
			return
		}
		secs := int(math.Ceil(wait.Seconds()))
		if secs < 1 {
			secs = 1
		}
		at := s.now().Add(time.Duration(secs) * time.Second).UTC().Format("15:04:05 UTC")
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.fail(w, r, http.StatusTooManyRequests, "Too many requests",
			fmt.Sprintf("%s allows %d requests a minute from one address; try again in %d %s (at %s).",
				limitUpperFirst(name), perMinute, secs, limitPlural(secs, "second"), at))
	})
}

func limitUpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func limitPlural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
