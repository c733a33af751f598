package web

import (
	"net/http"
	"time"

	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
	"github.com/certboard/certboard/web/account"
)

// Session settings.
const (
	// SessionCookie is the session cookie's name; the __Host- prefix makes
	// browsers insist on Secure, Path=/ and no Domain.
	SessionCookie = "__Host-certboard_session"
	// SessionIdle ends a session not used for this long.
	SessionIdle = auth.SessionIdle
	// SessionMax ends a session this long after sign-in, however active.
	SessionMax = auth.SessionMax
)

// PendingMax is how long a sign-in may wait between its password and its
// second factor.
const PendingMax = auth.PendingMax

// userFrom returns the signed-in user of a request, or nil (see
// account.UserFrom).
func userFrom(r *http.Request) *auth.User { return account.UserFrom(r) }

// authenticate puts the caller's user, if any, in the request context (see
// account.Handlers.Authenticate).
func (s *Server) authenticate(next http.Handler) http.Handler { return s.acct.Authenticate(next) }

// guard enforces a route's access rule (see account.Handlers.Guard):
// anonymous callers get 401 from the API and are sent to the sign-in page
// from a page; staff, admin and regulator routes also need two-factor
// sign-in.
func (s *Server) guard(a Access, page bool, next http.Handler) http.Handler {
	return s.acct.Guard(a, page, next)
}

// needsTwoFactor reports whether an account must sign in with two factors
// to do its work (auth.NeedsTwoFactor).
func needsTwoFactor(u *auth.User) bool { return auth.NeedsTwoFactor(u) }

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// clientIP is the remote address without its port.
func clientIP(r *http.Request) string { return kit.ClientIP(r) }

// internal logs an unexpected error and answers 500 without details.
func (s *Server) internal(w http.ResponseWriter, err error) {
	s.errs.Internal(w, err)
}
