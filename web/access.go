// Package web is the HTTP kit every certboard mode (the board, the practice)
// builds its server on: routes that each declare an access rule, middleware
// (security headers, metrics by route pattern, panics as logged 500s,
// cross-origin protection, the client behind trusted proxies, rate limits),
// bounded JSON bodies, page templates with a flash message, a runner with
// graceful shutdown, and one answer for every error: a handler returns a
// certboard.Error and Errors answers it as problem+json or as a page.
//
// The kit knows no mode: a mode supplies its access rules, its pages and its
// error page, and converts its own packages' errors at their boundary.
package web

import (
	"fmt"
	"net/http"

	"github.com/certboard/certboard/auth"
)

// Roles is what an access rule asks of a signed-in user.
type Roles interface {
	HasRole(role auth.Role) bool
}

// Rule is an access rule: who may call a route. A mode defines its own rules
// as values and routes point at them; a route with no rule (nil) is refused
// by CheckAccess.
type Rule struct {
	// Name names the rule in messages and listings ("staff").
	Name string
	// Public lets anyone in, signed in or not.
	Public bool
	// TwoFactor requires a sign-in with two factors.
	TwoFactor bool
	// Allow decides from the signed-in user's roles; nil lets every
	// signed-in user in.
	Allow func(u Roles) bool
}

// String returns the rule's name; "unset" for no rule.
func (r *Rule) String() string {
	if r == nil {
		return "unset"
	}
	return r.Name
}

// Allows reports whether a signed-in user passes the rule's role check (its
// two-factor requirement is the caller's to check).
func (r *Rule) Allows(u Roles) bool {
	switch {
	case r == nil:
		return false
	case r.Public || r.Allow == nil:
		return true
	}
	return r.Allow(u)
}

// Route is one registered route and its access rule.
type Route struct {
	Pattern string
	Access  *Rule
	Handler http.Handler
}

// CheckAccess refuses routes that declare no access rule.
func CheckAccess(routes []Route) error {
	for _, r := range routes {
		if r.Access == nil {
			return fmt.Errorf("server: route %q declares no access rule", r.Pattern)
		}
	}
	return nil
}
