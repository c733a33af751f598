package account

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

// --- Sign-in and sign-out ---

// SignInView is what the sign-in pages show besides the form.
type SignInView struct {
	// SignUp: anyone may create an account here.
	SignUp bool
	// Issuer is the name authenticator apps show for the site's codes.
	Issuer string
}

func (h *Handlers) signInView() SignInView {
	return SignInView{SignUp: !h.cfg.NoSignUp, Issuer: h.cfg.TOTPIssuer}
}

func (h *Handlers) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if UserFrom(r) != nil {
		kit.SeeOther(w, r, h.safeNext(next), http.StatusSeeOther)
		return nil
	}
	h.render(w, r, http.StatusOK, "login", Page{Title: "Sign in", Form: url.Values{"next": {h.safeNext(next)}}, Data: h.signInView()})
	return nil
}

// loginSubmit checks the e-mail address and password. Without two-factor
// sign-in that signs the user in; with it, the browser gets a pending
// session and is asked for the code.
func (h *Handlers) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	next := h.safeNext(r.PostForm.Get("next"))
	form := url.Values{"email": {email}, "next": {next}} // never the password
	errs := map[string]string{}
	if email == "" {
		errs["email"] = "Give the e-mail address of your account."
	}
	if password == "" {
		errs["password"] = "Give your password."
	}
	if len(errs) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, "login", Page{Title: "Sign in", Form: form, Errors: errs, Data: h.signInView()})
		return nil
	}
	ctx := r.Context()
	at, err := h.cfg.Accounts.CheckPassword(ctx, h.client(r), email, password)
	switch se := auth.AsRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		h.render(w, r, refusalStatus(se), "login", Page{Title: "Sign in", Form: form, Errors: map[string]string{"": se.Message}, Data: h.signInView()})
		return nil
	case err != nil:
		return err
	}
	u := at.User
	if err := h.startSession(ctx, w, r, at, u.TwoFactor()); err != nil {
		return err
	}
	if u.TwoFactor() {
		kit.SeeOther(w, r, "/login/two-factor?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	kit.SeeOther(w, r, next, http.StatusSeeOther)
	return nil
}

// logoutSubmit ends the browser's session.
func (h *Handlers) logoutSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := h.endCurrentSession(w, r); err != nil {
		return err
	}
	h.redirect(w, r, "/", "You are signed out.")
	return nil
}

// --- Sign-up and e-mail verification ---

func (h *Handlers) signupPage(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "signup", Page{Title: "Create an account"})
	return nil
}

// signupSubmit creates an account from the form, with the API's checks.
// Whether or not the address had an account, the next page is the same.
func (h *Handlers) signupSubmit(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	in := signUpInput{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Password: r.PostForm.Get("password")}
	if ps := in.problems(); len(ps) > 0 {
		errs := map[string]string{}
		for _, p := range ps {
			errs[p.Field] = Sentence(p.Message)
		}
		h.render(w, r, http.StatusUnprocessableEntity, "signup", Page{Title: "Create an account", Errors: errs,
			Form: url.Values{"email": {in.Email}, "name": {in.Name}}})
		return nil
	}
	if err := h.cfg.Accounts.SignUp(r.Context(), auth.SignUp(in)); err != nil {
		if se := auth.AsRefusal(err); se != nil {
			setRetryAfter(w, se)
			h.render(w, r, refusalStatus(se), "signup", Page{Title: "Create an account", Errors: map[string]string{"": se.Message},
				Form: url.Values{"email": {in.Email}, "name": {in.Name}}})
			return nil
		}
		return err
	}
	kit.SeeOther(w, r, "/signup/sent", http.StatusSeeOther)
	return nil
}

// mailSentPage says to look for the mail just sent (or not sent: it never
// says which).
func (h *Handlers) mailSentPage(w http.ResponseWriter, r *http.Request) error {
	msg := "If the address can be used, a message with a link to verify it is on its way. Open the link within 48 hours to finish creating your account. " +
		"If you already have an account, the message says so instead."
	if strings.HasPrefix(r.URL.Path, "/password-reset") {
		msg = fmt.Sprintf("If the address has an account, a message with a link to choose a new password is on its way. The link works once, for %d minutes.",
			int(auth.ResetLinkTTL.Minutes()))
	}
	h.render(w, r, http.StatusOK, "signup_sent", Page{Title: "Check your mail", Data: msg})
	return nil
}

// linkPage shows the form a mailed link opens, the page name titled
// title, with the link's token in the form: following a link only shows
// the form, so that mail scanners that open links do not use it up.
func (h *Handlers) linkPage(w http.ResponseWriter, r *http.Request, name, title string) error {
	token := r.URL.Query().Get("token")
	if token == "" {
		h.pageError(w, r, http.StatusBadRequest, "Link not valid", "This link has no token; open the whole link from the message we sent.")
		return nil
	}
	h.render(w, r, http.StatusOK, name, Page{Title: title, Form: url.Values{"token": {token}}})
	return nil
}

// verifyPage asks to confirm the address with the password chosen at
// sign-up (see linkPage); the link alone never verifies (see
// verifySubmit).
func (h *Handlers) verifyPage(w http.ResponseWriter, r *http.Request) error {
	return h.linkPage(w, r, "verify", "Verify your e-mail address")
}

func (h *Handlers) verifySubmit(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	token, password := r.PostForm.Get("token"), r.PostForm.Get("password")
	form := url.Values{"token": {token}} // never the password
	if password == "" {
		h.render(w, r, http.StatusUnprocessableEntity, "verify", Page{Title: "Verify your e-mail address", Form: form,
			Errors: map[string]string{"password": "Type the password you chose when you signed up."}})
		return nil
	}
	err := h.cfg.Accounts.VerifyEmail(r.Context(), kit.LimitKey(r), token, password)
	switch se := auth.AsRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		h.render(w, r, refusalStatus(se), "verify", Page{Title: "Verify your e-mail address", Form: form,
			Errors: map[string]string{se.Field: se.Message}})
	case errors.Is(err, auth.ErrNotFound):
		h.render(w, r, http.StatusBadRequest, "verify", Page{Title: "Verify your e-mail address",
			Errors: map[string]string{"": "This link is unknown, used or expired. If your address is not verified yet, sign up again to get a new link."}})
	case err != nil:
		return err
	default:
		h.redirect(w, r, "/login", "Your e-mail address is verified. Sign in to continue.")
	}
	return nil
}

// --- Password reset ---

func (h *Handlers) resetPage(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "reset", Page{Title: "Reset your password"})
	return nil
}

func (h *Handlers) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if email == "" {
		h.render(w, r, http.StatusUnprocessableEntity, "reset", Page{Title: "Reset your password",
			Errors: map[string]string{"email": "Give the e-mail address of your account."}})
		return nil
	}
	if err := h.cfg.Accounts.RequestReset(r.Context(), email); err != nil {
		return err
	}
	kit.SeeOther(w, r, "/password-reset/sent", http.StatusSeeOther)
	return nil
}

// resetConfirmPage asks for the new password (see linkPage).
func (h *Handlers) resetConfirmPage(w http.ResponseWriter, r *http.Request) error {
	return h.linkPage(w, r, "reset_confirm", "Choose a new password")
}

func (h *Handlers) resetConfirmSubmit(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	token, password := r.PostForm.Get("token"), r.PostForm.Get("password")
	form := url.Values{"token": {token}}
	if p := passwordProblem(password, ""); p != nil {
		h.render(w, r, http.StatusUnprocessableEntity, "reset_confirm", Page{Title: "Choose a new password", Form: form,
			Errors: map[string]string{"password": Sentence(p.Message)}})
		return nil
	}
	err := h.cfg.Accounts.ResetPassword(r.Context(), kit.LimitKey(r), token, password)
	switch se := auth.AsRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		h.render(w, r, refusalStatus(se), "reset_confirm", Page{Title: "Choose a new password", Form: form, Errors: map[string]string{"": se.Message}})
	case errors.Is(err, auth.ErrNotFound):
		h.render(w, r, http.StatusBadRequest, "reset_confirm", Page{Title: "Choose a new password",
			Errors: map[string]string{"": "This link is unknown, used or expired; ask for a new one."}, Data: "expired"})
	case err != nil:
		return err
	default:
		h.clearSessionCookie(w, r)
		h.redirect(w, r, "/login", "Your password is changed and every session of your account was ended. Sign in with the new password.")
	}
	return nil
}

// --- The account page ---

// AccountView is what the account page shows.
type AccountView struct {
	Email     string
	Roles     []auth.Role
	TwoFactor bool
	// StaffNeeds2FA: an account that must sign in with two factors
	// (Accounts.NeedsTwoFactor) and has not turned it on yet.
	StaffNeeds2FA bool
	// Wording is what the page says that differs by mode.
	Wording  Wording
	Sessions []SessionView
	// APITokens says the mode offers API tokens (not Config.NoAPITokens);
	// Tokens lists the user's.
	APITokens bool
	Tokens    []TokenView
	// NewToken is a token just created, shown this once.
	NewToken, NewTokenName string
	// Confirmed: this session signed in or confirmed it is its person
	// within auth.ReauthWindow, so sensitive changes go through without asking.
	Confirmed bool
}

// MinPassword is the shortest password the policy allows.
func (AccountView) MinPassword() int { return auth.MinPasswordLen }

// ConfirmMinutes is auth.ReauthWindow in minutes.
func (AccountView) ConfirmMinutes() int { return int(auth.ReauthWindow.Minutes()) }

// DefaultTokenDays is the lifetime of a token unless another is chosen.
func (AccountView) DefaultTokenDays() int { return auth.DefaultTokenDays }

// MaxTokenDays is the longest lifetime a token may be given.
func (AccountView) MaxTokenDays() int { return auth.MaxTokenDays }

// SessionView is one session in the list.
type SessionView struct {
	ID         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Device     string
	UserAgent  string
	Current    bool
}

// TokenView is one API token in the list.
type TokenView struct {
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
func (h *Handlers) renderAccount(w http.ResponseWriter, r *http.Request, status int, f accountForm) error {
	u, ctx, now := UserFrom(r), r.Context(), h.now()
	sessions, err := h.cfg.Accounts.Sessions(ctx, u)
	if err != nil {
		return err
	}
	var tokens []auth.APIToken
	if !h.cfg.NoAPITokens {
		if tokens, err = h.cfg.Accounts.Tokens(ctx, u); err != nil {
			return err
		}
	}
	until, err := h.confirmedUntil(r)
	if err != nil {
		return err
	}
	v := AccountView{Email: u.Email, Roles: u.Roles, TwoFactor: u.TwoFactor(), StaffNeeds2FA: h.cfg.Accounts.NeedsTwoFactor(u) && !u.TwoFactor(),
		Wording: h.cfg.Wording, APITokens: !h.cfg.NoAPITokens,
		NewToken: f.newToken, NewTokenName: f.newTokenName, Confirmed: now.Before(until)}
	current := SessionFrom(r)
	for _, ss := range sessions {
		v.Sessions = append(v.Sessions, SessionView{ID: ss.Handle(), CreatedAt: ss.CreatedAt, LastSeenAt: ss.LastSeenAt,
			Device: describeAgent(ss.UserAgent), UserAgent: ss.UserAgent, Current: current != nil && current.Digest == ss.Digest})
	}
	for _, t := range tokens {
		v.Tokens = append(v.Tokens, TokenView{ID: t.ID(), Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt,
			ExpiresAt: t.ExpiresAt, Expired: t.Expired(now)})
	}
	form := url.Values{"name": {u.Name}, "practice": {u.Workplace}, "version": {strconv.Itoa(u.Version)}, "token_days": {strconv.Itoa(auth.DefaultTokenDays)}}
	for k, vals := range f.form {
		form[k] = vals
	}
	h.render(w, r, status, "account", Page{Title: "Your account", Data: v, Errors: f.errs, Form: form})
	return nil
}

func (h *Handlers) accountPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderAccount(w, r, http.StatusOK, accountForm{})
}

// accountSubmit saves the name and practice (the workplace), if the
// account is still at the version the form was drawn from, by the mode's
// Config.SaveDetails.
func (h *Handlers) accountSubmit(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	u, ctx := UserFrom(r), r.Context()
	name, practice := strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("practice"))
	if h.cfg.Wording.Workplace == "" {
		practice = u.Workplace // the page has no such field
	}
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
		return h.renderAccount(w, r, http.StatusUnprocessableEntity, accountForm{errs: errs, form: form})
	}
	changed := *u
	changed.Name, changed.Workplace, changed.Version = name, practice, version
	err = h.cfg.SaveDetails(ctx, u, &changed)
	if errors.Is(err, auth.ErrConflict) {
		return h.renderAccount(w, r, http.StatusConflict, accountForm{form: form, errs: map[string]string{
			"": "Your account was changed elsewhere (another tab or device) since this page was drawn; reload the page and apply your change again."}})
	}
	if err != nil {
		return err
	}
	h.redirect(w, r, "/account", "Your details are saved.")
	return nil
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
// entry; a session that is not theirs is auth.ErrNotFound. It reports
// whether that was the caller's own session.
func (h *Handlers) endSession(r *http.Request, u *auth.User, sid string) (own bool, err error) {
	return h.cfg.Accounts.EndSession(r.Context(), u, SessionFrom(r), sid)
}
func (h *Handlers) endSessionForm(w http.ResponseWriter, r *http.Request) error {
	own, err := h.endSession(r, UserFrom(r), r.PathValue("sid"))
	switch {
	case errors.Is(err, auth.ErrNotFound):
		h.fail(w, r, http.StatusNotFound, "Session not found", "You have no active session with this id; it may have ended already.")
	case err != nil:
		return err
	case own:
		h.clearSessionCookie(w, r)
		h.redirect(w, r, "/login", "You ended this session and are signed out.")
	default:
		h.redirect(w, r, "/account#sessions", "The session is ended; that device is signed out.")
	}
	return nil
}

// endOtherSessionsForm ends every session of the user but this one.
func (h *Handlers) endOtherSessionsForm(w http.ResponseWriter, r *http.Request) error {
	u, ctx, cur := UserFrom(r), r.Context(), SessionFrom(r)
	if cur == nil {
		h.fail(w, r, http.StatusBadRequest, "No session", "Sign in with a browser to end your other sessions.")
		return nil
	}
	n, err := h.cfg.Accounts.EndOtherSessions(ctx, u, cur)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Ended %d other sessions; only this one is left.", n)
	if n == 1 {
		msg = "Ended 1 other session; only this one is left."
	}
	h.redirect(w, r, "/account#sessions", msg)
	return nil
}

// SessionJSON is a session as the API lists it: never its token.
type SessionJSON struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

// sessionsJSON lists the caller's active sessions.
func (h *Handlers) sessionsJSON(w http.ResponseWriter, r *http.Request) error {
	list, err := h.cfg.Accounts.Sessions(r.Context(), UserFrom(r))
	if err != nil {
		return err
	}
	cur := SessionFrom(r)
	out := []SessionJSON{}
	for _, ss := range list {
		out = append(out, SessionJSON{ID: ss.Handle(), CreatedAt: ss.CreatedAt.UTC(), LastSeenAt: ss.LastSeenAt.UTC(), UserAgent: ss.UserAgent,
			Current: cur != nil && cur.Digest == ss.Digest})
	}
	writeJSON(w, map[string]any{"sessions": out})
	return nil
}

// endSessionJSON ends one of the caller's sessions.
func (h *Handlers) endSessionJSON(w http.ResponseWriter, r *http.Request) error {
	own, err := h.endSession(r, UserFrom(r), r.PathValue("sid"))
	switch {
	case errors.Is(err, auth.ErrNotFound):
		kit.Problem(w, http.StatusNotFound, "Session not found", "You have no active session with id "+strconv.Quote(r.PathValue("sid"))+".")
	case err != nil:
		return err
	default:
		if own {
			h.clearSessionCookie(w, r)
		}
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}
