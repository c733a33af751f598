package account

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

type ctxKey int

const (
	userKey ctxKey = iota + 1
	// sessionKey holds the caller's signed-in *auth.Session (absent when
	// the caller authenticated with an API token).
	sessionKey
	// viaTokenKey is true when the caller authenticated with an API token.
	viaTokenKey
	// pendingKey holds a *pendingSignIn: a session that passed the
	// password step and waits for its second factor.
	pendingKey
)

// pendingSignIn is a sign-in waiting for its second factor. It is not a
// signed-in user: only the two-factor sign-in page reads it.
type pendingSignIn struct {
	Session *auth.Session
	User    *auth.User
}

// UserFrom returns the signed-in user of a request, or nil.
func UserFrom(r *http.Request) *auth.User {
	u, _ := r.Context().Value(userKey).(*auth.User)
	return u
}

// WithUser returns ctx with u as its signed-in user, for a mode that serves
// a request on a user's behalf without a session (and for tests).
func WithUser(ctx context.Context, u *auth.User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// SessionFrom returns the caller's signed-in session, or nil (anonymous, or
// signed in with an API token).
func SessionFrom(r *http.Request) *auth.Session {
	ss, _ := r.Context().Value(sessionKey).(*auth.Session)
	return ss
}

// ViaToken reports whether the caller authenticated with an API token.
func ViaToken(r *http.Request) bool {
	v, _ := r.Context().Value(viaTokenKey).(bool)
	return v
}

// pendingFrom returns the sign-in waiting for its second factor, or nil.
func pendingFrom(r *http.Request) *pendingSignIn {
	p, _ := r.Context().Value(pendingKey).(*pendingSignIn)
	return p
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// Authenticate puts the caller's user, if any, in the request context.
//
// Under /api/ an "Authorization: Bearer cbt_..." API token authenticates
// its user, with the user's roles. A staff member's token counts as
// two-factor: creating one needs a session that passed two-factor sign-in
// (tokens cannot be made without it, see createTokenJSON). An unknown,
// revoked or expired token gets 401 at once, an expired one saying so.
// Pages never accept tokens, only the session cookie, so a leaked token
// cannot drive a browser session.
//
// With Config.NoAPITokens a request to the API that carries a token gets
// 401 at once, saying the site takes none, whatever session cookie comes
// with it.
//
// A session cookie whose session still waits for its second factor signs no
// one in; it is kept aside for the two-factor sign-in page.
func (h *Handlers) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if _, ok := bearerToken(r); ok && h.cfg.NoAPITokens {
				kit.Problem(w, http.StatusUnauthorized, "Tokens not accepted",
					"This site does not accept API tokens; sign in instead, and send no Authorization header.")
				return
			}
			if token, ok := bearerToken(r); ok {
				u, err := h.cfg.Accounts.TokenUser(ctx, token)
				switch {
				case errors.Is(err, auth.ErrTokenExpired):
					e := certboard.As(err)
					w.Header().Set("WWW-Authenticate", `Bearer realm="`+h.cfg.Realm+`", error="invalid_token", error_description="The token expired"`)
					kit.Problem(w, e.Answer().Status, e.Answer().Title, e.Message)
					return
				case errors.Is(err, auth.ErrNotFound):
					w.Header().Set("WWW-Authenticate", `Bearer realm="`+h.cfg.Realm+`", error="invalid_token"`)
					kit.Problem(w, http.StatusUnauthorized, "Token not valid", "This API token is unknown or revoked; create a new one on your account page.")
					return
				case err != nil:
					h.internal(w, err)
					return
				}
				ctx = context.WithValue(context.WithValue(ctx, userKey, u), viaTokenKey, true)
				next.ServeHTTP(w, r.WithContext(ctx))
				return
			}
		}
		if c, err := kit.ReadCookie(r, h.cfg.SessionCookie); err == nil && c.Value != "" {
			ss, u, err := h.cfg.Accounts.LiveSession(ctx, c.Value)
			switch {
			case err == nil && ss.Pending:
				ctx = context.WithValue(ctx, pendingKey, &pendingSignIn{Session: ss, User: u})
			case err == nil:
				ctx = context.WithValue(context.WithValue(ctx, userKey, u), sessionKey, ss)
			case !errors.Is(err, auth.ErrNotFound):
				// Never serve a signed-in user as signed out because the
				// database did not answer: say so, and let them retry.
				h.cfg.Log.Error("reading a session", "error", err)
				w.Header().Set("Retry-After", "5")
				h.fail(w, r, http.StatusServiceUnavailable, "Temporarily unavailable", "The server could not read your session; try again in a few seconds.")
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Guard enforces a route's access rule; page tells a route serving
// browsers from one serving programs. Anonymous callers get 401 from the
// API and are sent to the sign-in page from a page. Rules that need
// two-factor sign-in refuse a user without it: pages send the user to set
// it up and the API answers 403 saying how.
func (h *Handlers) Guard(a *kit.Rule, page bool, next http.Handler) http.Handler {
	if a != nil && a.Public {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := UserFrom(r)
		if u == nil {
			if page {
				kit.SeeOther(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			w.Header().Set("WWW-Authenticate", `Cookie realm="`+h.cfg.Realm+`"`)
			kit.Problem(w, http.StatusUnauthorized, "Sign in required", "Sign in to use this; your session may have ended.")
			return
		}
		if !a.Allows(u) {
			detail := fmt.Sprintf("This needs the %s role, which your account does not hold; %s can grant it.", a, h.cfg.Wording.Grants)
			if page {
				h.pageError(w, r, http.StatusForbidden, "Not allowed", detail)
				return
			}
			kit.Problem(w, http.StatusForbidden, "Not allowed", detail)
			return
		}
		if a.TwoFactor && !u.TwoFactor() {
			if page {
				kit.SeeOther(w, r, "/account/two-factor?required=1", http.StatusSeeOther)
				return
			}
			kit.Problem(w, http.StatusForbidden, "Two-factor sign-in required", h.cfg.Wording.NeedTwoFactor+" Turn it on under Account, Two-factor, before using this.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// UserJSON is a user as the API shows it: never the password hash.
type UserJSON struct {
	ID    int64       `json:"id"`
	Email string      `json:"email"`
	Name  string      `json:"name"`
	Roles []auth.Role `json:"roles"`
}

func showUser(u *auth.User) UserJSON {
	return UserJSON{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles}
}

// A refused sign-in step (a wrong password or code, a confirmation that
// is missing or wrong, an attempt that must wait) is a *certboard.Error
// made by auth.Refusal: code Unauthorized (401), Forbidden (403) or
// RateLimited (429, with RetryAfterSeconds), its own Title, the Message
// for the person and the Field of the form it belongs to ("" for the whole
// form). The JSON API answers it as a problem, the pages show it on the
// form. auth.AsRefusal finds the refusals and nothing else.

// refusalStatus is the HTTP status of a refusal.
func refusalStatus(e *certboard.Error) int { return e.Answer().Status }

// setRetryAfter sets the Retry-After header of a refusal that has a wait.
func setRetryAfter(w http.ResponseWriter, e *certboard.Error) {
	if e.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfterSeconds))
	}
}

// answerRefusal writes a sign-in refusal as problem+json, its message
// prefixed with field when field is not "".
func answerRefusal(w http.ResponseWriter, e *certboard.Error, field string) {
	setRetryAfter(w, e)
	detail := e.Message
	if field != "" {
		detail = field + ": " + detail
	}
	kit.Problem(w, refusalStatus(e), e.Answer().Title, detail)
}

// client is who makes a request, as the account use cases see it.
func (h *Handlers) client(r *http.Request) auth.Client {
	c := auth.Client{Network: kit.LimitKey(r), UserAgent: r.UserAgent()}
	if k, err := kit.ReadCookie(r, h.cfg.DeviceCookie); err == nil {
		c.DeviceToken = k.Value
	}
	return c
}

// setDeviceCookie gives the browser its device token.
func (h *Handlers) setDeviceCookie(w http.ResponseWriter, r *http.Request, token string) {
	kit.SetCookie(w, r, &http.Cookie{Name: h.cfg.DeviceCookie, Value: token, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(auth.DeviceMax.Seconds())})
}

// startSession stores a session for a sign-in whose password was right (a
// full one, or with pending one that waits for the second factor) and sets
// the cookie.
func (h *Handlers) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, at *auth.Attempt, pending bool) error {
	started, err := h.cfg.Accounts.StartSession(ctx, at, pending)
	if err != nil {
		return err
	}
	h.setSessionCookie(w, r, started.Token, started.Session.ExpiresAt.Sub(started.Session.CreatedAt))
	return nil
}

// setSessionCookie gives the browser its session token.
func (h *Handlers) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, life time.Duration) {
	kit.SetCookie(w, r, &http.Cookie{Name: h.cfg.SessionCookie, Value: token, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: int(life.Seconds())})
}

// clearSessionCookie makes the browser forget its session token.
func (h *Handlers) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	kit.SetCookie(w, r, &http.Cookie{Name: h.cfg.SessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// login signs in with e-mail and password (JSON) and sets the session
// cookie. An account with two-factor sign-in also needs "totp": a current
// code from the authenticator app or an unused recovery code; without it the
// answer is 401 saying a code is needed.
func (h *Handlers) login(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		TOTP     string `json:"totp"`
	}
	if !kit.DecodeBody(w, r, &in, "email and password (and totp for two-factor accounts)", 4096) {
		return nil
	}
	var missing []string
	if strings.TrimSpace(in.Email) == "" {
		missing = append(missing, "email")
	}
	if in.Password == "" {
		missing = append(missing, "password")
	}
	if len(missing) > 0 {
		kit.Problem(w, http.StatusBadRequest, "Invalid request", strings.Join(missing, " and ")+" must not be empty")
		return nil
	}
	ctx := r.Context()
	at, err := h.cfg.Accounts.CheckPassword(ctx, h.client(r), in.Email, in.Password)
	if failed, err := h.signInFailed(w, err); failed {
		return err
	}
	u := at.User
	if !u.TwoFactor() {
		if err := h.startSession(ctx, w, r, at, false); err != nil {
			return err
		}
		writeJSON(w, map[string]any{"user": showUser(u)})
		return nil
	}
	if strings.TrimSpace(in.TOTP) == "" {
		kit.Problem(w, http.StatusUnauthorized, "Two-factor code needed",
			"totp: this account signs in with two factors; send the 6-digit code from your authenticator app, or a recovery code, as totp.")
		return nil
	}
	started, err := h.cfg.Accounts.SecondFactor(ctx, at, in.TOTP, "")
	if failed, err := h.signInFailed(w, err); failed {
		return err
	}
	h.setSessionCookie(w, r, started.Token, auth.SessionMax)
	h.setDeviceCookie(w, r, started.DeviceToken)
	writeJSON(w, map[string]any{"user": showUser(u)})
	return nil
}

// signInFailed answers a refused sign-in step as problem+json and reports
// whether the step failed; it returns an unexpected failure, unanswered.
func (h *Handlers) signInFailed(w http.ResponseWriter, err error) (bool, error) {
	if se := auth.AsRefusal(err); se != nil {
		answerRefusal(w, se, "")
		return true, nil
	}
	return err != nil, err
}

// endCurrentSession ends the caller's own session with its audit entry and
// clears the cookie.
func (h *Handlers) endCurrentSession(w http.ResponseWriter, r *http.Request) error {
	if err := h.cfg.Accounts.SignOut(r.Context(), UserFrom(r), SessionFrom(r)); err != nil {
		return err
	}
	h.clearSessionCookie(w, r)
	return nil
}

// logout ends the caller's session and clears the cookie.
func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.endCurrentSession(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// me returns the signed-in user.
func (h *Handlers) me(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, map[string]any{"user": showUser(UserFrom(r))})
	return nil
}
