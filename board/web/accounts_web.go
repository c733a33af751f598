package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// accountRoutes registers account pages (sign-in, sign-up, sessions,
// two-factor, API tokens) and the API of the forms anyone can post
// (sign-up, e-mail verification, password reset), each form's page and API
// under one rate limit.
func (s *Server) accountRoutes() {
	s.route("GET /login", Public, http.HandlerFunc(s.loginPage))
	s.route("POST /login", Public, http.HandlerFunc(s.loginSubmit))
	s.route("POST /logout", Authenticated, http.HandlerFunc(s.logoutSubmit))
	signUp := s.limiter(signUpLimit)
	s.route("GET /signup", Public, http.HandlerFunc(s.signupPage))
	s.route("POST /signup", Public, signUp(http.HandlerFunc(s.signupSubmit)))
	s.route("POST /api/v1/accounts", Public, signUp(http.HandlerFunc(s.signUp)))
	s.route("GET /signup/sent", Public, http.HandlerFunc(s.mailSentPage))
	verify := s.limiter(verifyEmailLimit)
	s.route("GET /verify", Public, http.HandlerFunc(s.verifyPage))
	s.route("POST /verify", Public, verify(http.HandlerFunc(s.verifySubmit)))
	s.route("POST /api/v1/accounts/verify", Public, verify(http.HandlerFunc(s.verifyEmail)))
	reset := s.limiter(resetLimit)
	s.route("GET /password-reset", Public, http.HandlerFunc(s.resetPage))
	s.route("POST /password-reset", Public, reset(http.HandlerFunc(s.resetSubmit)))
	s.route("POST /api/v1/password-reset", Public, reset(http.HandlerFunc(s.requestReset)))
	s.route("GET /password-reset/sent", Public, http.HandlerFunc(s.mailSentPage))
	newPassword := s.limiter(newPasswordLimit)
	s.route("GET /password-reset/confirm", Public, http.HandlerFunc(s.resetConfirmPage))
	s.route("POST /password-reset/confirm", Public, newPassword(http.HandlerFunc(s.resetConfirmSubmit)))
	s.route("POST /api/v1/password-reset/confirm", Public, newPassword(http.HandlerFunc(s.confirmReset)))
	s.route("GET /account", Authenticated, http.HandlerFunc(s.accountPage))
	s.route("POST /account", Authenticated, http.HandlerFunc(s.accountSubmit))
	s.route("POST /account/sessions/{sid}/end", Authenticated, http.HandlerFunc(s.endSessionForm))
	s.route("POST /account/sessions/end-others", Authenticated, http.HandlerFunc(s.endOtherSessionsForm))
	s.route("GET /api/v1/sessions", Authenticated, http.HandlerFunc(s.sessionsJSON))
	s.route("DELETE /api/v1/sessions/{sid}", Authenticated, http.HandlerFunc(s.endSessionJSON))
	s.twoFactorRoutes()
	s.tokenRoutes()
	s.reauthRoutes()
	s.passwordRoutes()
}

// afterSignIn is where a sign-in without a (usable) next goes.
const afterSignIn = "/applications"

// safeNext returns next when it is a path on this site, and afterSignIn
// otherwise: only a local path starting with a single "/" is followed, so
// that a crafted sign-in link cannot send anyone to another site
// ("//evil.example" and "/\evil.example" are other sites to a browser).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
		return afterSignIn
	}
	for _, r := range next {
		if r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return afterSignIn
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return afterSignIn
	}
	return next
}

// sentence turns a problem message into a sentence for a form.
func sentence(msg string) string {
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

// --- Sign-in and sign-out ---

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if userFrom(r) != nil {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Form: url.Values{"next": {safeNext(next)}}})
}

// loginSubmit checks the e-mail address and password. Without two-factor
// sign-in that signs the user in; with it, the browser gets a pending
// session and is asked for the code.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	form := url.Values{"email": {email}, "next": {next}} // never the password
	errs := map[string]string{}
	if email == "" {
		errs["email"] = "Give the e-mail address of your account."
	}
	if password == "" {
		errs["password"] = "Give your password."
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "login", page{Title: "Sign in", Form: form, Errors: errs})
		return
	}
	ctx := r.Context()
	at, err := s.accounts.CheckPassword(ctx, client(r), email, password)
	switch se := signInRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		s.render(w, r, refusalStatus(se), "login", page{Title: "Sign in", Form: form, Errors: map[string]string{"": se.Message}})
		return
	case err != nil:
		s.internal(w, err)
		return
	}
	u := at.User
	if err := s.startSession(ctx, w, at, u.TwoFactor()); err != nil {
		s.internal(w, err)
		return
	}
	if u.TwoFactor() {
		http.Redirect(w, r, "/login/two-factor?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logoutSubmit ends the browser's session.
func (s *Server) logoutSubmit(w http.ResponseWriter, r *http.Request) {
	if err := s.endCurrentSession(w, r); err != nil {
		s.internal(w, err)
		return
	}
	redirect(w, r, "/", "You are signed out.")
}

// --- Sign-up and e-mail verification ---

func (s *Server) signupPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signup", page{Title: "Create an account"})
}

// signupSubmit creates an account from the form, with the API's checks.
// Whether or not the address had an account, the next page is the same.
func (s *Server) signupSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	in := signUpInput{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Password: r.PostForm.Get("password")}
	if ps := in.problems(); len(ps) > 0 {
		errs := map[string]string{}
		for _, p := range ps {
			errs[p.Field] = sentence(p.Message)
		}
		s.render(w, r, http.StatusUnprocessableEntity, "signup", page{Title: "Create an account", Errors: errs,
			Form: url.Values{"email": {in.Email}, "name": {in.Name}}})
		return
	}
	if err := s.accounts.SignUp(r.Context(), auth.SignUp(in)); err != nil {
		if se := signInRefusal(err); se != nil {
			setRetryAfter(w, se)
			s.render(w, r, refusalStatus(se), "signup", page{Title: "Create an account", Errors: map[string]string{"": se.Message},
				Form: url.Values{"email": {in.Email}, "name": {in.Name}}})
			return
		}
		s.internal(w, err)
		return
	}
	http.Redirect(w, r, "/signup/sent", http.StatusSeeOther)
}

// mailSentPage says to look for the mail just sent (or not sent: it never
// says which).
func (s *Server) mailSentPage(w http.ResponseWriter, r *http.Request) {
	msg := "If the address can be used, a message with a link to verify it is on its way. Open the link within 48 hours to finish creating your account. " +
		"If you already have an account, the message says so instead."
	if strings.HasPrefix(r.URL.Path, "/password-reset") {
		msg = fmt.Sprintf("If the address has an account, a message with a link to choose a new password is on its way. The link works once, for %d minutes.",
			int(ResetLinkTTL.Minutes()))
	}
	s.render(w, r, http.StatusOK, "signup_sent", page{Title: "Check your mail", Data: msg})
}

// verifyPage asks to confirm the address with the password chosen at
// sign-up: following a link only shows the form, so that mail scanners
// that open links do not use it up, and the link alone never verifies
// (see redeemVerify).
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token == "" {
		s.pageError(w, r, http.StatusBadRequest, "Link not valid", "This link has no token; open the whole link from the message we sent.")
		return
	}
	s.render(w, r, http.StatusOK, "verify", page{Title: "Verify your e-mail address", Form: url.Values{"token": {token}}})
}

func (s *Server) verifySubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	token, password := r.PostForm.Get("token"), r.PostForm.Get("password")
	form := url.Values{"token": {token}} // never the password
	if password == "" {
		s.render(w, r, http.StatusUnprocessableEntity, "verify", page{Title: "Verify your e-mail address", Form: form,
			Errors: map[string]string{"password": "Type the password you chose when you signed up."}})
		return
	}
	err := s.accounts.VerifyEmail(r.Context(), limitKey(r), token, password)
	switch se := signInRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		s.render(w, r, refusalStatus(se), "verify", page{Title: "Verify your e-mail address", Form: form,
			Errors: map[string]string{se.Field: se.Message}})
	case errors.Is(err, boardsql.ErrNotFound):
		s.render(w, r, http.StatusBadRequest, "verify", page{Title: "Verify your e-mail address",
			Errors: map[string]string{"": "This link is unknown, used or expired. If your address is not verified yet, sign up again to get a new link."}})
	case err != nil:
		s.internal(w, err)
	default:
		redirect(w, r, "/login", "Your e-mail address is verified. Sign in to continue.")
	}
}

// --- Password reset ---

func (s *Server) resetPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "reset", page{Title: "Reset your password"})
}

func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if email == "" {
		s.render(w, r, http.StatusUnprocessableEntity, "reset", page{Title: "Reset your password",
			Errors: map[string]string{"email": "Give the e-mail address of your account."}})
		return
	}
	if err := s.accounts.RequestReset(r.Context(), email); err != nil {
		s.internal(w, err)
		return
	}
	http.Redirect(w, r, "/password-reset/sent", http.StatusSeeOther)
}

func (s *Server) resetConfirmPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token == "" {
		s.pageError(w, r, http.StatusBadRequest, "Link not valid", "This link has no token; open the whole link from the message we sent.")
		return
	}
	s.render(w, r, http.StatusOK, "reset_confirm", page{Title: "Choose a new password", Form: url.Values{"token": {token}}})
}

func (s *Server) resetConfirmSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	token, password := r.PostForm.Get("token"), r.PostForm.Get("password")
	form := url.Values{"token": {token}}
	if p := passwordProblem(password, ""); p != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "reset_confirm", page{Title: "Choose a new password", Form: form,
			Errors: map[string]string{"password": sentence(p.Message)}})
		return
	}
	err := s.accounts.ResetPassword(r.Context(), limitKey(r), token, password)
	switch se := signInRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		s.render(w, r, refusalStatus(se), "reset_confirm", page{Title: "Choose a new password", Form: form, Errors: map[string]string{"": se.Message}})
	case errors.Is(err, boardsql.ErrNotFound):
		s.render(w, r, http.StatusBadRequest, "reset_confirm", page{Title: "Choose a new password",
			Errors: map[string]string{"": "This link is unknown, used or expired; ask for a new one."}, Data: "expired"})
	case err != nil:
		s.internal(w, err)
	default:
		clearSessionCookie(w)
		redirect(w, r, "/login", "Your password is changed and every session of your account was ended. Sign in with the new password.")
	}
}

// --- The account page ---

// accountView is what the account page shows.
type accountView struct {
	Email     string
	Roles     []auth.Role
	TwoFactor bool
	// StaffNeeds2FA: staff, admin or regulator without two-factor sign-in yet.
	StaffNeeds2FA bool
	Sessions      []sessionView
	Tokens        []tokenView
	// NewToken is a token just created, shown this once.
	NewToken, NewTokenName string
	// Confirmed: this session signed in or confirmed it is its person
	// within ReauthWindow, so sensitive changes go through without asking.
	Confirmed bool
}

// MinPassword is the shortest password the policy allows.
func (accountView) MinPassword() int { return auth.MinPasswordLen }

// ConfirmMinutes is ReauthWindow in minutes.
func (accountView) ConfirmMinutes() int { return int(ReauthWindow.Minutes()) }

// DefaultTokenDays is the lifetime of a token unless another is chosen.
func (accountView) DefaultTokenDays() int { return DefaultTokenDays }

// MaxTokenDays is the longest lifetime a token may be given.
func (accountView) MaxTokenDays() int { return MaxTokenDays }

// sessionView is one session in the list.
type sessionView struct {
	ID         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Device     string
	UserAgent  string
	Current    bool
}

// tokenView is one API token in the list.
type tokenView struct {
	ID         string
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
	Expired    bool
}

// accountForm is what an account page answer carries besides the data.
type accountForm struct {
	errs                   map[string]string
	form                   url.Values
	newToken, newTokenName string
}

// renderAccount draws the account page of the signed-in user.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, f accountForm) {
	u, ctx, now := userFrom(r), r.Context(), s.now()
	sessions, err := s.accounts.Sessions(ctx, u)
	if err != nil {
		s.internal(w, err)
		return
	}
	tokens, err := s.accounts.Tokens(ctx, u)
	if err != nil {
		s.internal(w, err)
		return
	}
	until, err := s.confirmedUntil(r)
	if err != nil {
		s.internal(w, err)
		return
	}
	v := accountView{Email: u.Email, Roles: u.Roles, TwoFactor: u.TwoFactor(), StaffNeeds2FA: needsTwoFactor(u) && !u.TwoFactor(),
		NewToken: f.newToken, NewTokenName: f.newTokenName, Confirmed: now.Before(until)}
	current := sessionFrom(r)
	for _, ss := range sessions {
		v.Sessions = append(v.Sessions, sessionView{ID: ss.Handle(), CreatedAt: ss.CreatedAt, LastSeenAt: ss.LastSeenAt,
			Device: describeAgent(ss.UserAgent), UserAgent: ss.UserAgent, Current: current != nil && current.Digest == ss.Digest})
	}
	for _, t := range tokens {
		v.Tokens = append(v.Tokens, tokenView{ID: t.ID(), Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt,
			ExpiresAt: t.ExpiresAt, Expired: t.Expired(now)})
	}
	form := url.Values{"name": {u.Name}, "practice": {u.Workplace}, "version": {strconv.Itoa(u.Version)}, "token_days": {strconv.Itoa(DefaultTokenDays)}}
	for k, vals := range f.form {
		form[k] = vals
	}
	s.render(w, r, status, "account", page{Title: "Your account", Data: v, Errors: f.errs, Form: form})
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, accountForm{})
}

// accountSubmit saves the name and practice, if the account is still at
// the version the form was drawn from, with an audit entry of both values
// before and after and, for a reviewer, their open assignments checked
// again for conflicts of interest.
func (s *Server) accountSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u, ctx := userFrom(r), r.Context()
	name, practice := strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("practice"))
	errs := map[string]string{}
	if name == "" || utf8.RuneCountInString(name) > 200 {
		errs["name"] = "Give your full name (at most 200 characters)."
	}
	if utf8.RuneCountInString(practice) > 200 {
		errs["practice"] = "Shorten the practice to at most 200 characters."
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		errs[""] = "The form lacks the account's version; reload the page and apply your change again."
	}
	form := url.Values{"name": {name}, "practice": {practice}, "version": {r.PostForm.Get("version")}}
	if len(errs) > 0 {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, accountForm{errs: errs, form: form})
		return
	}
	changed := *u
	changed.Name, changed.Workplace, changed.Version = name, practice, version
	// The name and practice decide reviewers' conflicts of interest: open
	// assignments are checked again and the result recorded with the change
	// (reviewerchange.go); the audit entry holds both values before and after.
	var found *reviewerRechecks
	if detailsChanged(u, &changed) {
		if found, err = s.recheckReviewer(ctx, &changed); err != nil {
			s.internal(w, err)
			return
		}
	}
	now := s.now()
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		if _, err := s.cfg.Store.UpdateUser(ctx, tx, changed); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, detailsEntry(now, u.ID, "account.update", u, &changed)); err != nil {
			return err
		}
		return s.recordRecheck(ctx, tx, u, &changed, found, "", now)
	})
	if errors.Is(err, boardsql.ErrConflict) {
		s.renderAccount(w, r, http.StatusConflict, accountForm{form: form, errs: map[string]string{
			"": "Your account was changed elsewhere (another tab or device) since this page was drawn; reload the page and apply your change again."}})
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	redirect(w, r, "/account", "Your details are saved.")
}

// describeAgent names the browser and system of a User-Agent string, for a
// person to recognise their devices; "" when it cannot tell.
func describeAgent(ua string) string {
	var browser, system string
	switch {
	case strings.Contains(ua, "Edg/"):
		browser = "Edge"
	case strings.Contains(ua, "Firefox/"):
		browser = "Firefox"
	case strings.Contains(ua, "Chrome/") || strings.Contains(ua, "Chromium/"):
		browser = "Chrome"
	case strings.Contains(ua, "Safari/"):
		browser = "Safari"
	case strings.HasPrefix(ua, "curl/"):
		browser = "curl"
	}
	switch {
	case strings.Contains(ua, "Android"):
		system = "Android"
	case strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPad"):
		system = "iOS"
	case strings.Contains(ua, "Windows"):
		system = "Windows"
	case strings.Contains(ua, "Mac OS X") || strings.Contains(ua, "Macintosh"):
		system = "macOS"
	case strings.Contains(ua, "Linux"):
		system = "Linux"
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	}
	return system
}

// --- Sessions ---

// endSession ends one of u's sessions by its handle, with its audit
// entry; a session that is not theirs is boardsql.ErrNotFound. It reports
// whether that was the caller's own session.
func (s *Server) endSession(r *http.Request, u *boardsql.User, sid string) (own bool, err error) {
	return s.accounts.EndSession(r.Context(), u, sessionFrom(r), sid)
}
func (s *Server) endSessionForm(w http.ResponseWriter, r *http.Request) {
	own, err := s.endSession(r, userFrom(r), r.PathValue("sid"))
	switch {
	case errors.Is(err, boardsql.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "Session not found", "You have no active session with this id; it may have ended already.")
	case err != nil:
		s.internal(w, err)
	case own:
		clearSessionCookie(w)
		redirect(w, r, "/login", "You ended this session and are signed out.")
	default:
		redirect(w, r, "/account#sessions", "The session is ended; that device is signed out.")
	}
}

// endOtherSessionsForm ends every session of the user but this one.
func (s *Server) endOtherSessionsForm(w http.ResponseWriter, r *http.Request) {
	u, ctx, cur := userFrom(r), r.Context(), sessionFrom(r)
	if cur == nil {
		s.fail(w, r, http.StatusBadRequest, "No session", "Sign in with a browser to end your other sessions.")
		return
	}
	n, err := s.accounts.EndOtherSessions(ctx, u, cur)
	if err != nil {
		s.internal(w, err)
		return
	}
	msg := fmt.Sprintf("Ended %d other sessions; only this one is left.", n)
	if n == 1 {
		msg = "Ended 1 other session; only this one is left."
	}
	redirect(w, r, "/account#sessions", msg)
}

// sessionJSON is a session as the API lists it: never its token.
type sessionJSON struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

// sessionsJSON lists the caller's active sessions.
func (s *Server) sessionsJSON(w http.ResponseWriter, r *http.Request) {
	list, err := s.accounts.Sessions(r.Context(), userFrom(r))
	if err != nil {
		s.internal(w, err)
		return
	}
	cur := sessionFrom(r)
	out := []sessionJSON{}
	for _, ss := range list {
		out = append(out, sessionJSON{ID: ss.Handle(), CreatedAt: ss.CreatedAt.UTC(), LastSeenAt: ss.LastSeenAt.UTC(), UserAgent: ss.UserAgent,
			Current: cur != nil && cur.Digest == ss.Digest})
	}
	writeJSON(w, map[string]any{"sessions": out})
}

// endSessionJSON ends one of the caller's sessions.
func (s *Server) endSessionJSON(w http.ResponseWriter, r *http.Request) {
	own, err := s.endSession(r, userFrom(r), r.PathValue("sid"))
	switch {
	case errors.Is(err, boardsql.ErrNotFound):
		problem(w, http.StatusNotFound, "Session not found", "You have no active session with id "+strconv.Quote(r.PathValue("sid"))+".")
	case err != nil:
		s.internal(w, err)
	default:
		if own {
			clearSessionCookie(w)
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
