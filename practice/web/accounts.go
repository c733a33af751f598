package web

import (
	"context"
	"net/http"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/web/account"
)

// The practice's cookies. Their names differ from the board's, which the
// demo serves beside the practice on localhost, where cookies ignore the
// port; the __Host- prefix makes browsers insist on Secure, Path=/ and no
// Domain. A board session is not a practice session in any case: each
// mode reads sessions from its own database.
const (
	// SessionCookie holds a practice session's token.
	SessionCookie = "__Host-certboard_practice_session"
	// DeviceCookie names a browser that signed in with its second factor.
	DeviceCookie = "__Host-certboard_practice_device"
)

// TOTPIssuer names the practice's codes in authenticator apps, apart from
// the board's.
const TOTPIssuer = "certboard practice"

// afterSignIn is where a sign-in without a (usable) next goes: the
// person's home page.
const afterSignIn = "/"

// accountWording is what the shared account pages say in a practice.
var accountWording = account.Wording{
	NeedTwoFactor: "Everyone at the practice signs in with two factors, because its pages hold clinical records: turn on two-factor sign-in to reach them.",
	MustKeep:      "Everyone at the practice must keep two-factor sign-in on.",
	Grants:        "a practice admin",
}

// newAccountHandlers builds the account pages, their API and the session
// middleware (package account) on the practice's account use cases: no
// public sign-up (admins add people, see people.go), no workplace field
// (the practice is the workplace), and no API tokens: a token would sign
// a program in past the 15-minute idle sign-out (SessionIdle), and the
// practice has no API for programs to call.
func (s *Server) newAccountHandlers() (*account.Handlers, error) {
	return account.New(account.Config{Accounts: s.accounts, Errors: &s.errs, Log: s.cfg.Log, Now: s.now,
		Render: func(w http.ResponseWriter, r *http.Request, status int, name string, p account.Page) {
			s.render(w, r, status, name, page{Title: p.Title, Errors: p.Errors, Form: p.Form, Data: p.Data})
		},
		SessionCookie: SessionCookie, DeviceCookie: DeviceCookie, FlashCookie: FlashCookie,
		Realm: "certboard practice", TOTPIssuer: TOTPIssuer, AfterSignIn: afterSignIn,
		SaveDetails: s.saveDetails, NoSignUp: true, NoAPITokens: true, Wording: accountWording})
}

// accountRoutes registers the account routes: everything but the setup
// of two factors and signing out needs a sign-in with two factors
// (Member); the password reset has its own, stricter, rate limits besides
// the anonymous one (see route).
func (s *Server) accountRoutes() {
	rules := account.Rules{Public: Public, SignedIn: Member, TwoFactorSetup: TwoFactorSetup,
		Reset: s.limiter(resetLimit), NewPassword: s.limiter(newPasswordLimit)}
	for _, rt := range s.acct.Routes(rules) {
		s.route(rt.Pattern, rt.Access, rt.Handler)
	}
}

// saveDetails saves the name a person gave on the account page
// (practice.Practice.ChangeOwnName).
func (s *Server) saveDetails(ctx context.Context, u, changed *auth.User) error {
	return s.practice.ChangeOwnName(ctx, u, changed)
}
