// Package account is the HTTP side of the account use cases (auth.Accounts)
// that every certboard mode shares: the session middleware that loads the
// signed-in user and guards routes by their kit.Rule, sign-in with two
// factors, sign-up and e-mail verification, password reset and change,
// "confirm it's you", sessions, API tokens and the account page.
//
// A mode builds the handlers with New, registers the routes of Routes under
// its own access rules and rate limits, wraps its mux in Authenticate and
// each route in Guard, and reads the caller with UserFrom. The pages are the
// mode's: the handlers call Config.Render with a page name and a Page, and
// the mode draws it with its layout. The account pages themselves (login,
// login_two_factor, signup, signup_sent, verify, reset, reset_confirm,
// confirm, two_factor and account) are Templates, which the mode parses
// into its layout (kit.ParsePages); what they say that differs by mode is
// its Wording.
package account

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

// Page is what a handler gives the mode's page renderer: the mode adds the
// signed-in user, the path and the flash message.
type Page struct {
	Title string
	// Errors maps form fields to what to fix; "" holds a form-wide error.
	Errors map[string]string
	// Form holds the values to show in the form.
	Form url.Values
	// Data is the page's own view (AccountView, TwoFactorView,
	// ConfirmView, a message).
	Data any
}

// Config is what the account handlers need of their mode.
type Config struct {
	// Accounts is the account use cases, on the mode's database.
	Accounts *auth.Accounts
	// Errors answers the failures the handlers return (as internal
	// errors: see Routes) and those of the session middleware; its Page
	// draws error pages.
	Errors *kit.Errors
	// Render draws the page name of the mode's templates with status.
	Render func(w http.ResponseWriter, r *http.Request, status int, name string, p Page)
	// Log receives what goes wrong without failing a request.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SessionCookie and DeviceCookie name the session and known-device
	// cookies; FlashCookie the one-time message across a redirect.
	SessionCookie, DeviceCookie, FlashCookie string
	// Realm names the site in WWW-Authenticate; TOTPIssuer in
	// authenticator apps.
	Realm, TOTPIssuer string
	// AfterSignIn is where a sign-in without a usable next goes.
	AfterSignIn string
	// SaveDetails stores a change of the signed-in user's name and
	// workplace from the account page (after holds the form's version), with
	// whatever the mode checks and records with it; auth.ErrConflict when
	// the account changed since the form was drawn.
	SaveDetails func(ctx context.Context, before, after *auth.User) error
	// NoSignUp leaves out sign-up and e-mail verification: people get
	// their accounts from an admin (the practice). The sign-in page then
	// offers no sign-up either.
	NoSignUp bool
	// NoAPITokens leaves out API tokens: their routes, their part of the
	// account page, and signing in with one (a request to the API that
	// carries a token is refused). A mode whose sessions sign out when
	// idle, and that has no API for programs, offers none: a token would
	// outlive the idle sign-out.
	NoAPITokens bool
	// Wording is what the account pages and refusals say that differs by
	// mode.
	Wording Wording
}

// Wording is what the account pages and refusals say that differs by mode.
type Wording struct {
	// NeedTwoFactor tells a signed-in user who must turn on two-factor
	// sign-in, on the account page and the two-factor page, who must sign
	// in with two factors and what for (a sentence).
	NeedTwoFactor string
	// MustKeep says why two-factor sign-in cannot be turned off (a
	// sentence).
	MustKeep string
	// Grants names who can grant a role the user lacks ("a board admin").
	Grants string
	// Workplace is the hint under the account page's workplace field; ""
	// leaves the field out, and the workplace stays as it is.
	Workplace string
	// Links are the mode's own links on the account page.
	Links []Link
}

// Link is a link on an account page with a hint beside it.
type Link struct {
	Href, Text, Hint string
}

// Handlers are the account routes of a mode and its session middleware.
type Handlers struct {
	cfg Config
}

// New builds the account handlers.
func New(cfg Config) (*Handlers, error) {
	if cfg.Accounts == nil || cfg.Errors == nil || cfg.Render == nil || cfg.SaveDetails == nil {
		return nil, errors.New("account: accounts, errors, a page renderer and SaveDetails are required")
	}
	if cfg.SessionCookie == "" || cfg.DeviceCookie == "" || cfg.FlashCookie == "" || cfg.AfterSignIn == "" {
		return nil, errors.New("account: the cookie names and the page after sign-in are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Wording.NeedTwoFactor == "" || cfg.Wording.MustKeep == "" || cfg.Wording.Grants == "" {
		return nil, errors.New("account: the wording of two-factor sign-in and of roles is required")
	}
	return &Handlers{cfg: cfg}, nil
}

// Rules are the access rules and rate limits a mode gives the account
// routes.
type Rules struct {
	// Public lets anyone in; SignedIn any signed-in user.
	Public, SignedIn *kit.Rule
	// TwoFactorSetup is the rule of what a signed-in user must reach to
	// turn on two-factor sign-in when SignedIn asks for it: the
	// two-factor settings, "confirm it's you" and signing out. nil means
	// SignedIn.
	TwoFactorSetup *kit.Rule
	// The rate limits of the forms anyone can post, each shared by the
	// form's page and its API; nil lets every request through.
	SignUp, VerifyEmail, Reset, NewPassword func(http.Handler) http.Handler
}

// Routes lists the account routes under rules: sign-in and sign-out (pages
// and API), sign-up and e-mail verification (unless Config.NoSignUp),
// password reset, the account page, sessions, two-factor sign-in, API
// tokens (unless Config.NoAPITokens), "confirm it's you" and the password
// change. The handlers answer refusals themselves; an error one returns is
// answered by Config.Errors as an internal error.
func (h *Handlers) Routes(rules Rules) []kit.Route {
	f := h.handle
	limit := func(l func(http.Handler) http.Handler, fn kit.HandlerFunc) http.Handler {
		if l == nil {
			return f(fn)
		}
		return l(f(fn))
	}
	pub, in := rules.Public, rules.SignedIn
	rt := func(pattern string, a *kit.Rule, hd http.Handler) kit.Route {
		return kit.Route{Pattern: pattern, Access: a, Handler: hd}
	}
	setup := rules.TwoFactorSetup
	if setup == nil {
		setup = in
	}
	routes := []kit.Route{
		rt("POST /api/v1/session", pub, f(h.login)),
		rt("DELETE /api/v1/session", setup, f(h.logout)),
		rt("GET /api/v1/me", setup, f(h.me)),
		rt("GET /login", pub, f(h.loginPage)),
		rt("POST /login", pub, f(h.loginSubmit)),
		rt("POST /logout", setup, f(h.logoutSubmit)),
		rt("GET /password-reset", pub, f(h.resetPage)),
		rt("POST /password-reset", pub, limit(rules.Reset, h.resetSubmit)),
		rt("POST /api/v1/password-reset", pub, limit(rules.Reset, h.requestReset)),
		rt("GET /password-reset/sent", pub, f(h.mailSentPage)),
		rt("GET /password-reset/confirm", pub, f(h.resetConfirmPage)),
		rt("POST /password-reset/confirm", pub, limit(rules.NewPassword, h.resetConfirmSubmit)),
		rt("POST /api/v1/password-reset/confirm", pub, limit(rules.NewPassword, h.confirmReset)),
		rt("GET /account", in, f(h.accountPage)),
		rt("POST /account", in, f(h.accountSubmit)),
		rt("POST /account/sessions/{sid}/end", in, f(h.endSessionForm)),
		rt("POST /account/sessions/end-others", in, f(h.endOtherSessionsForm)),
		rt("GET /api/v1/sessions", in, f(h.sessionsJSON)),
		rt("DELETE /api/v1/sessions/{sid}", in, f(h.endSessionJSON)),
		rt("GET /login/two-factor", pub, f(h.twoFactorLoginPage)),
		rt("POST /login/two-factor", pub, f(h.twoFactorLoginSubmit)),
		rt("GET /account/two-factor", setup, f(h.twoFactorPage)),
		rt("POST /account/two-factor/setup", setup, f(h.twoFactorSetup)),
		rt("POST /account/two-factor/confirm", setup, f(h.twoFactorConfirm)),
		rt("POST /account/two-factor/disable", in, f(h.twoFactorDisable)),
		rt("POST /account/two-factor/recovery-codes", in, f(h.twoFactorRenewCodes)),
		rt("GET /account/confirm", setup, f(h.confirmPage)),
		rt("POST /account/confirm", setup, f(h.confirmSubmit)),
		rt("POST /account/password", in, f(h.changePasswordForm)),
		rt("POST /api/v1/account/password", in, f(h.changePasswordJSON)),
	}
	if !h.cfg.NoAPITokens {
		routes = append(routes,
			rt("GET /api/v1/tokens", in, f(h.listTokensJSON)),
			rt("POST /api/v1/tokens", in, f(h.createTokenJSON)),
			rt("DELETE /api/v1/tokens/{id}", in, f(h.revokeTokenJSON)),
			rt("POST /account/tokens", in, f(h.createTokenForm)),
			rt("POST /account/tokens/{id}/revoke", in, f(h.revokeTokenForm)),
		)
	}
	if h.cfg.NoSignUp {
		return routes
	}
	return append(routes,
		rt("GET /signup", pub, f(h.signupPage)),
		rt("POST /signup", pub, limit(rules.SignUp, h.signupSubmit)),
		rt("POST /api/v1/accounts", pub, limit(rules.SignUp, h.signUp)),
		rt("GET /signup/sent", pub, f(h.mailSentPage)),
		rt("GET /verify", pub, f(h.verifyPage)),
		rt("POST /verify", pub, limit(rules.VerifyEmail, h.verifySubmit)),
		rt("POST /api/v1/accounts/verify", pub, limit(rules.VerifyEmail, h.verifyEmail)),
	)
}

func (h *Handlers) now() time.Time {
	if h.cfg.Now != nil {
		return h.cfg.Now()
	}
	return time.Now()
}

// render draws a page of the mode.
func (h *Handlers) render(w http.ResponseWriter, r *http.Request, status int, name string, p Page) {
	h.cfg.Render(w, r, status, name, p)
}

// handle adapts an account handler to the mode's kit.Errors. The handlers
// answer every refusal themselves (a form shown again with the message
// beside its field, a page or problem+json), so an error one returns is
// unexpected: it is answered as an internal error, logged and never shown,
// even when a *certboard.Error or an error the mode's Errors.Convert knows
// is in its chain.
func (h *Handlers) handle(fn kit.HandlerFunc) http.Handler {
	return h.cfg.Errors.Handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := fn(w, r); err != nil {
			return &certboard.Error{Code: certboard.Internal, Err: err}
		}
		return nil
	})
}

// internal logs an unexpected error and answers 500 without details, for
// the session middleware, which is not a handler of Routes.
func (h *Handlers) internal(w http.ResponseWriter, err error) { h.cfg.Errors.Internal(w, err) }

// pageError shows an error page for a browser (problem+json without a page).
func (h *Handlers) pageError(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	if h.cfg.Errors.Page == nil {
		kit.Problem(w, status, title, detail)
		return
	}
	h.cfg.Errors.Page(w, r, status, title, detail)
}

// fail answers an error as problem+json to the API and as a page to browsers.
func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	if kit.WantsProblem(r) {
		kit.Problem(w, status, title, detail)
		return
	}
	h.pageError(w, r, status, title, detail)
}

// redirect answers a form post with 303 See Other and a one-time message;
// a message starting with "!" is shown as an error.
func (h *Handlers) redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	kit.Redirect(w, r, h.cfg.FlashCookie, to, flash)
}

// parseForm reads a urlencoded or multipart form with a size limit; on
// failure it has answered.
func (h *Handlers) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := kit.ParseForm(w, r, 1<<20); err != nil {
		e := h.cfg.Errors.Of(err)
		h.pageError(w, r, e.Answer().Status, e.Answer().Title, e.Message)
		return false
	}
	return true
}

// maxAPIBody bounds the small JSON objects of the account API: 8 KiB.
const maxAPIBody = 8 << 10

// writeJSON writes v as JSON (kit.WriteJSON); writeJSONStatus with a
// status other than 200 (kit.WriteJSONStatus).
func writeJSON(w http.ResponseWriter, v any) { kit.WriteJSON(w, v) }

func writeJSONStatus(w http.ResponseWriter, status int, v any) { kit.WriteJSONStatus(w, status, v) }

// refusal returns the *certboard.Error in err's chain that refuses a
// request, or nil for none and for an internal failure.
func refusal(err error) *certboard.Error {
	var e *certboard.Error
	if errors.As(err, &e) && e.Code != certboard.Internal {
		return e
	}
	return nil
}

// SafeNext returns next when it is a path on this site, and fallback
// otherwise: only a local path starting with a single "/" is followed, so
// that a crafted sign-in link cannot send anyone to another site
// ("//evil.example" and "/\evil.example" are other sites to a browser).
func SafeNext(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
		return fallback
	}
	for _, r := range next {
		if r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return fallback
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return next
}

// safeNext is SafeNext to the mode's page after sign-in.
func (h *Handlers) safeNext(next string) string { return SafeNext(next, h.cfg.AfterSignIn) }

// Sentence turns a problem message into a sentence for a form: a capital
// first letter and a closing full stop.
func Sentence(msg string) string {
	if msg == "" {
		return msg
	}
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
