package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/notify"
)

// passwordRoutes registers changing the password of a signed-in account.
func (s *Server) passwordRoutes() {
	s.route("POST /account/password", Authenticated, http.HandlerFunc(s.changePasswordForm))
	s.route("POST /api/v1/account/password", Authenticated, http.HandlerFunc(s.changePasswordJSON))
}

// passwordChange is a change of password, from the API or the form.
type passwordChange struct {
	// Current is the password now; Code the app's code of a two-factor
	// account: together they confirm it is the account's person.
	Current, Code string
	New           string
	// Again repeats New on the form (the API has no repeat: set it to New).
	Again string
}

// problems says what is wrong with a change for account u, field by field
// in form order: "current_password", "code", "new_password",
// "new_password_again".
func (in *passwordChange) problems(u *boardsql.User) []fieldProblem {
	var out []fieldProblem
	for _, p := range (reauthProof{Password: in.Current, Code: in.Code}).missing(u) {
		if p.Field == "password" {
			p.Field = "current_password"
		}
		out = append(out, p)
	}
	switch p := passwordProblem(in.New, u.Email); {
	case p != nil:
		out = append(out, fieldProblem{"new_password", p.Message})
	case in.New == in.Current:
		out = append(out, fieldProblem{"new_password", "choose a password other than your current one"})
	case in.Again != in.New:
		out = append(out, fieldProblem{"new_password_again", "type the new password again, the same both times"})
	}
	return out
}

// passwordChanged is what a change ended.
type passwordChanged struct {
	Sessions, Tokens int64
}

// changePassword sets a new (already checked) password for u once the
// current password, and for a two-factor account the app's code, confirm it
// is them. In one transaction it ends every other session of the account
// (the caller's stays), revokes every API token (whoever knew the old
// password may have made one), audits the change and mails the owner. A
// refusal of the proof is a refusedStep with Field "password" or "code";
// a password changed meanwhile is boardsql.ErrConflict.
func (s *Server) changePassword(ctx context.Context, r *http.Request, u *boardsql.User, in passwordChange) (passwordChanged, error) {
	var out passwordChanged
	keep := ""
	if ss := sessionFrom(r); ss != nil {
		keep = ss.Digest
	}
	// The new password is hashed only once the current one is proven (and
	// the attempt charged to the throttle); errHashBusy, a refusal,
	// when every slot is taken.
	var hash string
	prepare := func() (err error) {
		hash, err = s.hashPassword(in.New)
		return err
	}
	now := s.now()
	err := s.reauthenticate(ctx, r, u, reauthProof{Password: in.Current, Code: in.Code, Prepare: prepare}, func(tx *boardsql.Tx, checked *boardsql.User) error {
		var err error
		if out.Sessions, out.Tokens, err = s.cfg.Store.ChangePassword(ctx, tx, u.ID, checked.PasswordHash, hash, keep); err != nil {
			return err
		}
		e := userEntry(now, u.ID, "account.password_change")
		e.After = fmt.Sprintf("%d other sessions ended, %d API tokens revoked", out.Sessions, out.Tokens)
		if _, err := tx.AppendAudit(ctx, e); err != nil {
			return err
		}
		return queueMail(ctx, tx, u.Email, notify.PasswordChanged{At: now, Reset: s.link("/password-reset", "")}, now)
	})
	return out, err
}

// changePasswordForm changes the password from the account page.
func (s *Server) changePasswordForm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u := userFrom(r)
	if sessionFrom(r) == nil {
		s.fail(w, r, http.StatusBadRequest, "No session", "Sign in with a browser to change your password.")
		return
	}
	in := passwordChange{Current: r.PostForm.Get("current_password"), Code: r.PostForm.Get("code"),
		New: r.PostForm.Get("new_password"), Again: r.PostForm.Get("new_password_again")}
	// Passwords are never sent back into the form.
	if ps := in.problems(u); len(ps) > 0 {
		errs := map[string]string{}
		for _, p := range ps {
			errs[p.Field] = sentence(p.Message)
		}
		s.renderAccount(w, r, http.StatusUnprocessableEntity, accountForm{errs: errs})
		return
	}
	done, err := s.changePassword(r.Context(), r, u, in)
	switch se := signInRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		status, field := refusalStatus(se), se.Field
		if status == http.StatusForbidden {
			status = http.StatusUnprocessableEntity // the session is fine; a field is wrong
		}
		if field == "password" {
			field = "current_password"
		}
		s.renderAccount(w, r, status, accountForm{errs: map[string]string{field: se.Message}})
		return
	case errors.Is(err, boardsql.ErrConflict):
		s.renderAccount(w, r, http.StatusConflict, accountForm{errs: map[string]string{
			"current_password": "Your password was changed elsewhere meanwhile; type the password you have now."}})
		return
	case err != nil:
		s.internal(w, err)
		return
	}
	msg := "Your password is changed."
	if done.Sessions > 0 {
		msg += fmt.Sprintf(" Your other sessions (%d) were ended.", done.Sessions)
	}
	if done.Tokens > 0 {
		msg += fmt.Sprintf(" Your API tokens (%d) were revoked; make new ones for the programs that need them.", done.Tokens)
	}
	redirect(w, r, "/account#password", msg)
}

// changePasswordJSON changes the password: {"current_password",
// "new_password", and "totp" for a two-factor account}. It needs a session:
// an API token cannot change the password.
func (s *Server) changePasswordJSON(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if sessionFrom(r) == nil {
		problem(w, http.StatusForbidden, "Not allowed", "API tokens cannot change the password; sign in (POST /api/v1/session) and change it from that session.")
		return
	}
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
		TOTP    string `json:"totp"`
	}
	if !decodeBody(w, r, &in, "current_password, new_password and, with two-factor sign-in, totp", maxAPIBody) {
		return
	}
	change := passwordChange{Current: in.Current, Code: in.TOTP, New: in.New, Again: in.New}
	if ps := change.problems(u); len(ps) > 0 {
		p := ps[0]
		if p.Field == "code" {
			p.Field = "totp"
		}
		problem(w, http.StatusUnprocessableEntity, "Invalid request", p.String())
		return
	}
	done, err := s.changePassword(r.Context(), r, u, change)
	switch se := signInRefusal(err); {
	case se != nil:
		answerRefusal(w, se, map[string]string{"password": "current_password", "code": "totp"}[se.Field])
		return
	case errors.Is(err, boardsql.ErrConflict):
		problem(w, http.StatusConflict, "Changed meanwhile", "current_password: the password was changed meanwhile; send the password the account has now.")
		return
	case err != nil:
		s.internal(w, err)
		return
	}
	writeJSON(w, map[string]any{"status": "password changed; every other session was ended and every API token revoked",
		"sessions_ended": done.Sessions, "tokens_revoked": done.Tokens})
}
