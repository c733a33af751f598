package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// testPassword is every test account's password.
const testPassword = "violet kettle mountain breeze"

var testHash = sync.OnceValue(func() string {
	h, err := auth.Hash(testPassword, auth.DefaultParams)
	if err != nil {
		panic(err)
	}
	return h
})

// addUser creates a verified account with roles; staff, admins and
// regulators also get two-factor sign-in marked as on, as they must have it.
func addUser(t *testing.T, st *boardsql.Store, email, name string, roles ...auth.Role) *boardsql.User {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	id, err := st.CreateUser(ctx, boardsql.User{Email: email, Name: name, PasswordHash: testHash(), Roles: roles, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r == auth.Staff || r == auth.Admin || r == auth.Regulator {
			if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind("UPDATE users SET totp_enabled_at = ? WHERE id = ?"), now.UTC().Format("2006-01-02T15:04:05.000000Z"), id); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	u, err := st.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sessionFor signs a user in directly through the store (bypassing the
// password and second factor, which their own tests cover) and returns the
// session cookie.
func sessionFor(t *testing.T, s *Server, u *boardsql.User) *http.Cookie {
	t.Helper()
	token, digest, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := s.now()
	if err := s.store().CreateSession(context.Background(), boardsql.Session{Digest: digest, UserID: u.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(SessionMax)}); err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: SessionCookie, Value: token}
}

// postForm posts a urlencoded form as a same-origin browser would.
func postForm(t *testing.T, h http.Handler, path string, form url.Values, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "192.0.2.7:5555"
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// getAs fetches a path with a session cookie (nil: anonymous).
func getAs(t *testing.T, h http.Handler, path string, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "192.0.2.7:5555"
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
