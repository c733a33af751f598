package web

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

// rate is a number of requests in a period.
type rate struct {
	n   int
	per time.Duration
}

// String says the rate in words: "30 requests a minute".
func (r rate) String() string {
	var per string
	switch r.per {
	case time.Minute:
		per = "a minute"
	case time.Hour:
		per = "an hour"
	default:
		per = "every " + r.per.String()
		if r.per%time.Minute == 0 && r.per < time.Hour {
			per = fmt.Sprintf("every %d minutes", int(r.per/time.Minute))
		}
	}
	return fmt.Sprintf("%d %s %s", r.n, limitPlural(r.n, "request"), per)
}

// limitRule is a rate limit of a public form or endpoint: a token bucket
// per client address, and one for all addresses together, so that many
// addresses (a botnet) cannot do together what one may not.
type limitRule struct {
	// name says what is limited, in words ("credential verification").
	name string
	// perAddress is what one client address (IPv6: one /64) may do.
	perAddress rate
	// overall is what all addresses together may do, on this instance.
	overall rate
}

// The rate limits of the public endpoints and of every form an anonymous
// caller can post. The endpoints that do real work for anyone who asks
// (verifying a credential fetches documents; a title check runs the
// eligibility engine) allow what a person or a program that behaves needs,
// and stop a loop. The account forms hash a password (sign-up, a new
// password: 19 MiB and tens of milliseconds each) or send mail (sign-up,
// reset): a person needs a few, so they allow a few per address, and the
// overall limit bounds what the server does for everyone together.
var (
	verifyLimit      = limitRule{"credential verification", rate{30, time.Minute}, rate{300, time.Minute}}
	titleCheckLimit  = limitRule{"the title check", rate{20, time.Minute}, rate{200, time.Minute}}
	registryLimit    = limitRule{"registry search", rate{60, time.Minute}, rate{1200, time.Minute}}
	signUpLimit      = limitRule{"sign-up", rate{5, 10 * time.Minute}, rate{10, time.Minute}}
	verifyEmailLimit = limitRule{"e-mail verification", rate{10, 10 * time.Minute}, rate{60, time.Minute}}
	resetLimit       = limitRule{"password reset", rate{5, 10 * time.Minute}, rate{20, time.Minute}}
	newPasswordLimit = limitRule{"choosing a new password", rate{5, 10 * time.Minute}, rate{10, time.Minute}}
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

// newRateLimiter allows r.n requests per r.per for each key, all of them
// at once if need be.
func newRateLimiter(r rate, now func() time.Time) *rateLimiter {
	n, per := max(r.n, 1), max(r.per, time.Second)
	return &rateLimiter{rate: float64(n) / per.Seconds(), burst: float64(n), now: now,
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

// refund gives back the token allow took for key, when the request was
// refused all the same (by another limit).
func (l *rateLimiter) refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok {
		b.tokens = math.Min(l.burst, b.tokens+1)
	}
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

// overallKey is the one key of a limit's bucket for all addresses.
const overallKey = "*"

// limit is a rule's two buckets: per address and overall.
type limit struct {
	rule      limitRule
	byAddress *rateLimiter
	overall   *rateLimiter
}

// newLimit makes the buckets of a rule, on the server's clock.
func (s *Server) newLimit(rule limitRule) *limit {
	return &limit{rule: rule, byAddress: newRateLimiter(rule.perAddress, s.now), overall: newRateLimiter(rule.overall, s.now)}
}

// limiter makes a rate limit by a rule (token buckets, so short bursts up
// to the limit pass), shared by every handler it wraps (a page and its
// API, say). A request takes a token from its address's bucket, then one
// from the overall bucket; the handler runs only when both have one, so a
// refused request costs nothing but the check. Over either limit it
// answers 429 Too Many Requests with Retry-After, as problem+json under
// /api/ and as a page otherwise, saying which limit and when to try again.
// Make one per limit, when registering the routes:
//
//	limit := s.limiter(registryLimit)
//	s.route("GET /registry", Public, limit(http.HandlerFunc(s.registryPage)))
func (s *Server) limiter(rule limitRule) func(http.Handler) http.Handler {
	l := s.newLimit(rule)
	return func(h http.Handler) http.Handler { return s.limitWith(l, h) }
}

func (s *Server) limitWith(l *limit, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.anonLimitsOff {
			h.ServeHTTP(w, r)
			return
		}
		key := limitKey(r)
		if ok, wait := l.byAddress.allow(key); !ok {
			s.tooMany(w, r, wait, fmt.Sprintf("%s allows %s from one address", limitUpperFirst(l.rule.name), l.rule.perAddress))
			return
		}
		if ok, wait := l.overall.allow(overallKey); !ok {
			// This request did not use the address's allowance.
			l.byAddress.refund(key)
			s.tooMany(w, r, wait, fmt.Sprintf("%s is busy: it allows %s from all addresses together", limitUpperFirst(l.rule.name), l.rule.overall))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// tooMany answers 429 with Retry-After: why, then when to try again.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, why string) {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	at := s.now().Add(time.Duration(secs) * time.Second).UTC().Format("15:04:05 UTC")
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.fail(w, r, http.StatusTooManyRequests, "Too many requests",
		fmt.Sprintf("%s; try again in %d %s (at %s).", why, secs, limitPlural(secs, "second"), at))
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
