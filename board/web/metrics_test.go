package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// TestMetricsNeedStaffOnTheMainListener: without a metrics listener,
// /metrics is served on the main one to staff signed in with two factors
// only.
func TestMetricsNeedStaffOnTheMainListener(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	applicant := addUser(t, st, "app@example.org", "Alex Applicant", auth.Applicant)
	now := s.now()
	nf, err := st.CreateUser(context.Background(), boardsql.User{Email: "nofactor@example.org", Name: "No Factor", PasswordHash: testHash(),
		Roles: []auth.Role{auth.Staff}, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	noFactor, _ := st.UserByID(context.Background(), nf)
	get(t, h, "/healthz")

	rec := getAs(t, h, "/metrics", nil)
	if rec.Code != http.StatusUnauthorized || rec.Header().Get("Content-Type") != "application/problem+json" || strings.Contains(rec.Body.String(), "certboard_http") {
		t.Fatalf("anonymous: %d %s", rec.Code, rec.Body)
	}
	for who, u := range map[string]*boardsql.User{"applicant": applicant, "staff without two-factor": noFactor} {
		if rec := getAs(t, h, "/metrics", sessionFor(t, s, u)); rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "certboard_http") {
			t.Errorf("%s: %d", who, rec.Code)
		}
	}
	rec = getAs(t, h, "/metrics", sessionFor(t, s, staff))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") ||
		!strings.Contains(rec.Body.String(), `certboard_http_requests_total{code="200",route="GET /healthz"} 1`) ||
		!strings.Contains(rec.Body.String(), `certboard_http_requests_total{code="401",route="GET /metrics"} 1`) ||
		!strings.Contains(rec.Body.String(), "go_goroutines") {
		t.Fatalf("staff: %d %s\n%s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}

// TestMetricsApart: with a metrics listener, the main one answers 404 to
// everyone, staff included, and the metrics handler serves the Prometheus
// text without sign-in, counting the main listener's requests.
func TestMetricsApart(t *testing.T) {
	s, st := newServer(t)
	mh := s.MetricsApart()
	h := s.Handler()
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	get(t, h, "/healthz")
	get(t, h, "/api/v1/nothing-here")
	for who, c := range map[string]*http.Cookie{"anonymous": nil, "staff": sessionFor(t, s, staff)} {
		if rec := getAs(t, h, "/metrics", c); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "certboard_http") {
			t.Errorf("main listener, %s: %d", who, rec.Code)
		}
	}
	rec := get(t, mh, "/metrics")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics listener: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		"# TYPE certboard_http_requests_total counter",
		`certboard_http_requests_total{code="200",route="GET /healthz"} 1`,
		`certboard_http_requests_total{code="404",route="GET /metrics"} 2`,
		`route="/api/"`,
		"certboard_http_request_duration_seconds_bucket",
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "nothing-here") {
		t.Error("metrics must be labelled by route pattern, not raw path")
	}
	// The metrics listener serves nothing else, and its scrapes are not
	// counted.
	for _, path := range []string{"/", "/healthz", "/api/v1/me", "/login"} {
		if rec := get(t, mh, path); rec.Code != http.StatusNotFound {
			t.Errorf("metrics listener %s: %d, want 404", path, rec.Code)
		}
	}
	if rec := call(t, mh, http.MethodPost, "/metrics", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics on the metrics listener: %d", rec.Code)
	}
	if strings.Contains(get(t, mh, "/metrics").Body.String(), `code="200",route="GET /metrics"`) {
		t.Error("scrapes of the metrics listener are counted as main-listener requests")
	}
}
