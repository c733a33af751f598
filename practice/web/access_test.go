package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
)

var placeholder = regexp.MustCompile(`\{([a-z]+)(\.\.\.)?\}`)

// request is a call of a route pattern: its method and a path with its
// wildcards filled in (a person's id for {id}).
func (w *world) route(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern+"x"
	}
	path = placeholder.ReplaceAllStringFunc(path, func(m string) string {
		if placeholder.FindStringSubmatch(m)[1] == "id" {
			return fmt.Sprint(w.users["practitioner"].ID)
		}
		return "0123456789abcdef"
	})
	return method, strings.TrimSuffix(path, "{$}")
}

// TestEveryRouteAsEveryRole calls every route that is not public
// anonymously and as each kind of person, and checks the guard's answer:
// anonymous callers are sent to sign in (pages) or get 401 (API); a person
// without two factors reaches only the two-factor setup and sign-out, and
// is sent to set them up from everything else; a person without the role
// gets 403; nothing answers a server error; and the calls change nobody's
// roles.
func TestEveryRouteAsEveryRole(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// Harmless bodies: a version no account has, no roles, no name.
	form := url.Values{"version": {"999"}}
	for _, r := range w.s.Routes() {
		if r.Access == Public {
			continue
		}
		method, path := w.route(r.Pattern)
		page := isPage(r.Pattern)
		rec := w.do(t, method, path, form)
		if page && (rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=")) {
			t.Errorf("%s anonymously: %d %s, want 303 to /login", r.Pattern, rec.Code, rec.Header().Get("Location"))
		}
		if !page && rec.Code != http.StatusUnauthorized {
			t.Errorf("%s anonymously: %d, want 401", r.Pattern, rec.Code)
		}
		for _, who := range []string{"admin", "practitioner", "both", "nofactor", "noadmin2fa", "norole"} {
			u := w.users[who]
			// A fresh session each time: some routes end it.
			rec := w.do(t, method, path, form, w.session(t, who))
			code, loc := rec.Code, rec.Header().Get("Location")
			switch {
			case code >= 500:
				t.Errorf("%s as %s: %d %s", r.Pattern, who, code, rec.Body)
			case !r.Access.Allows(u):
				if code != http.StatusForbidden {
					t.Errorf("%s as %s (roles %v): %d, want 403", r.Pattern, who, u.Roles, code)
				}
			case r.Access.TwoFactor && !u.TwoFactor():
				if page && (code != http.StatusSeeOther || loc != "/account/two-factor?required=1") {
					t.Errorf("%s as %s without two factors: %d %s, want 303 to the two-factor setup", r.Pattern, who, code, loc)
				}
				if !page && (code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "two-factor sign-in")) {
					t.Errorf("%s as %s without two factors: %d %s, want 403 saying to turn on two-factor sign-in", r.Pattern, who, code, rec.Body)
				}
			case code == http.StatusSeeOther && strings.HasPrefix(loc, "/login"):
				t.Errorf("%s as %s, who may call it: sent to sign in (%s)", r.Pattern, who, loc)
			}
		}
	}
	for _, who := range []string{"admin", "practitioner", "both", "nofactor"} {
		u, err := w.st.UserByID(ctx, w.users[who].ID)
		if err != nil || auth.JoinRoles(u.Roles, ",") != auth.JoinRoles(w.users[who].Roles, ",") {
			t.Errorf("%s's roles changed: %v %v", who, u.Roles, err)
		}
	}
}

// TestRulesOfTheRoutes pins the rule of the routes that matter: a person
// without two factors reaches only what TwoFactorSetup lets in, and the
// people pages are the admins'.
func TestRulesOfTheRoutes(t *testing.T) {
	w := newWorld(t)
	rules := map[string]string{}
	for _, r := range w.s.Routes() {
		rules[r.Pattern] = r.Access.String()
	}
	for pattern, want := range map[string]string{
		"GET /{$}":                                "member of the practice",
		"GET /account":                            "member of the practice",
		"POST /account/password":                  "member of the practice",
		"GET /account/two-factor":                 "signed in",
		"POST /account/two-factor/setup":          "signed in",
		"POST /account/two-factor/confirm":        "signed in",
		"GET /account/confirm":                    "signed in",
		"POST /account/confirm":                   "signed in",
		"POST /logout":                            "signed in",
		"DELETE /api/v1/session":                  "signed in",
		"GET /people":                             "practice admin",
		"POST /people":                            "practice admin",
		"POST /people/{id}/roles":                 "practice admin",
		"POST /people/{id}/calendar/revoke":       "practice admin",
		"GET /login":                              "public",
		"POST /login":                             "public",
		"POST /login/two-factor":                  "public",
		"POST /password-reset":                    "public",
		"POST /password-reset/confirm":            "public",
		"GET /healthz":                            "public",
		"GET /readyz":                             "public",
		"POST /account/two-factor/disable":        "member of the practice",
		"POST /account/sessions/end-others":       "member of the practice",
		"POST /account/two-factor/recovery-codes": "member of the practice",
	} {
		if rules[pattern] != want {
			t.Errorf("%s: rule %q, want %q", pattern, rules[pattern], want)
		}
	}
	for _, gone := range []string{"GET /signup", "POST /signup", "POST /api/v1/accounts", "GET /verify", "POST /verify", "POST /api/v1/accounts/verify"} {
		if _, ok := rules[gone]; ok {
			t.Errorf("%s is served: a practice has no public sign-up", gone)
		}
	}
	for _, gone := range []string{"GET /api/v1/tokens", "POST /api/v1/tokens", "DELETE /api/v1/tokens/{id}", "POST /account/tokens", "POST /account/tokens/{id}/revoke"} {
		if _, ok := rules[gone]; ok {
			t.Errorf("%s is served: a practice has no API tokens", gone)
		}
	}
}
