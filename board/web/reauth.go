package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board/boardsql"
)

// ReauthWindow is how long after signing in, or after confirming that it
// is still them, a person may make sensitive changes (create API tokens,
// turn two-factor sign-in off, make new recovery codes) without confirming
// again. Changing the password always asks for the current one.
const ReauthWindow = 10 * time.Minute

// reauthRoutes registers the "confirm it's you" step.
func (s *Server) reauthRoutes() {
	s.route("GET /account/confirm", Authenticated, http.HandlerFunc(s.confirmPage))
	s.route("POST /account/confirm", Authenticated, http.HandlerFunc(s.confirmSubmit))
}

// confirmedUntil returns until when the caller's session may make sensitive
// changes: ReauthWindow after its sign-in or its latest confirmation. A
// caller without a session (an API token) gets the zero time: tokens never
// count as a recent authentication.
func (s *Server) confirmedUntil(r *http.Request) (time.Time, error) {
	ss := sessionFrom(r)
	if ss == nil {
		return time.Time{}, nil
	}
	at, err := s.cfg.Store.ReauthenticatedAt(r.Context(), ss.Digest)
	if errors.Is(err, boardsql.ErrNotFound) {
		return time.Time{}, nil // ended meanwhile
	}
	if err != nil {
		return time.Time{}, err
	}
	// A session is made when all of the account's factors were shown:
	// for a two-factor account, when the code was accepted.
	if ss.CreatedAt.After(at) {
		at = ss.CreatedAt
	}
	return at.Add(ReauthWindow), nil
}

// recentlyConfirmed reports whether the caller may make a sensitive change
// now without confirming.
func (s *Server) recentlyConfirmed(r *http.Request) (bool, error) {
	until, err := s.confirmedUntil(r)
	if err != nil {
		return false, err
	}
	return s.now().Before(until), nil
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
type reauthProof struct {
	Password, Code string
	// Prepare, when set, runs once the password is proven and before the
	// code is checked and the transaction starts: costly work (hashing a
	// new password) that must never run for a caller who has not proven
	// the password, nor before the attempt was charged to the throttle.
	Prepare func() error
}

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

// errConfirmPassword refuses a confirmation with a wrong password.
var errConfirmPassword = refusedStep(certboard.Forbidden, "Not confirmed", "password", "This is not your current password.")

// reauthenticate checks a proof that the caller is the person of account u:
// the password, through checkPassword (so that wrong passwords are charged
// to, and slowed down by, the sign-in throttle like any sign-in), and for a
// two-factor account a current code from the app, through appCode
// (recovery codes sign in when the phone is lost; they do not confirm). When both are right it records
// the confirmation on the caller's session, if any, audits it, and runs
// then in the same transaction with the account as just read (then may be
// nil). A refusal is a refusedStep whose Field is "password" or "code".
// It is the one way a signed-in person confirms it is them.
func (s *Server) reauthenticate(ctx context.Context, r *http.Request, u *boardsql.User, p reauthProof, then func(tx *boardsql.Tx, checked *boardsql.User) error) error {
	if ps := p.missing(u); len(ps) > 0 {
		return refusedStep(certboard.Forbidden, "Confirmation needed", ps[0].Field, sentence(ps[0].Message))
	}
	checked, cl, err := s.checkPassword(r, u.Email, p.Password)
	if se := signInRefusal(err); se != nil && se.Code == certboard.Unauthorized {
		return errConfirmPassword
	}
	if err != nil {
		return err
	}
	if checked.ID != u.ID {
		return fmt.Errorf("confirming user %d: the address %s belongs to user %d", u.ID, u.Email, checked.ID)
	}
	if p.Prepare != nil {
		if err := p.Prepare(); err != nil {
			return err
		}
	}
	now, how := s.now(), "password"
	apply := func(tx *boardsql.Tx) error {
		if ss := sessionFrom(r); ss != nil {
			if err := s.cfg.Store.MarkReauthenticated(ctx, tx, u.ID, ss.Digest, now); err != nil {
				return err
			}
		}
		e := userEntry(now, u.ID, "session.confirm")
		e.After = how
		if _, err := tx.AppendAudit(ctx, e); err != nil {
			return err
		}
		if then == nil {
			return nil
		}
		return then(tx, checked)
	}
	if !checked.TwoFactor() {
		return s.inTx(ctx, apply)
	}
	how = "password and app code"
	err = s.appCode(ctx, checked, strings.TrimSpace(p.Code), cl, apply)
	if se := signInRefusal(err); se != nil && se.Code == certboard.Unauthorized {
		// The session is fine; the code is not.
		return refusedStep(certboard.Forbidden, "Not confirmed", "code", se.Message)
	}
	return err
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
	err := s.reauthenticate(r.Context(), r, u, p, nil)
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
	err := s.reauthenticate(r.Context(), r, u, p, nil)
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
