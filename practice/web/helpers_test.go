package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
)

// testLog receives the server log.
var testLog io.Writer = io.Discard

// testPassword is the password of every test account.
const testPassword = "quiet harbour lantern moss"

// clock is a test clock that the server reads and a test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// world is a practice's server on a fresh SQLite database (practicesql's
// own tests run on both engines), with its people by name:
//
//	admin        practice admin, two factors on
//	practitioner practitioner, two factors on
//	both         practitioner and practice admin, two factors on
//	nofactor     practitioner without two factors
//	noadmin2fa   practice admin without two factors
//	norole       no role, two factors on
type world struct {
	s       *Server
	h       http.Handler
	st      *practicesql.Store
	clock   *clock
	users   map[string]*auth.User
	secrets map[string]string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := practicesql.Open(ctx, practicesql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := &world{st: st, clock: &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}, users: map[string]*auth.User{}, secrets: map[string]string{}}
	w.s, err = New(Config{Practice: practicesql.ForPractice{Store: st}, Accounts: st.Accounts(), Now: w.clock.now,
		Log: slog.New(slog.NewTextHandler(testLog, nil)), PublicURL: "https://practice.example", HashConcurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	w.h = w.s.Handler()
	hash, err := auth.Hash(testPassword, auth.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name      string
		roles     []auth.Role
		twoFactor bool
	}{
		{"admin", []auth.Role{auth.PracticeAdmin}, true},
		{"practitioner", []auth.Role{auth.Practitioner}, true},
		{"both", []auth.Role{auth.Practitioner, auth.PracticeAdmin}, true},
		{"nofactor", []auth.Role{auth.Practitioner}, false},
		{"noadmin2fa", []auth.Role{auth.PracticeAdmin}, false},
		{"norole", nil, true},
	} {
		now := w.clock.now()
		id, err := st.CreateUser(ctx, auth.User{Email: p.name + "@practice.example", Name: "Person " + p.name, PasswordHash: hash,
			Roles: p.roles, CreatedAt: now, EmailVerifiedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		if p.twoFactor {
			secret, err := auth.NewTOTPSecret()
			if err != nil {
				t.Fatal(err)
			}
			if err := st.EnableTOTP(ctx, id, secret, now); err != nil {
				t.Fatal(err)
			}
			w.secrets[p.name] = secret
		}
		if w.users[p.name], err = st.UserByID(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// session makes a signed-in session for a person in the store and
// returns its cookie.
func (w *world) session(t *testing.T, who string) *http.Cookie {
	t.Helper()
	token, digest, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := w.clock.now()
	if err := w.st.Accounts().CreateSession(context.Background(), auth.Session{Digest: digest, UserID: w.users[who].ID, CreatedAt: now,
		LastSeenAt: now, ExpiresAt: now.Add(auth.SessionMax)}); err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: SessionCookie, Value: token}
}

// do makes a request as a same-origin browser would, with cookies.
func (w *world) do(t *testing.T, method, path string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "192.0.2.7:5555"
	for _, c := range cookies {
		if c != nil {
			req.AddCookie(c)
		}
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec
}

// get is a GET as a browser.
func (w *world) get(t *testing.T, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	return w.do(t, http.MethodGet, path, nil, cookies...)
}

// cookie returns the cookie of a name an answer sets (nil for none).
func cookie(rec *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// code is the current two-factor code of a person, at the server's time
// plus skip steps (a code is accepted once).
func (w *world) code(t *testing.T, who string, skip int) string {
	t.Helper()
	c, err := auth.TOTPCode(w.secrets[who], w.clock.now().Add(time.Duration(skip)*auth.TOTPPeriod))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signIn signs a person with two factors in through the pages and returns
// the session cookie.
func (w *world) signIn(t *testing.T, who string) *http.Cookie {
	t.Helper()
	rec := w.do(t, http.MethodPost, "/login", url.Values{"email": {who + "@practice.example"}, "password": {testPassword}})
	pending := cookie(rec, SessionCookie)
	if rec.Code != http.StatusSeeOther || pending == nil {
		t.Fatalf("password step: %d %s", rec.Code, rec.Body)
	}
	if !w.users[who].TwoFactor() {
		return pending
	}
	if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, "/login/two-factor") {
		t.Fatalf("password step of a two-factor account went to %q", loc)
	}
	rec = w.do(t, http.MethodPost, "/login/two-factor", url.Values{"code": {w.code(t, who, 0)}, "next": {"/"}}, pending)
	full := cookie(rec, SessionCookie)
	if rec.Code != http.StatusSeeOther || full == nil || rec.Header().Get("Location") != "/" {
		t.Fatalf("code step: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	return full
}
