package web

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/certboard/certboard"
)

// DefaultMaxKeys bounds the keys one Limiter remembers.
const DefaultMaxKeys = 50_000

// tokenBucket is one client's token bucket: tokens left at the time at.
type tokenBucket struct {
	tokens float64
	at     time.Time
}

// Limiter is a token bucket per key: each key may make up to burst
// requests at once, refilled at rate per second. Keys whose bucket has
// refilled are forgotten (a full bucket and no bucket are the same), so
// memory stays bounded by the keys active in the last refill period, and by
// MaxKeys in any case. By default it is in memory, per instance: with n
// instances behind a balancer a client would get up to n times the limit.
// Share keeps the buckets in a SharedBuckets (the database) instead, so
// that the instances enforce one limit together.
type Limiter struct {
	// MaxKeys bounds the keys remembered; past it the least recent tenth
	// is forgotten.
	MaxKeys int

	// shared, when set, keeps the buckets under name; the memory buckets
	// then decide only while it fails, and log hears of it.
	shared SharedBuckets
	name   string
	log    *slog.Logger

	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	now     func() time.Time
	buckets map[string]*tokenBucket
	swept   time.Time
}

// NewLimiter allows n requests per period for each key, all of them at
// once if need be, on the clock now.
func NewLimiter(n int, per time.Duration, now func() time.Time) *Limiter {
	n, per = max(n, 1), max(per, time.Second)
	return &Limiter{rate: float64(n) / per.Seconds(), burst: float64(n), now: now,
		buckets: map[string]*tokenBucket{}, MaxKeys: DefaultMaxKeys}
}

// SharedBuckets keeps token buckets where every instance sees them: the
// web/limitsql store, in the database when it is PostgreSQL.
type SharedBuckets interface {
	// Take takes a token at now from the bucket key of the limit bucket,
	// which holds up to burst tokens refilled at perSecond, deciding and
	// charging in one atomic step; when none is left it says how long
	// until one is, and changes nothing but the refill.
	Take(ctx context.Context, bucket, key string, burst, perSecond float64, now time.Time) (ok bool, wait time.Duration, err error)
	// Refund gives back a token Take took.
	Refund(ctx context.Context, bucket, key string) error
}

// Share makes l keep its buckets in shared under name, which must be
// unique among the limits of one database ("sign-up/address"); log
// receives the errors of shared, during which l decides in memory, as an
// unshared Limiter would. It returns l. A nil shared leaves l in memory.
func (l *Limiter) Share(shared SharedBuckets, name string, log *slog.Logger) *Limiter {
	if shared == nil {
		return l
	}
	if log == nil {
		log = slog.Default()
	}
	l.shared, l.name, l.log = shared, name, log
	return l
}

// refill is how long an empty bucket takes to fill.
func (l *Limiter) refill() time.Duration {
	return time.Duration(l.burst / l.rate * float64(time.Second))
}

// Allow takes a token for key; when none is left it says how long until
// one is.
func (l *Limiter) Allow(ctx context.Context, key string) (bool, time.Duration) {
	if l.shared != nil {
		ok, wait, err := l.shared.Take(ctx, l.name, key, l.burst, l.rate, l.now())
		if err == nil {
			return ok, wait
		}
		if ctx.Err() != nil { // the client went away: nothing failed
			return l.allowHere(key)
		}
		l.log.Error("rate limit: the shared buckets failed; deciding in memory", "limit", l.name, "error", err)
	}
	return l.allowHere(key)
}

// allowHere is Allow in memory.
func (l *Limiter) allowHere(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The clock is read under the lock, so that times reach the buckets in
	// order; and a bucket's time never goes back (a clock set back, say),
	// which would credit the same interval twice.
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.MaxKeys {
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

// Refund gives back the token Allow took for key, when the request was
// refused all the same (by another limit).
func (l *Limiter) Refund(ctx context.Context, key string) {
	if l.shared != nil {
		err := l.shared.Refund(ctx, l.name, key)
		if err == nil {
			return
		}
		l.log.Error("rate limit: the shared buckets failed to refund", "limit", l.name, "error", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok {
		b.tokens = math.Min(l.burst, b.tokens+1)
	}
}

// Len returns the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// sweep forgets, at most once per refill period, the keys whose bucket
// has filled up again.
func (l *Limiter) sweep(now time.Time) {
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
func (l *Limiter) shed() {
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

// LimitKey is the key of a client: its address, or for IPv6 its /64
// network, which one subscriber usually holds whole.
func LimitKey(r *http.Request) string {
	ip := ClientIP(r)
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

// TooMany is the refusal of a request over a rate limit, answered 429 with
// Retry-After: why, then when to try again (wait from now, in whole
// seconds).
func TooMany(wait time.Duration, now time.Time, why string) *certboard.Error {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	at := now.Add(time.Duration(secs) * time.Second).UTC().Format("15:04:05 UTC")
	return &certboard.Error{Code: certboard.RateLimited, Title: "Too many requests", RetryAfterSeconds: secs,
		Message: fmt.Sprintf("%s; try again in %d %s (at %s).", why, secs, Plural(secs, "second"), at)}
}

// Plural returns noun, with an s unless n is 1.
func Plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
