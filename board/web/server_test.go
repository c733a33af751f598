package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
)

func newServer(t testing.TB) (*Server, *boardsql.Store) {
	t.Helper()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := boardsql.Open(context.Background(), boardsql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return serverOn(t, st), st
}

// serverOn is a server over a given (migrated) store, with the shipped
// requirement sets and a document store of its own.
func serverOn(t testing.TB, st *boardsql.Store) *Server {
	t.Helper()
	sets, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	return serverWithSets(t, st, sets)
}

// serverWithSets is serverOn with the given requirement sets.
func serverWithSets(t testing.TB, st *boardsql.Store, sets *requirements.Catalog) *Server {
	t.Helper()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	docs, err := blob.OpenDir(filepath.Join(t.TempDir(), "files"), keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	s, err := New(Config{Board: boardsql.ForBoard{Store: st}, Accounts: boardsql.ForAuth{Store: st}, Demo: boardsql.ForBoard{Store: st},
		Sets: sets, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Files: docs})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// store is the SQL store under a test's server (serverOn gives it as a
// boardsql.ForBoard), for fixtures and for reading what a request wrote.
func (s *Server) store() *boardsql.Store { return s.cfg.Board.(boardsql.ForBoard).Store }

// inTx runs f in one transaction of the test server's store.
func (s *Server) inTx(ctx context.Context, f func(tx *boardsql.Tx) error) error {
	return s.store().InTx(ctx, f)
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// TestEveryRouteDeclaresAccess fails when a route has no access rule.
func TestEveryRouteDeclaresAccess(t *testing.T) {
	s, _ := newServer(t)
	if len(s.Routes()) == 0 {
		t.Fatal("no routes")
	}
	for _, r := range s.Routes() {
		if r.Access == nil {
			t.Errorf("route %s declares no access rule", r.Pattern)
		}
	}
	if err := checkAccess(s.Routes()); err != nil {
		t.Fatal(err)
	}
	forgotten := append(s.Routes(), Route{Pattern: "GET /forgotten", Handler: http.NotFoundHandler()})
	if err := checkAccess(forgotten); err == nil || !strings.Contains(err.Error(), "GET /forgotten") {
		t.Fatalf("a route without an access rule must be refused, got %v", err)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	if rec := get(t, h, "/healthz"); rec.Code != 200 || rec.Body.String() != "ok\n" {
		t.Fatalf("healthz: %d %q", rec.Code, rec.Body)
	}
	if rec := get(t, h, "/readyz"); rec.Code != 200 {
		t.Fatalf("readyz: %d %q", rec.Code, rec.Body)
	}
	st.Close()
	rec := get(t, h, "/readyz")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("readyz with the database closed: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s, _ := newServer(t)
	h := s.Handler()
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/requirement-sets", "/api/v1/nothing", "/nothing"} {
		rec := get(t, h, path)
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Referrer-Policy") == "" {
			t.Errorf("%s: missing nosniff or referrer policy: %v", path, rec.Header())
		}
	}
}

func TestRequirementSetsAPI(t *testing.T) {
	s, _ := newServer(t)
	rec := get(t, s.Handler(), "/api/v1/requirement-sets")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var body struct {
		Sets []setInfo `json:"requirement_sets"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, x := range body.Sets {
		ids[x.ID] = true
		if x.Title == "" || x.Version == "" || x.EffectiveFrom == "" {
			t.Errorf("incomplete entry %+v", x)
		}
	}
	for _, id := range []string{"aasect-cst", "aasect-renewal", "florida-sex-therapist", "cosrt-accreditation"} {
		if !ids[id] {
			t.Errorf("%s is not listed", id)
		}
	}
}

func TestUnknownAPIRouteIsProblemJSON(t *testing.T) {
	s, _ := newServer(t)
	rec := get(t, s.Handler(), "/api/v1/nothing")
	var p map[string]any
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p["status"] != float64(404) {
		t.Fatalf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}

func TestCrossOriginUnsafeRequestsRefused(t *testing.T) {
	s, _ := newServer(t)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/requirement-sets", strings.NewReader("{}"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || rec.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(rec.Body.String(), "another site") {
		t.Fatalf("cross-site POST: %d %s %s, want a 403 problem", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	// A forged form post from another site gets the page, and changes nothing.
	req = httptest.NewRequest(http.MethodPost, "/applications", strings.NewReader("set_id=aasect-cst"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "<h1>Cross-origin request refused</h1>") {
		t.Fatalf("cross-site form post: %d\n%s", rec.Code, rec.Body)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	get(t, h, "/healthz")
	get(t, h, "/api/v1/nothing-here")
	staff := sessionFor(t, s, addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff))
	body := getAs(t, h, "/metrics", staff).Body.String()
	for _, want := range []string{`certboard_http_requests_total{code="200",route="GET /healthz"} 1`, `route="/api/"`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "nothing-here") {
		t.Error("metrics must be labelled by route pattern, not raw path")
	}
}

func TestPanicsBecomeLoggedInternalErrors(t *testing.T) {
	s, _ := newServer(t)
	s.route("GET /boom", Public, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail") }))
	rec := get(t, s.Handler(), "/boom")
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret detail") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

// TestGracefulShutdown: a request in flight when shutdown starts completes.
func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, ln, h, 10*time.Second, slog.New(slog.NewTextHandler(io.Discard, nil))) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-entered
	cancel() // as on SIGTERM
	close(release)
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request: %q", body)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("the server still accepts connections after shutdown")
	}
}

// usePublicURL makes a test's server answer as if reached at u: links in
// mail, credential ids and did:web follow it.
func (s *Server) usePublicURL(t testing.TB, u string) {
	t.Helper()
	s.cfg.PublicURL = u
	if err := s.useBoard(s.sets()); err != nil {
		t.Fatal(err)
	}
}
