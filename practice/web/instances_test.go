package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
	"github.com/certboard/certboard/web/limitsql"
)

// twoPractices returns two servers of one practice as certboard serve runs
// them on one PostgreSQL database (a store each, the same keys, rate
// limits shared through the database, one stopped clock), and the cookie
// of a session of its admin (two factors on) made through the first.
// Without a reachable PostgreSQL the test is skipped (failed when
// CERTBOARD_CI=1).
func twoPractices(t *testing.T) (a, b http.Handler, admin *http.Cookie) {
	t.Helper()
	ctx := context.Background()
	dbURL, err := sqldbtest.Postgres(t)
	if err != nil {
		t.Skipf("two instances need PostgreSQL: %v", err)
	}
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	var first *practicesql.Store
	instance := func() http.Handler {
		st, err := practicesql.Open(ctx, practicesql.Config{DatabaseURL: dbURL, Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = st
		}
		s, err := New(Config{Practice: practicesql.ForPractice{Store: st}, Accounts: st.Accounts(), Now: func() time.Time { return now },
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: "https://practice.example", HashConcurrency: 2,
			Limits: limitsql.New(st.DB)})
		if err != nil {
			t.Fatal(err)
		}
		return s.Handler()
	}
	a, b = instance(), instance()
	id, err := first.CreateUser(ctx, auth.User{Email: "admin@practice.example", Name: "Person admin", Roles: []auth.Role{auth.PracticeAdmin},
		CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.EnableTOTP(ctx, id, secret, now); err != nil {
		t.Fatal(err)
	}
	token, digest, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Accounts().CreateSession(ctx, auth.Session{Digest: digest, UserID: id, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(auth.SessionMax)}); err != nil {
		t.Fatal(err)
	}
	return a, b, &http.Cookie{Name: SessionCookie, Value: token}
}

// TestTwoPracticeInstancesBehaveAsOne: two servers of one practice on one
// PostgreSQL database. A rate limit used up through one holds on the
// other, and an issuer trusted through one is on the other's trust list.
func TestTwoPracticeInstancesBehaveAsOne(t *testing.T) {
	a, b, admin := twoPractices(t)
	do := func(h http.Handler, method, path string, form url.Values, addr string, c *http.Cookie) *httptest.ResponseRecorder {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req := httptest.NewRequest(method, path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.RemoteAddr = addr + ":5555"
		if c != nil {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	// Reads of calendar feeds from one address, half on each instance.
	feed := "/calendar/" + strings.Repeat("A", 43) + ".ics"
	for i := range feedLimit.perAddress {
		h := a
		if i%2 == 1 {
			h = b
		}
		if rec := do(h, http.MethodGet, feed, nil, "198.51.100.7", nil); rec.Code != http.StatusNotFound {
			t.Fatalf("read %d of %d: %d", i+1, feedLimit.perAddress, rec.Code)
		}
	}
	for name, h := range map[string]http.Handler{"A": a, "B": b} {
		if rec := do(h, http.MethodGet, feed, nil, "198.51.100.7", nil); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("read %d on %s: %d, want 429: the instances do not share the limit", feedLimit.perAddress+1, name, rec.Code)
		}
	}

	// The trust list.
	if rec := do(b, http.MethodGet, "/admin/trust-list", nil, "192.0.2.7", admin); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "did:web:aasect.example") {
		t.Fatalf("B's trust list before: %d", rec.Code)
	}
	rec := do(a, http.MethodPost, "/admin/trust-list", url.Values{"did": {"did:web:aasect.example"}, "name": {"AASECT"}, "types": {"aasect-cst"}}, "192.0.2.7", admin)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("trusting on A: %d %s", rec.Code, rec.Body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(do(b, http.MethodGet, "/admin/trust-list", nil, "192.0.2.7", admin).Body.String(), "did:web:aasect.example") {
		if time.Now().After(deadline) {
			t.Fatal("the issuer trusted on A is not on B's trust list within 10 seconds")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
