package web

import (
	"context"
	"net/http"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/web/account"
)

// afterSignIn is where a sign-in without a (usable) next goes: the home
// page, which shows each person the work of their roles.
const afterSignIn = "/"

// newAccountHandlers builds the account pages, their API and the session
// middleware (package account) on the board's account use cases, pages and
// error answers. The board's own part is saveDetails.
func (s *Server) newAccountHandlers() (*account.Handlers, error) {
	return account.New(account.Config{Accounts: s.accounts, Errors: &s.errs, Log: s.cfg.Log, Now: s.now,
		Render: func(w http.ResponseWriter, r *http.Request, status int, name string, p account.Page) {
			s.render(w, r, status, name, page{Title: p.Title, Errors: p.Errors, Form: p.Form, Data: p.Data})
		},
		SessionCookie: SessionCookie, DeviceCookie: DeviceCookie, FlashCookie: FlashCookie,
		Realm: "certboard", TOTPIssuer: TOTPIssuer, AfterSignIn: afterSignIn, SaveDetails: s.saveDetails, Wording: accountWording})
}

// accountWording is what the account pages say on the board: who must
// sign in with two factors, who grants roles, the practice a reviewer
// works at (for conflicts of interest) and the public profile.
var accountWording = account.Wording{
	NeedTwoFactor: "Board staff and admins must turn on two-factor sign-in before they can use the staff pages, and regulators before they look people up.",
	MustKeep:      "Board staff, admins and regulators must keep two-factor sign-in on.",
	Grants:        "a board admin",
	Workplace:     "Where you work. Reviewers from the same practice as an applicant are not assigned to them.",
	Links: []account.Link{{Href: "/account/profile", Text: "Your public profile",
		Hint: "How the public registry lists you, if you hold a credential and choose to be listed."}},
}

// accountRoutes registers the account routes (account.Handlers.Routes):
// sign-in and sign-out, sign-up, e-mail verification, password reset, the
// account page, sessions, two-factor sign-in, API tokens, "confirm it's
// you" and the password change; each form anyone can post shares one rate
// limit with its API.
func (s *Server) accountRoutes() {
	rules := account.Rules{Public: Public, SignedIn: Authenticated,
		SignUp: s.limiter(signUpLimit), VerifyEmail: s.limiter(verifyEmailLimit),
		Reset: s.limiter(resetLimit), NewPassword: s.limiter(newPasswordLimit)}
	for _, rt := range s.acct.Routes(rules) {
		s.route(rt.Pattern, rt.Access, rt.Handler)
	}
}

// saveDetails saves the name and practice a user gave on the account page
// (board.ChangeOwnDetails): if the account is still at the version the
// form was drawn from, with an audit entry of both values before and after
// and, for a reviewer, their open assignments checked again for conflicts
// of interest (reviewerchange.go).
func (s *Server) saveDetails(ctx context.Context, u, changed *auth.User) error {
	return s.board.ChangeOwnDetails(ctx, u, changed)
}
