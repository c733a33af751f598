// Package web is the board's web interface, certboard's HTTP interface: routes, each with a declared
// access rule, behind middleware for security headers, cross-origin
// protection, logging and metrics, and a runner with graceful shutdown.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/requirements"
)

// Access is who may call a route. Every route must declare one; the zero
// value is not a rule, so a route that forgets it is refused.
type Access int

// Access rules.
const (
	accessUnset Access = iota
	// Public: anyone, signed in or not.
	Public
	// Authenticated: any signed-in user; others get 401. Object-level
	// checks (is this application theirs?) are the handler's, always.
	Authenticated
	// Supervisor: users holding the supervisor role.
	Supervisor
	// Reviewer: users holding the reviewer role.
	Reviewer
	// Staff: board staff and admins, signed in with two factors.
	Staff
	// Admin: board admins, signed in with two factors.
	Admin
	// Regulator: users holding the regulator role (licensing boards that
	// check title use), signed in with two factors; staff pass too.
	Regulator
	// Provider: approved CE providers reporting completions.
	Provider
)

func (a Access) String() string {
	switch a {
	case Public:
		return "public"
	case Authenticated:
		return "authenticated"
	case Supervisor:
		return "supervisor"
	case Reviewer:
		return "reviewer"
	case Staff:
		return "staff"
	case Admin:
		return "admin"
	case Regulator:
		return "regulator"
	case Provider:
		return "provider"
	}
	return "unset"
}

// allows reports whether a signed-in user passes a role rule.
func (a Access) allows(u *boardsql.User) bool {
	switch a {
	case Public, Authenticated:
		return true
	case Supervisor:
		return u.HasRole(auth.Supervisor)
	case Reviewer:
		return u.HasRole(auth.Reviewer)
	case Staff:
		return u.IsStaff()
	case Admin:
		return u.HasRole(auth.Admin)
	case Regulator:
		return u.HasRole(auth.Regulator) || u.IsStaff()
	case Provider:
		return u.HasRole(auth.Provider)
	}
	return false
}

// Route is one registered route and its access rule.
type Route struct {
	Pattern string
	Access  Access
	handler http.Handler
}

// Config is what a server needs.
type Config struct {
	Store *boardsql.Store
	Sets  *requirements.Catalog
	Log   *slog.Logger
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
}

// Server holds the routes and their dependencies.
type Server struct {
	cfg      Config
	routes   []Route
	metrics  *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	pages    map[string]*template.Template
	// catalog is the requirement sets in force; publishing a version
	// swaps it whole, so readers never see a half-changed catalog.
	catalog atomic.Pointer[requirements.Catalog]
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
}

// sets returns the requirement sets in force.
func (s *Server) sets() *requirements.Catalog { return s.catalog.Load() }

// New builds a server with every route.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Sets == nil {
		return nil, errors.New("server: a store and requirement sets are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Server{cfg: cfg, metrics: prometheus.NewRegistry()}
	s.catalog.Store(cfg.Sets)
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certboard_http_requests_total", Help: "HTTP requests by route pattern and status code."}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "certboard_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}, []string{"route"})
	s.metrics.MustRegister(s.requests, s.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.initSignIn()
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.pages = pages

	s.route("GET /healthz", Public, http.HandlerFunc(s.healthz))
	s.route("GET /readyz", Public, http.HandlerFunc(s.readyz))
	s.route("GET /metrics", Staff, promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))
	s.route("GET /api/v1/requirement-sets", Public, http.HandlerFunc(s.requirementSets))
	s.route("POST /api/v1/session", Public, http.HandlerFunc(s.login))
	s.route("DELETE /api/v1/session", Authenticated, http.HandlerFunc(s.logout))
	s.route("GET /api/v1/me", Authenticated, http.HandlerFunc(s.me))
	s.route("GET /static/", Public, staticFiles())
	s.route("GET /{$}", Public, http.HandlerFunc(s.home))
	s.accountRoutes()
	s.applicantRoutes()
	s.documentRoutes()
	s.supervisorRoutes()
	s.staffRoutes()
	s.bulkVerifyRoutes()
	s.reviewerRoutes()
	s.adminRoutes()
	s.apiDocRoutes()
	s.didRoutes()
	s.auditRoutes()
	s.credentialRoutes()
	s.statusRoutes()
	s.verifyRoutes()
	s.trustListRoutes()
	s.registryRoutes()
	s.renewalRoutes()
	s.providerRoutes()
	s.titleCheckRoutes()
	s.route("/api/", Public, http.HandlerFunc(apiNotFound))
	s.route("/", Public, http.HandlerFunc(s.notFound))
	if err := checkAccess(s.routes); err != nil {
		return nil, err
	}
	return s, nil
}

// checkAccess refuses routes that declare no access rule.
func checkAccess(routes []Route) error {
	for _, r := range routes {
		if r.Access == accessUnset {
			return fmt.Errorf("server: route %q declares no access rule", r.Pattern)
		}
	}
	return nil
}

func (s *Server) route(pattern string, a Access, h http.Handler) {
	s.routes = append(s.routes, Route{Pattern: pattern, Access: a, handler: h})
}

// Routes lists the registered routes and their access rules.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Handler returns the whole application: the routes behind the middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range s.routes {
		mux.Handle(r.Pattern, s.instrument(r.Pattern, s.guard(r.Access, isPage(r.Pattern), r.handler)))
	}
	// Unsafe cross-origin requests (forged form posts) are refused before
	// any handler runs.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "Cross-origin request refused",
			"This request came from another site; certboard accepts changes only from its own pages or from programs that send no browser origin headers.")
	}))
	protected := cop.Handler(s.authenticate(mux))
	return s.recoverer(securityHeaders(s.realClient(protected)))
}

// securityHeaders sets strict headers on every response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// instrument logs each request and counts it by route pattern, never by raw
// path, so that metrics cannot grow without bound.
func (s *Server) instrument(pattern string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		took := time.Since(start)
		s.requests.WithLabelValues(pattern, strconv.Itoa(sw.code)).Inc()
		s.latency.WithLabelValues(pattern).Observe(took.Seconds())
		s.cfg.Log.Info("request", "method", r.Method, "route", pattern, "status", sw.code, "duration", took)
	})
}

// recoverer turns a panic into a 500 whose details are logged, never shown.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				problem(w, http.StatusInternalServerError, "Internal error", "Something went wrong on our side; it has been logged.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// problem writes an RFC 9457 problem+json error.
func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": title, "status": status, "detail": detail})
}

// writeJSONStatus writes v as JSON with a status other than 200.
func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

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

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		s.cfg.Log.Warn("not ready", "error", err)
		problem(w, http.StatusServiceUnavailable, "Not ready", "The database does not answer.")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ready")
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
	problem(w, http.StatusNotFound, "Not found", fmt.Sprintf("No API route matches %s %s.", r.Method, strings.TrimSpace(r.URL.Path)))
}

// Run serves h on the listener until ctx is done, then shuts down
// gracefully: it stops accepting connections and waits up to grace for
// requests in flight to finish.
func Run(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration, log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
