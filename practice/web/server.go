// Package web is practice mode's web interface: the pages of a practice's
// practitioners and admins on the shared web kit (package web, imported
// here as kit), with the account pages every mode shares (web/account).
// Routes declare their access rule as data (access.go); every page but
// sign-in and password reset needs a sign-in with two factors, and a
// signed-in person without them reaches only the two-factor setup and
// sign-out. Handlers decode, call one use case of practice.Practice or
// auth.Accounts and render; the package imports no SQL: Config takes the
// stores as the interfaces their use cases declare.
//
// Other packages import it as pweb, beside the board's web package.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	kit "github.com/certboard/certboard/web"
	"github.com/certboard/certboard/web/account"
)

// Config is what a practice's server needs. The stores come as the
// interfaces their use cases declare (practice/practicesql implements
// both), so that the web knows no database.
type Config struct {
	// Practice is the store of the practice's use cases.
	Practice practice.Store
	// Accounts is the store of the account use cases, on the practice's
	// own database (never the board's).
	Accounts auth.Store
	Log      *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// PublicURL is where people reach the practice, for links in mail
	// (default http://localhost:8081).
	PublicURL string
	// TrustedProxies are the reverse proxies in front of the server: a
	// request from one of them is taken to come from the client its
	// X-Forwarded-For names (for rate limits, sign-in throttling and logs).
	TrustedProxies []netip.Prefix
	// HashConcurrency bounds the passwords hashed at once (argon2id, 19 MiB
	// each); 0 means auth.DefaultHashConcurrency.
	HashConcurrency int
	// Limits keeps the rate limits' buckets where every instance sees them
	// (web/limitsql, on PostgreSQL), so that n instances enforce one limit;
	// nil keeps them in this process's memory, which is right for a single
	// instance.
	Limits kit.SharedBuckets
}

// SessionIdle is how long a practice session may go unused before it
// ends: half the board's, since a practice's pages hold clinical records.
const SessionIdle = 15 * time.Minute

// Server holds the practice's routes and their dependencies.
type Server struct {
	cfg      Config
	routes   []kit.Route
	counts   *kit.Metrics
	pages    kit.Pages
	errs     kit.Errors
	practice *practice.Practice
	accounts *auth.Accounts
	acct     *account.Handlers
	// anonymous is the rate limit every anonymous form shares (see route).
	anonymous func(http.Handler) http.Handler
	// homeParts fill a person's home page, one per area of practice mode
	// (see home.go).
	homeParts []homePart
	// mount is where the server sits in its public URL: at the root of
	// its host, or under a path (see kit.Mount).
	mount kit.Mount
}

// New builds a practice's server with every route.
func New(cfg Config) (*Server, error) {
	if cfg.Practice == nil || cfg.Accounts == nil {
		return nil, errors.New("practice web: the practice's and the accounts' stores are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost:8081"
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	mount, err := kit.MountOf(cfg.PublicURL)
	if err != nil {
		return nil, fmt.Errorf("practice web: public URL %q: %w", cfg.PublicURL, err)
	}
	s := &Server{cfg: cfg, mount: mount}
	clock := certboard.ClockFunc(s.now)
	if s.practice, err = practice.New(practice.Config{Store: cfg.Practice, Clock: clock, PublicURL: cfg.PublicURL, Log: cfg.Log}); err != nil {
		return nil, err
	}
	slots := cfg.HashConcurrency
	if slots <= 0 {
		slots = auth.DefaultHashConcurrency
	}
	if s.accounts, err = auth.NewAccounts(auth.AccountsConfig{Store: cfg.Accounts, Clock: clock, PublicURL: cfg.PublicURL, Log: cfg.Log,
		HashSlots: make(chan struct{}, slots), SessionIdle: SessionIdle, TwoFactorForAll: true}); err != nil {
		return nil, err
	}
	s.counts = kit.NewMetrics(prometheus.NewRegistry(), "certboard_practice", cfg.Log)
	s.errs = kit.Errors{Log: cfg.Log, Page: s.pageError}
	if s.pages, err = parseTemplates(s.mount); err != nil {
		return nil, err
	}
	if s.acct, err = s.newAccountHandlers(); err != nil {
		return nil, err
	}
	s.anonymous = s.limiter(anonymousLimit)

	s.route("GET /healthz", Public, http.HandlerFunc(kit.Healthz))
	s.route("GET /readyz", Public, http.HandlerFunc(s.readyz))
	s.route("GET /static/", Public, staticFiles())
	s.route("GET /{$}", Member, s.handle(s.home))
	s.accountRoutes()
	s.peopleRoutes()
	s.clientRoutes()
	s.caseRoutes()
	s.noteRoutes()
	s.measureRoutes()
	s.linkRoutes()
	s.credentialRoutes()
	s.deadLetterRoutes()
	s.sessionRoutes()
	s.superbillRoutes()
	s.identifierRoutes()
	s.recordRoutes()
	s.referralRoutes()
	s.route("/api/", Public, http.HandlerFunc(apiNotFound))
	s.route("/", Public, http.HandlerFunc(s.notFound))
	if err := kit.CheckAccess(s.routes); err != nil {
		return nil, err
	}
	return s, nil
}

// route registers a route under its access rule. Every request anyone may
// make without signing in with a method other than GET and HEAD (signing
// in, the second factor, the password reset, a post to no route at all)
// shares the anonymous rate limit, whatever stricter limit its route has
// of its own, so that no anonymous form is left without one.
func (s *Server) route(pattern string, a *kit.Rule, h http.Handler) {
	s.routeLimited(pattern, a, s.anonymous, h)
}

// routeLimited registers a route as route does, its anonymous requests
// other than GET and HEAD drawing on anon in place of the shared bucket.
func (s *Server) routeLimited(pattern string, a *kit.Rule, anon func(http.Handler) http.Handler, h http.Handler) {
	if a != nil && a.Public {
		limited := anon(h)
		next := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				next.ServeHTTP(w, r)
				return
			}
			limited.ServeHTTP(w, r)
		})
	}
	s.routes = append(s.routes, kit.Route{Pattern: pattern, Access: a, Handler: h})
}

// Routes lists the registered routes and their access rules.
func (s *Server) Routes() []kit.Route { return append([]kit.Route(nil), s.routes...) }

// Accounts is the account use cases of the practice, on its database.
func (s *Server) Accounts() *auth.Accounts { return s.accounts }

// Handler returns the whole practice: the routes behind the middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range s.routes {
		mux.Handle(r.Pattern, s.counts.Instrument(r.Pattern, s.acct.Guard(r.Access, isPage(r.Pattern), r.Handler)))
	}
	deny := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "Cross-origin request refused",
			"This request came from another site; the practice accepts changes only from its own pages or from programs that send no browser origin headers.")
	})
	protected := kit.CrossOrigin(deny, s.acct.Authenticate(mux))
	return kit.Recoverer(s.cfg.Log, kit.SecurityHeaders(s.mount.Handler(kit.RealClient(s.cfg.TrustedProxies, protected))))
}

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// readyz answers the readiness probe: the database answers (kit.Ready).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	kit.Ready(w, r, s.cfg.Log, s.practice.Ready)
}

func apiNotFound(w http.ResponseWriter, r *http.Request) {
	kit.Problem(w, http.StatusNotFound, "Not found", fmt.Sprintf("No API route matches %s %s.", r.Method, strings.TrimSpace(kit.MountFrom(r).Path(r.URL.Path))))
}

// notFound answers paths no route matches.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.pageError(w, r, http.StatusNotFound, "Page not found", "No page is at "+kit.MountFrom(r).Path(r.URL.Path)+". Check the address, or start again from your home page.")
}
