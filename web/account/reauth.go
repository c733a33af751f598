package account

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

// confirmedUntil returns until when the caller's session may make
// sensitive changes (auth.Accounts.ConfirmedUntil); the zero time for a
// caller without a session (an API token).
func (h *Handlers) confirmedUntil(r *http.Request) (time.Time, error) {
	return h.cfg.Accounts.ConfirmedUntil(r.Context(), SessionFrom(r))
}

// recentlyConfirmed reports whether the caller may make a sensitive change
// now without confirming.
func (h *Handlers) recentlyConfirmed(r *http.Request) (bool, error) {
	return h.cfg.Accounts.RecentlyConfirmed(r.Context(), SessionFrom(r))
}

// confirmedOrSent lets a page's sensitive change go on when the session
// confirmed recently; otherwise it sends the browser to the confirmation
// step, which comes back to back (the page holding the form), and reports
// false. It has answered when it returns false without an error; an error
// is unexpected, and nothing was written.
func (h *Handlers) confirmedOrSent(w http.ResponseWriter, r *http.Request, back string) (bool, error) {
	ok, err := h.recentlyConfirmed(r)
	if err != nil {
		return false, err
	}
	if !ok {
		h.redirect(w, r, "/account/confirm?next="+url.QueryEscape(back),
			fmt.Sprintf("!Confirm it's you first: this change needs a sign-in or a confirmation within the last %d minutes.", int(auth.ReauthWindow.Minutes())))
	}
	return ok, nil
}

// reauthProof is what a person gives to confirm it is them: their password
// and, for a two-factor account, a current code from the authenticator app.
type reauthProof auth.Proof

// missing says which parts of a proof u must give and has not; fields are
// "password" and "code".
func (p reauthProof) missing(u *auth.User) []fieldProblem {
	var out []fieldProblem
	if p.Password == "" {
		out = append(out, fieldProblem{"password", "type your current password"})
	}
	if u.TwoFactor() && strings.TrimSpace(p.Code) == "" {
		out = append(out, fieldProblem{"code", "type the 6-digit code your authenticator app shows now"})
	}
	return out
}

// reauthenticate checks a proof that the caller is the person of account u
// (auth.Accounts.Reauthenticate) once it has every part u must give; a
// missing part is refused as "Confirmation needed". A refusal is an
// auth.Refusal whose Field is "password" or "code".
func (h *Handlers) reauthenticate(r *http.Request, u *auth.User, p reauthProof) error {
	if ps := p.missing(u); len(ps) > 0 {
		return auth.Refusal(certboard.Forbidden, "Confirmation needed", ps[0].Field, Sentence(ps[0].Message))
	}
	return h.cfg.Accounts.Reauthenticate(r.Context(), h.client(r), SessionFrom(r), u, auth.Proof(p))
}

// confirmNeeded answers an API caller that must confirm first: 403 saying
// how.
func confirmNeeded(w http.ResponseWriter, what string) {
	kit.Problem(w, http.StatusForbidden, "Confirmation needed",
		fmt.Sprintf("password: %s needs a sign-in within the last %d minutes; send your current password as password (and, with two-factor sign-in, a current code from your app as totp) in this request, or sign in again.",
			what, int(auth.ReauthWindow.Minutes())))
}

// confirmedJSON lets an API caller's sensitive change go on when its
// session signed in or confirmed within auth.ReauthWindow, or when the request
// carries the proof (checked whenever it is given, and then counted as a
// confirmation). Otherwise it answers 403 saying how (429 while paused)
// and reports false; an error is unexpected, and nothing was written.
func (h *Handlers) confirmedJSON(w http.ResponseWriter, r *http.Request, u *auth.User, p reauthProof, what string) (bool, error) {
	if p.Password == "" && p.Code == "" {
		ok, err := h.recentlyConfirmed(r)
		if err != nil {
			return false, err
		}
		if !ok {
			confirmNeeded(w, what)
		}
		return ok, nil
	}
	err := h.reauthenticate(r, u, p)
	if se := auth.AsRefusal(err); se != nil {
		answerRefusal(w, se, map[string]string{"password": "password", "code": "totp"}[se.Field])
		return false, nil
	}
	return err == nil, err
}

// ConfirmView is what the confirmation page shows.
type ConfirmView struct {
	TwoFactor bool
	Minutes   int
	// APITokens says the mode offers API tokens.
	APITokens bool
}

func (h *Handlers) renderConfirm(w http.ResponseWriter, r *http.Request, status int, next string, errs map[string]string) {
	h.render(w, r, status, "confirm", Page{Title: "Confirm it's you", Form: url.Values{"next": {next}}, Errors: errs,
		Data: ConfirmView{TwoFactor: UserFrom(r).TwoFactor(), Minutes: int(auth.ReauthWindow.Minutes()), APITokens: !h.cfg.NoAPITokens}})
}

// confirmPage asks for the password (and the app code) before a sensitive
// change.
func (h *Handlers) confirmPage(w http.ResponseWriter, r *http.Request) error {
	h.renderConfirm(w, r, http.StatusOK, h.safeNext(r.URL.Query().Get("next")), nil)
	return nil
}

// confirmSubmit checks the proof and goes back to where the person was.
func (h *Handlers) confirmSubmit(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	u, next := UserFrom(r), h.safeNext(r.PostForm.Get("next"))
	if SessionFrom(r) == nil {
		h.fail(w, r, http.StatusBadRequest, "No session", "Sign in with a browser to confirm it's you.")
		return nil
	}
	p := reauthProof{Password: r.PostForm.Get("password"), Code: r.PostForm.Get("code")}
	if ps := p.missing(u); len(ps) > 0 {
		errs := map[string]string{}
		for _, fp := range ps {
			errs[fp.Field] = Sentence(fp.Message)
		}
		h.renderConfirm(w, r, http.StatusUnprocessableEntity, next, errs)
		return nil
	}
	err := h.reauthenticate(r, u, p)
	switch se := auth.AsRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		status := refusalStatus(se)
		if status == http.StatusForbidden {
			status = http.StatusUnprocessableEntity // the session is fine; a field is wrong
		}
		h.renderConfirm(w, r, status, next, map[string]string{se.Field: se.Message})
		return nil
	case errors.Is(err, auth.ErrNotFound):
		h.clearSessionCookie(w, r)
		h.redirect(w, r, "/login?next="+url.QueryEscape(next), "!Your session ended meanwhile; sign in again.")
		return nil
	case err != nil:
		return err
	}
	h.redirect(w, r, next, fmt.Sprintf("Confirmed. For the next %d minutes you can make changes that need it without confirming again.", int(auth.ReauthWindow.Minutes())))
	return nil
}

// ConfirmMinutes is auth.ReauthWindow in minutes, for the two-factor page.
func (v *TwoFactorView) ConfirmMinutes() int { return int(auth.ReauthWindow.Minutes()) }
