package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// ReauthWindow is how long after signing in, or after confirming that it
// is still them, a person may make sensitive changes without confirming
// again (auth.ReauthWindow).
const ReauthWindow = auth.ReauthWindow

// reauthRoutes registers the "confirm it's you" step.
func (s *Server) reauthRoutes() {
	s.route("GET /account/confirm", Authenticated, http.HandlerFunc(s.confirmPage))
	s.route("POST /account/confirm", Authenticated, http.HandlerFunc(s.confirmSubmit))
}

// confirmedUntil returns until when the caller's session may make
// sensitive changes (auth.Accounts.ConfirmedUntil); the zero time for a
// caller without a session (an API token).
func (s *Server) confirmedUntil(r *http.Request) (time.Time, error) {
	return s.accounts.ConfirmedUntil(r.Context(), sessionFrom(r))
}

// recentlyConfirmed reports whether the caller may make a sensitive change
// now without confirming.
func (s *Server) recentlyConfirmed(r *http.Request) (bool, error) {
	return s.accounts.RecentlyConfirmed(r.Context(), sessionFrom(r))
}

// confirmedOrSent lets a page's sensitive change go on when the session
// confirmed recently; otherwise it sends the browser to the confirmation
// step, which comes back to back (the page holding the form), and reports
// false. It has answered when it returns false.
func (s *Server) confirmedOrSent(w http.ResponseWriter, r *http.Request, back string) bool {
	ok, err := s.recentlyConfirmed(r)
	if err != nil {
		s.internal(w, err)
		return false
	}
	if !ok {
		redirect(w, r, "/account/confirm?next="+url.QueryEscape(back),
			fmt.Sprintf("!Confirm it's you first: this change needs a sign-in or a confirmation within the last %d minutes.", int(ReauthWindow.Minutes())))
	}
	return ok
}

// reauthProof is what a person gives to confirm it is them: their password
// and, for a two-factor account, a current code from the authenticator app.
type reauthProof auth.Proof

// missing says which parts of a proof u must give and has not; fields are
// "password" and "code".
func (p reauthProof) missing(u *boardsql.User) []fieldProblem {
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
func (s *Server) reauthenticate(r *http.Request, u *boardsql.User, p reauthProof) error {
	if ps := p.missing(u); len(ps) > 0 {
		return auth.Refusal(certboard.Forbidden, "Confirmation needed", ps[0].Field, sentence(ps[0].Message))
	}
	return s.accounts.Reauthenticate(r.Context(), client(r), sessionFrom(r), u, auth.Proof(p))
}

// confirmNeeded answers an API caller that must confirm first: 403 saying
// how.
func confirmNeeded(w http.ResponseWriter, what string) {
	problem(w, http.StatusForbidden, "Confirmation needed",
		fmt.Sprintf("password: %s needs a sign-in within the last %d minutes; send your current password as password (and, with two-factor sign-in, a current code from your app as totp) in this request, or sign in again.",
			what, int(ReauthWindow.Minutes())))
}

// confirmedJSON lets an API caller's sensitive change go on when its
// session signed in or confirmed within ReauthWindow, or when the request
// carries the proof (checked whenever it is given, and then counted as a
// confirmation). Otherwise it answers 403 saying how (429 while paused)
// and reports false.
func (s *Server) confirmedJSON(w http.ResponseWriter, r *http.Request, u *boardsql.User, p reauthProof, what string) bool {
	if p.Password == "" && p.Code == "" {
		ok, err := s.recentlyConfirmed(r)
		switch {
		case err != nil:
			s.internal(w, err)
		case !ok:
			confirmNeeded(w, what)
		}
		return err == nil && ok
	}
	err := s.reauthenticate(r, u, p)
	switch se := signInRefusal(err); {
	case se != nil:
		answerRefusal(w, se, map[string]string{"password": "password", "code": "totp"}[se.Field])
	case err != nil:
		s.internal(w, err)
	}
	return err == nil
}

// confirmView is what the confirmation page shows.
type confirmView struct {
	TwoFactor bool
	Minutes   int
}

func (s *Server) renderConfirm(w http.ResponseWriter, r *http.Request, status int, next string, errs map[string]string) {
	s.render(w, r, status, "confirm", page{Title: "Confirm it's you", Form: url.Values{"next": {next}}, Errors: errs,
		Data: confirmView{TwoFactor: userFrom(r).TwoFactor(), Minutes: int(ReauthWindow.Minutes())}})
}

// confirmPage asks for the password (and the app code) before a sensitive
// change.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	s.renderConfirm(w, r, http.StatusOK, safeNext(r.URL.Query().Get("next")), nil)
}

// confirmSubmit checks the proof and goes back to where the person was.
func (s *Server) confirmSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u, next := userFrom(r), safeNext(r.PostForm.Get("next"))
	if sessionFrom(r) == nil {
		s.fail(w, r, http.StatusBadRequest, "No session", "Sign in with a browser to confirm it's you.")
		return
	}
	p := reauthProof{Password: r.PostForm.Get("password"), Code: r.PostForm.Get("code")}
	if ps := p.missing(u); len(ps) > 0 {
		errs := map[string]string{}
		for _, fp := range ps {
			errs[fp.Field] = sentence(fp.Message)
		}
		s.renderConfirm(w, r, http.StatusUnprocessableEntity, next, errs)
		return
	}
	err := s.reauthenticate(r, u, p)
	switch se := signInRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		status := refusalStatus(se)
		if status == http.StatusForbidden {
			status = http.StatusUnprocessableEntity // the session is fine; a field is wrong
		}
		s.renderConfirm(w, r, status, next, map[string]string{se.Field: se.Message})
		return
	case errors.Is(err, boardsql.ErrNotFound):
		clearSessionCookie(w)
		redirect(w, r, "/login?next="+url.QueryEscape(next), "!Your session ended meanwhile; sign in again.")
		return
	case err != nil:
		s.internal(w, err)
		return
	}
	redirect(w, r, next, fmt.Sprintf("Confirmed. For the next %d minutes you can make changes that need it without confirming again.", int(ReauthWindow.Minutes())))
}

// ConfirmMinutes is ReauthWindow in minutes, for the two-factor page.
func (v *twoFactorView) ConfirmMinutes() int { return int(ReauthWindow.Minutes()) }
