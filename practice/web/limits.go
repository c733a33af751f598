package web

import (
	"fmt"
	"net/http"
	"time"

	kit "github.com/certboard/certboard/web"
)

// limitRule is a rate limit: a token bucket per client address (IPv6: per
// /64), and one for all addresses together, so that many addresses cannot
// do together what one may not.
type limitRule struct {
	// name says what is limited, in words ("sign-in").
	name string
	// perAddress is what one client address may do in per; overall what
	// all may do together.
	perAddress, overall int
	per                 time.Duration
}

// The practice's rate limits. Every form anyone can post without signing
// in shares anonymousLimit (route applies it): enough for a person who
// mistypes, a stop to a loop; wrong passwords and codes are throttled per
// account in the database besides (auth.Accounts). The client's form of a
// measure's link draws on linkFormLimit in its place (routeLimited), so
// that flooding it does not lock practitioners out of signing in, nor
// flooding sign-in keep clients from answering. The password reset
// sends mail and choosing a new password hashes one (19 MiB): a person
// needs a few, so they allow a few.
var (
	anonymousLimit   = limitRule{"signing in and resetting passwords", 30, 300, time.Minute}
	resetLimit       = limitRule{"the password reset", 5, 20, 10 * time.Minute}
	newPasswordLimit = limitRule{"choosing a new password", 5, 20, 10 * time.Minute}
	// linkLimit bounds opening and answering a measure's link (a person
	// takes a few steps a minute; a guess takes one request each).
	linkLimit = limitRule{"opening and answering questionnaires", 60, 600, time.Minute}
	// linkFormLimit is the anonymous bucket of the posts to a link's form
	// (a questionnaire of ten items takes a dozen).
	linkFormLimit = limitRule{"answering questionnaires", 30, 300, time.Minute}
)

// overallKey is the one key of a limit's bucket for all addresses.
const overallKey = "*"

// limiter makes a rate limit by a rule, shared by every handler it wraps.
// A request takes a token from its address's bucket, then one from the
// overall bucket; the handler runs only when both have one. Over either
// limit it answers 429 with Retry-After, as problem+json under /api/ and
// as a page otherwise.
func (s *Server) limiter(rule limitRule) func(http.Handler) http.Handler {
	byAddress := kit.NewLimiter(rule.perAddress, rule.per, s.now).Share(s.cfg.Limits, rule.name+"/address", s.cfg.Log)
	overall := kit.NewLimiter(rule.overall, rule.per, s.now).Share(s.cfg.Limits, rule.name+"/overall", s.cfg.Log)
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := kit.LimitKey(r)
			if ok, wait := byAddress.Allow(r.Context(), key); !ok {
				s.errs.Answer(w, r, kit.TooMany(wait, s.now(), fmt.Sprintf("The practice allows %s %d %s from one address %s",
					rule.name, rule.perAddress, kit.Plural(rule.perAddress, "time"), perWords(rule.per))))
				return
			}
			if ok, wait := overall.Allow(r.Context(), overallKey); !ok {
				byAddress.Refund(r.Context(), key)
				s.errs.Answer(w, r, kit.TooMany(wait, s.now(), fmt.Sprintf("The practice is busy: it allows %s %d %s from all addresses together %s",
					rule.name, rule.overall, kit.Plural(rule.overall, "time"), perWords(rule.per))))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// perWords says a limit's period in words: "a minute", "every 10 minutes".
func perWords(d time.Duration) string {
	if d == time.Minute {
		return "a minute"
	}
	return fmt.Sprintf("every %d minutes", int(d/time.Minute))
}
