// Package web is the board's web interface, certboard's HTTP interface: routes, each with a declared
// access rule, behind middleware for security headers, cross-origin
// protection, logging and metrics, and a runner with graceful shutdown.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/demo"
	"github.com/certboard/certboard/requirements"
	kit "github.com/certboard/certboard/web"
	"github.com/certboard/certboard/web/account"
)

// Access is who may call a route: one of the board's rules below. Every
// route must declare one; a route without one (nil) is refused.
type Access = *kit.Rule

// isStaff is the role check of board staff: staff and admins.
func isStaff(u kit.Roles) bool { return u.HasRole(auth.Staff) || u.HasRole(auth.Admin) }

// holds is the role check of one role.
func holds(role auth.Role) func(kit.Roles) bool {
	return func(u kit.Roles) bool { return u.HasRole(role) }
}

// The board's access rules.
var (
	// Public: anyone, signed in or not.
	Public = &kit.Rule{Name: "public", Public: true}
	// Authenticated: any signed-in user; others get 401. Object-level
	// checks (is this application theirs?) are the handler's, always.
	Authenticated = &kit.Rule{Name: "authenticated"}
	// Supervisor: users holding the supervisor role.
	Supervisor = &kit.Rule{Name: "supervisor", Allow: holds(auth.Supervisor)}
	// Reviewer: users holding the reviewer role.
	Reviewer = &kit.Rule{Name: "reviewer", Allow: holds(auth.Reviewer)}
	// Staff: board staff and admins, signed in with two factors.
	Staff = &kit.Rule{Name: "staff", TwoFactor: true, Allow: isStaff}
	// Admin: board admins, signed in with two factors.
	Admin = &kit.Rule{Name: "admin", TwoFactor: true, Allow: holds(auth.Admin)}
	// Regulator: users holding the regulator role (licensing boards that
	// check title use), signed in with two factors; staff pass too.
	Regulator = &kit.Rule{Name: "regulator", TwoFactor: true,
		Allow: func(u kit.Roles) bool { return u.HasRole(auth.Regulator) || isStaff(u) }}
	// Provider: approved CE providers reporting completions.
	Provider = &kit.Rule{Name: "provider", Allow: holds(auth.Provider)}
)

// Route is one registered route and its access rule.
type Route = kit.Route

// Config is what a server needs. The stores come as the interfaces their
// use cases declare (board/boardsql implements each: ForBoard, ForAuth),
// so that the web knows no database.
type Config struct {
	// Board is the store of the board's use cases.
	Board board.Store
	// Accounts is the store of the account use cases.
	Accounts auth.Store
	// Demo is the store as the demo seeding uses it; only SeedDemo needs
	// it.
	Demo demo.Store
	Sets *requirements.Catalog
	Log  *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// PublicURL is where users reach the server, for links in mail.
	PublicURL string
	// Files keeps uploaded documents, encrypted; without it uploads and
	// downloads answer 503.
	Files *blob.Store
	// TrustedProxies are the reverse proxies in front of the server: a
	// request from one of them is taken to come from the client its
	// X-Forwarded-For names (for rate limits, sign-in throttling and logs).
	TrustedProxies []netip.Prefix
	// HashConcurrency bounds the passwords hashed at once (argon2id, 19 MiB
	// each); an attempt that finds every slot taken is answered 429 before
	// hashing. 0 means DefaultHashConcurrency.
	HashConcurrency int
	// Limits keeps the rate limits' buckets where every instance sees them
	// (web/limitsql, on PostgreSQL), so that n instances enforce one limit;
	// nil keeps them in this process's memory, which is right for a single
	// instance.
	Limits kit.SharedBuckets
}

// Server holds the routes and their dependencies.
type Server struct {
	cfg     Config
	routes  []Route
	metrics *prometheus.Registry
	counts  *kit.Metrics
	pages   kit.Pages
	// errs answers every refused or failed request.
	errs kit.Errors
	// board is the board's use cases; it holds the requirement sets in
	// force, which publishing a version swaps whole.
	board *board.Board
	// evals keeps eligibility reports by application version and day.
	evals evalCache
	// statusCache keeps the signed status lists until a status changes.
	statusCache statusCache
	// fetchElsewhere fetches other issuers' documents for a verification;
	// nil means safeFetch (tests serve their own).
	fetchElsewhere func(ctx context.Context, url string) ([]byte, error)
	// hashSlots holds a token per password being hashed (see hashSlot).
	hashSlots chan struct{}
	// anonLimitsOff lets every request past the rate limits of anonymous
	// forms: tests of what lies behind them (the sign-in throttle) set it,
	// nothing else does.
	anonLimitsOff bool
	// checks counts sign-in checks by step and outcome.
	checks *prometheus.CounterVec
	// jobFailures counts failed job attempts by kind and what followed.
	jobFailures *prometheus.CounterVec
	// accounts is the account use cases (sign-up, sign-in, sessions,
	// passwords, two-factor, API tokens), built by initSignIn.
	accounts *auth.Accounts
	// acct is the account pages, their API and the session middleware
	// (package account), built by newAccountHandlers.
	acct *account.Handlers
	// mount is where the server sits in its public URL: at the root of
	// its host, or under a path (see kit.Mount).
	mount kit.Mount
}

// sets returns the requirement sets in force.
func (s *Server) sets() *requirements.Catalog { return s.board.Catalog() }

// boardConfig is what the server's board is built from: its store, the
// catalog given, the server's clock, public URL, file store and log.
func (s *Server) boardConfig(cat *requirements.Catalog) board.Config {
	return board.Config{Store: s.cfg.Board, Catalog: cat, Clock: certboard.ClockFunc(s.now),
		PublicURL: s.cfg.PublicURL, Blobs: fileStore(s.cfg.Files), Log: s.cfg.Log}
}

// useBoard builds the server's board over cat and hands it the server's
// own daily sweeps.
func (s *Server) useBoard(cat *requirements.Catalog) error {
	b, err := board.New(s.boardConfig(cat))
	if err != nil {
		return err
	}
	s.board = b
	s.handleJobs()
	return nil
}

// New builds a server with every route.
func New(cfg Config) (*Server, error) {
	if cfg.Board == nil || cfg.Accounts == nil || cfg.Sets == nil {
		return nil, errors.New("server: the board's and the accounts' stores and requirement sets are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	mount, err := kit.MountOf(cfg.PublicURL)
	if err != nil {
		return nil, fmt.Errorf("server: public URL %q: %w", cfg.PublicURL, err)
	}
	s := &Server{cfg: cfg, metrics: prometheus.NewRegistry(), mount: mount}
	if err := s.useBoard(cfg.Sets); err != nil {
		return nil, err
	}
	s.counts = kit.NewMetrics(s.metrics, "certboard", cfg.Log)
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.errs = kit.Errors{Log: cfg.Log, Page: s.pageError, Convert: boundaryError}
	s.initSignIn()
	s.initJobMetrics()
	if s.acct, err = s.newAccountHandlers(); err != nil {
		return nil, err
	}
	pages, err := parseTemplates(s.mount)
	if err != nil {
		return nil, err
	}
	s.pages = pages

	s.route("GET /healthz", Public, http.HandlerFunc(kit.Healthz))
	s.route("GET /readyz", Public, http.HandlerFunc(s.readyz))
	s.route("GET /metrics", Staff, promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))
	s.route("GET /api/v1/requirement-sets", Public, http.HandlerFunc(s.requirementSets))
	s.route("GET /static/", Public, staticFiles())
	s.route("GET /{$}", Public, s.handle(s.home))
	s.accountRoutes()
	s.applicantRoutes()
	s.documentRoutes()
	s.supervisorRoutes()
	s.supervisorBulkRoutes()
	s.staffRoutes()
	s.bulkVerifyRoutes()
	s.reviewerRoutes()
	s.adminRoutes()
	if err := s.apiDocRoutes(); err != nil {
		return nil, err
	}
	s.didRoutes()
	s.auditRoutes()
	s.credentialRoutes()
	s.statusRoutes()
	s.verifyRoutes()
	s.trustListRoutes()
	s.deadLetterRoutes()
	s.registryRoutes()
	s.renewalRoutes()
	s.holderCERoutes()
	s.providerRoutes()
	s.titleCheckRoutes()
	s.regulatorRoutes()
	s.route("/api/", Public, http.HandlerFunc(apiNotFound))
	s.route("/", Public, http.HandlerFunc(s.notFound))
	if err := checkAccess(s.routes); err != nil {
		return nil, err
	}
	return s, nil
}

// checkAccess refuses routes that declare no access rule.
func checkAccess(routes []Route) error { return kit.CheckAccess(routes) }

func (s *Server) route(pattern string, a Access, h http.Handler) {
	s.routes = append(s.routes, Route{Pattern: pattern, Access: a, Handler: h})
}

// Routes lists the registered routes and their access rules.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Handler returns the whole application: the routes behind the middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range s.routes {
		mux.Handle(r.Pattern, s.counts.Instrument(r.Pattern, s.guard(r.Access, isPage(r.Pattern), r.Handler)))
	}
	// Unsafe cross-origin requests (forged form posts) are refused before
	// any handler runs.
	deny := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "Cross-origin request refused",
			"This request came from another site; certboard accepts changes only from its own pages or from programs that send no browser origin headers.")
	})
	protected := kit.CrossOrigin(deny, s.authenticate(mux))
	return kit.Recoverer(s.cfg.Log, kit.SecurityHeaders(s.mount.Handler(s.realClient(protected))))
}

// securityHeaders sets strict headers on every response.
func securityHeaders(next http.Handler) http.Handler { return kit.SecurityHeaders(next) }

// problem writes an RFC 9457 problem+json error.
func problem(w http.ResponseWriter, status int, title, detail string) {
	kit.Problem(w, status, title, detail)
}

// writeJSON writes v as JSON (kit.WriteJSON); writeJSONStatus with a
// status other than 200 (kit.WriteJSONStatus).
func writeJSON(w http.ResponseWriter, v any) { kit.WriteJSON(w, v) }

func writeJSONStatus(w http.ResponseWriter, status int, v any) { kit.WriteJSONStatus(w, status, v) }

// writePublicJSON writes v as indented JSON that any site's scripts may
// read (documents published for verifiers: the DID document, the audit
// checkpoint), with its media type and caching rule.
func writePublicJSON(w http.ResponseWriter, contentType, cacheControl string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", cacheControl)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// readyz answers the readiness probe: the database answers (kit.Ready).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	kit.Ready(w, r, s.cfg.Log, s.board.Ready)
}

// setInfo is one requirement set in the public API.
type setInfo struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	Body          string `json:"body"`
	Credential    string `json:"credential,omitempty"`
	Version       string `json:"version"`
	EffectiveFrom string `json:"effective_from"`
	EffectiveTo   string `json:"effective_to,omitempty"`
}

// requirementSets lists the published requirement sets, every version.
func (s *Server) requirementSets(w http.ResponseWriter, r *http.Request) {
	out := []setInfo{}
	for _, id := range s.sets().IDs() {
		for _, v := range s.sets().Versions(id) {
			out = append(out, setInfo{ID: v.ID, Title: v.Title, Body: v.Body, Credential: v.Credential, Version: v.Version,
				EffectiveFrom: v.EffectiveFrom.String(), EffectiveTo: v.EffectiveTo.String()})
		}
	}
	writeJSON(w, map[string]any{"requirement_sets": out})
}

func apiNotFound(w http.ResponseWriter, r *http.Request) {
	problem(w, http.StatusNotFound, "Not found", fmt.Sprintf("No API route matches %s %s.", r.Method, strings.TrimSpace(kit.MountFrom(r).Path(r.URL.Path))))
}

// Run serves h on the listener until ctx is done, then shuts down
// gracefully (see kit.Run).
func Run(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration, log *slog.Logger) error {
	return kit.Run(ctx, ln, h, grace, log)
}
