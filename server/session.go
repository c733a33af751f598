package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certboard/certboard/account"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/store"
)

// Session settings.
const (
	// SessionCookie is the session cookie's name; the __Host- prefix makes
	// browsers insist on Secure, Path=/ and no Domain.
	SessionCookie = "__Host-certboard_session"
	// SessionIdle ends a session not used for this long.
	SessionIdle = 30 * time.Minute
	// SessionMax ends a session this long after sign-in, however active.
	SessionMax = 12 * time.Hour
	// Sign-in limits: at most LoginFailuresPerEmail failed attempts for one
	// address, and LoginFailuresPerIP from one network address, within
	// LoginWindow; beyond that sign-in is refused until the window passes.
	LoginFailuresPerEmail = 5
	LoginFailuresPerIP    = 20
	LoginWindow           = 15 * time.Minute
)

type ctxKey int

const userKey ctxKey = 1

// userFrom returns the signed-in user of a request, or nil.
func userFrom(r *http.Request) *store.User {
	u, _ := r.Context().Value(userKey).(*store.User)
	return u
}

// authenticate puts the session's user, if any, in the request context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			u, err := s.cfg.Store.SessionUser(r.Context(), account.Digest(c.Value), s.now(), SessionIdle)
			switch {
			case err == nil:
				r = r.WithContext(context.WithValue(r.Context(), userKey, u))
			case !errors.Is(err, store.ErrNotFound):
				s.cfg.Log.Error("reading a session", "error", err)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// guard enforces a route's role rule. Anonymous callers get 401 from the
// API and are sent to the sign-in page from a page. Staff and admin routes
// also need two-factor sign-in: without it, pages send the user to set it up.
func guard(a Access, page bool, next http.Handler) http.Handler {
	if a == Public {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r)
		if u == nil {
			if page {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			w.Header().Set("WWW-Authenticate", `Cookie realm="certboard"`)
			problem(w, http.StatusUnauthorized, "Sign in required", "Sign in to use this; your session may have ended.")
			return
		}
		if !a.allows(u) {
			problem(w, http.StatusForbidden, "Not allowed", fmt.Sprintf("This needs the %s role, which your account does not hold.", a))
			return
		}
		if (a == Staff || a == Admin) && !u.TwoFactor() {
			if page {
				http.Redirect(w, r, "/account/two-factor?required=1", http.StatusSeeOther)
				return
			}
			problem(w, http.StatusForbidden, "Two-factor sign-in required", "Staff and admins must turn on two-factor sign-in (Account, Two-factor) before using this.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// clientIP is the remote address without its port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// userJSON is a user as the API shows it: never the password hash.
type userJSON struct {
	ID    int64    `json:"id"`
	Email string   `json:"email"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

func showUser(u *store.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles}
}

// dummyHash is verified against when the e-mail is unknown, so that a
// failed sign-in takes as long whether or not the account exists.
var dummyHash = sync.OnceValue(func() string {
	h, err := account.Hash("no account has this password", account.DefaultParams)
	if err != nil {
		panic(err) // only when the system has no randomness
	}
	return h
})

// login signs in with e-mail and password (JSON) and sets the session cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		problem(w, http.StatusBadRequest, "Invalid request", "Send a JSON object with email and password: "+err.Error())
		return
	}
	var missing []string
	if strings.TrimSpace(in.Email) == "" {
		missing = append(missing, "email")
	}
	if in.Password == "" {
		missing = append(missing, "password")
	}
	if len(missing) > 0 {
		problem(w, http.StatusBadRequest, "Invalid request", strings.Join(missing, " and ")+" must not be empty")
		return
	}
	ctx, now, ip := r.Context(), s.now(), clientIP(r)
	byEmail, byIP, err := s.cfg.Store.FailedLogins(ctx, in.Email, ip, now.Add(-LoginWindow))
	if err != nil {
		s.internal(w, err)
		return
	}
	if byEmail >= LoginFailuresPerEmail || byIP >= LoginFailuresPerIP {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(LoginWindow.Seconds()))))
		problem(w, http.StatusTooManyRequests, "Too many attempts",
			fmt.Sprintf("Sign-in is paused after repeated failures; try again in %d minutes, or reset your password.", int(LoginWindow.Minutes())))
		return
	}
	u, err := s.cfg.Store.UserByEmail(ctx, in.Email)
	hash := dummyHash()
	switch {
	case err == nil:
		hash = u.PasswordHash
	case !errors.Is(err, store.ErrNotFound):
		s.internal(w, err)
		return
	}
	ok, _, verr := account.Verify(hash, in.Password, account.DefaultParams)
	if verr != nil {
		// A stored hash this code cannot read: the account cannot sign in
		// until its password is reset, and someone should look.
		s.cfg.Log.Error("unreadable password hash", "email", in.Email, "error", verr)
	}
	ok = ok && verr == nil && u != nil
	if err := s.cfg.Store.RecordLogin(ctx, in.Email, ip, ok, now); err != nil {
		s.internal(w, err)
		return
	}
	if !ok {
		problem(w, http.StatusUnauthorized, "Sign-in failed", "The e-mail address or the password is not right.")
		return
	}
	if u.EmailVerifiedAt.IsZero() {
		problem(w, http.StatusForbidden, "E-mail address not verified", "Open the link we sent to your address first; sign up again for a new one.")
		return
	}
	token, digest, err := account.NewToken()
	if err != nil {
		s.internal(w, err)
		return
	}
	if err := s.cfg.Store.CreateSession(ctx, store.Session{Digest: digest, UserID: u.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(SessionMax), UserAgent: r.UserAgent()}); err != nil {
		s.internal(w, err)
		return
	}
	s.record(ctx, userEntry(now, u.ID, "session.sign_in"))
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: int(SessionMax.Seconds())})
	writeJSON(w, map[string]any{"user": showUser(u)})
}

// logout ends the caller's session and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.cfg.Store.DeleteSession(r.Context(), account.Digest(c.Value)); err != nil {
			s.internal(w, err)
			return
		}
	}
	s.record(r.Context(), userEntry(s.now(), userFrom(r).ID, "session.sign_out"))
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

// me returns the signed-in user.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{"user": showUser(userFrom(r))})
}

// record appends to the audit log in a transaction of its own; a failure is
// logged, since the change it records has already happened.
func (s *Server) record(ctx context.Context, e audit.Entry) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := s.cfg.Store.AppendAudit(ctx, tx, e)
		return err
	})
	if err != nil {
		s.cfg.Log.Error("writing the audit log", "action", e.Action, "error", err)
	}
}

// internal logs an unexpected error and answers 500 without details.
func (s *Server) internal(w http.ResponseWriter, err error) {
	s.cfg.Log.Error("internal error", "error", err)
	problem(w, http.StatusInternalServerError, "Internal error", "Something went wrong on our side; it has been logged.")
}
