package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	kit "github.com/certboard/certboard/web"
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
	return fmt.Sprintf("%d %s %s", r.n, kit.Plural(r.n, "request"), per)
}

// limitRule is a rate limit of a public form or endpoint: a token bucket
// per client address, and one for all addresses together, so that many
// addresses (a botnet) cannot do together what one may not.
type limitRule struct {
	// name says what is limited, in words ("credential verification").
	name string
	// perAddress is what one client address (IPv6: one /64) may do.
	perAddress rate
	// overall is what all addresses together may do (on every instance
	// together when Config.Limits is set).
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

// overallKey is the one key of a limit's bucket for all addresses.
const overallKey = "*"

// limit is a rule's two buckets: per address and overall.
type limit struct {
	rule      limitRule
	byAddress *kit.Limiter
	overall   *kit.Limiter
}

// newLimit makes the buckets of a rule, on the server's clock.
func (s *Server) newLimit(rule limitRule) *limit {
	return &limit{rule: rule,
		byAddress: kit.NewLimiter(rule.perAddress.n, rule.perAddress.per, s.now).Share(s.cfg.Limits, rule.name+"/address", s.cfg.Log),
		overall:   kit.NewLimiter(rule.overall.n, rule.overall.per, s.now).Share(s.cfg.Limits, rule.name+"/overall", s.cfg.Log)}
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
		key := kit.LimitKey(r)
		if ok, wait := l.byAddress.Allow(r.Context(), key); !ok {
			s.tooMany(w, r, wait, fmt.Sprintf("%s allows %s from one address", limitUpperFirst(l.rule.name), l.rule.perAddress))
			return
		}
		if ok, wait := l.overall.Allow(r.Context(), overallKey); !ok {
			// This request did not use the address's allowance.
			l.byAddress.Refund(r.Context(), key)
			s.tooMany(w, r, wait, fmt.Sprintf("%s is busy: it allows %s from all addresses together", limitUpperFirst(l.rule.name), l.rule.overall))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// tooMany answers 429 with Retry-After: why, then when to try again.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, why string) {
	s.answerError(w, r, kit.TooMany(wait, s.now(), why))
}

func limitUpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
