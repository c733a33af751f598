package account

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "/applications",
		"/account":                "/account",
		"/applications/3?tab=x":   "/applications/3?tab=x",
		"//evil.example":          "/applications",
		"//evil.example/account":  "/applications",
		`/\evil.example`:          "/applications",
		`/a\b`:                    "/applications",
		"https://evil.example/":   "/applications",
		"javascript:alert(1)":     "/applications",
		"evil.example":            "/applications",
		"/ok\r\nLocation: x":      "/applications",
		"/\t/evil.example":        "/applications",
		"///evil.example":         "/applications",
		"/account#sessions":       "/account#sessions",
		"/search?q=a%20b&page=2":  "/search?q=a%20b&page=2",
		"http:/evil.example/path": "/applications",
	} {
		if got := SafeNext(in, "/applications"); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDescribeAgent(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36 Edg/140.0":                   "Edge on Windows",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1": "Safari on iOS",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15":                      "Safari on macOS",
		"curl/8.5.0": "curl",
		"":           "",
	} {
		if got := describeAgent(ua); got != want {
			t.Errorf("describeAgent(%q) = %q, want %q", ua, got, want)
		}
	}
}

func TestGuard(t *testing.T) {
	var page string
	h := &Handlers{cfg: Config{Realm: "certboard", Wording: Wording{Grants: "a board admin"}, Errors: &kit.Errors{Page: func(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
		page = title + ": " + detail
		w.WriteHeader(status)
	}}}}
	staff := &kit.Rule{Name: "staff", TwoFactor: true, Allow: func(u kit.Roles) bool { return u.HasRole(auth.Staff) }}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	applicant := &auth.User{ID: 1, Roles: []auth.Role{auth.Applicant}}
	staffNo2FA := &auth.User{ID: 2, Roles: []auth.Role{auth.Staff}}
	staff2FA := &auth.User{ID: 3, Roles: []auth.Role{auth.Staff}, TOTPEnabledAt: time.Unix(1, 0)}
	for _, tc := range []struct {
		name      string
		user      *auth.User
		page      bool
		code      int
		location  string
		challenge string
	}{
		{"anonymous page", nil, true, http.StatusSeeOther, "/login?next=%2Fqueue%3Fa%3D1", ""},
		{"anonymous API", nil, false, http.StatusUnauthorized, "", `Cookie realm="certboard"`},
		{"role missing, page", applicant, true, http.StatusForbidden, "", ""},
		{"role missing, API", applicant, false, http.StatusForbidden, "", ""},
		{"no two-factor, page", staffNo2FA, true, http.StatusSeeOther, "/account/two-factor?required=1", ""},
		{"no two-factor, API", staffNo2FA, false, http.StatusForbidden, "", ""},
		{"allowed", staff2FA, true, http.StatusTeapot, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page = ""
			r := httptest.NewRequest("GET", "/queue?a=1", nil)
			if tc.user != nil {
				r = r.WithContext(WithUser(r.Context(), tc.user))
			}
			rec := httptest.NewRecorder()
			h.Guard(staff, tc.page, ok).ServeHTTP(rec, r)
			if rec.Code != tc.code || rec.Header().Get("Location") != tc.location || rec.Header().Get("WWW-Authenticate") != tc.challenge {
				t.Fatalf("%d %q %q", rec.Code, rec.Header().Get("Location"), rec.Header().Get("WWW-Authenticate"))
			}
			if tc.name == "role missing, page" && page != "Not allowed: This needs the staff role, which your account does not hold; a board admin can grant it." {
				t.Fatalf("page %q", page)
			}
		})
	}
	public := &kit.Rule{Name: "public", Public: true}
	rec := httptest.NewRecorder()
	h.Guard(public, true, ok).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusTeapot {
		t.Fatalf("public: %d", rec.Code)
	}
}

// TestNoAPITokens: with Config.NoAPITokens the token routes are left out
// and a request to the API that carries a token is refused before any
// account is read; without it, they are there.
func TestNoAPITokens(t *testing.T) {
	tokenRoutes := []string{"GET /api/v1/tokens", "POST /api/v1/tokens", "DELETE /api/v1/tokens/{id}",
		"POST /account/tokens", "POST /account/tokens/{id}/revoke"}
	for _, no := range []bool{false, true} {
		h := &Handlers{cfg: Config{NoAPITokens: no}}
		served := map[string]bool{}
		for _, r := range h.Routes(Rules{}) {
			served[r.Pattern] = true
		}
		for _, p := range tokenRoutes {
			if served[p] == no {
				t.Errorf("NoAPITokens %v: %s served %v", no, p, served[p])
			}
		}
		if !served["GET /account"] || !served["POST /api/v1/session"] {
			t.Errorf("NoAPITokens %v: the other routes are missing", no)
		}
	}

	h := &Handlers{cfg: Config{NoAPITokens: true}}
	reached := false
	mw := h.Authenticate(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
	req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer cbt_anything")
	rec := httptest.NewRecorder()
	mw.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized || reached {
		t.Errorf("a token to the API: %d, reached %v", rec.Code, reached)
	}
	// Pages never read tokens: the header is ignored there.
	req = httptest.NewRequest(http.MethodGet, "/account", nil)
	req.Header.Set("Authorization", "Bearer cbt_anything")
	mw.ServeHTTP(httptest.NewRecorder(), req)
	if !reached {
		t.Error("a page request with a token header was refused")
	}
}

// An error an account handler returns is unexpected: answered 500 as
// problem+json and logged, its cause never shown, even when it carries a
// refusal or the mode's Errors.Convert knows it.
func TestHandleAnswersReturnedErrorsAsInternal(t *testing.T) {
	errKnown := errors.New("row vanished")
	var logged bytes.Buffer
	pageShown := false
	h := &Handlers{cfg: Config{Errors: &kit.Errors{
		Log: slog.New(slog.NewTextHandler(&logged, nil)),
		Page: func(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
			pageShown = true
			w.WriteHeader(status)
		},
		Convert: func(err error) *certboard.Error {
			if errors.Is(err, errKnown) {
				return &certboard.Error{Code: certboard.NotFound, Message: "not there", Err: err}
			}
			return nil
		},
	}}}
	for name, err := range map[string]error{
		"plain":     errors.New("disk on fire"),
		"converted": fmt.Errorf("loading sessions: %w", errKnown),
		"refusal":   fmt.Errorf("saving: %w", &certboard.Error{Code: certboard.Conflict, Message: "changed meanwhile"}),
	} {
		t.Run(name, func(t *testing.T) {
			logged.Reset()
			pageShown = false
			rec := httptest.NewRecorder()
			h.handle(func(http.ResponseWriter, *http.Request) error { return err }).ServeHTTP(rec, httptest.NewRequest("GET", "/account", nil))
			if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" || pageShown {
				t.Fatalf("answered %d %q (page %v), want 500 problem+json", rec.Code, rec.Header().Get("Content-Type"), pageShown)
			}
			if body := rec.Body.String(); !strings.Contains(body, kit.InternalDetail) || strings.Contains(body, err.Error()) {
				t.Errorf("body %s: want the internal detail and not the cause", body)
			}
			if !strings.Contains(logged.String(), err.Error()) {
				t.Errorf("log %q lacks the cause %q", logged.String(), err.Error())
			}
		})
	}
	logged.Reset()
	rec := httptest.NewRecorder()
	h.handle(func(w http.ResponseWriter, _ *http.Request) error {
		w.WriteHeader(http.StatusTeapot)
		return nil
	}).ServeHTTP(rec, httptest.NewRequest("GET", "/account", nil))
	if rec.Code != http.StatusTeapot || logged.Len() != 0 {
		t.Errorf("a handler that answered itself: got %d, log %q", rec.Code, logged.String())
	}
}
